// Receptive-field arithmetic over the graph, in topological order.
#include "s2f/engine/receptive_field.hpp"

#include <algorithm>

namespace s2f::engine {

std::vector<ReceptiveField> receptive_fields(const ModelGraph& g) {
  std::vector<ReceptiveField> rf(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.inputs.empty()) continue;
    const ReceptiveField in = rf[static_cast<size_t>(n.inputs[0])];
    ReceptiveField& r = rf[i];
    r = in;
    switch (n.op) {
      case Op::conv1d:
      case Op::maxpool1d:
      case Op::avgpool1d: {
        const int64_t span = n.op == Op::conv1d ? n.dilation * (n.kernel - 1) + 1 : n.kernel;
        r.size = in.size + (span - 1) * in.jump;
        r.jump = in.jump * n.stride;
        r.offset = in.offset - n.pad_left * in.jump;
        break;
      }
      case Op::crop:
        r.offset = in.offset + n.crop_left * in.jump;
        break;
      case Op::add:
      case Op::concat: {
        int64_t lo = in.offset, hi = in.offset + in.size;
        for (int k : n.inputs) {
          const auto& o = rf[static_cast<size_t>(k)];
          lo = std::min(lo, o.offset);
          hi = std::max(hi, o.offset + o.size);
          r.global = r.global || o.global;
        }
        r.offset = lo;
        r.size = hi - lo;
        break;
      }
      case Op::global_avg_pool:
      case Op::global_max_pool:
      case Op::flatten:
        r.global = true;
        break;
      default:
        break;
    }
    if (r.global) {
      r.offset = 0;
      r.size = g.input_length;
      r.jump = 0;
    }
  }
  return rf;
}

}  // namespace s2f::engine
