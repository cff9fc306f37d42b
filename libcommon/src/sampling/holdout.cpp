#include "s2f/sampling/holdout.hpp"

#include <algorithm>
#include <charconv>

#include "s2f/error.hpp"
#include "s2f/sampling/rng.hpp"

namespace s2f::sampling {

Holdout parse_holdout(const std::string& text, const char* option, genome::ChromosomeNames& names) {
  Holdout h;
  if (text.empty()) return h;
  // A proportion is written with a decimal point ("0.1"); "2" is chromosome 2.
  double p = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), p);
  if (text.find('.') != std::string::npos && r.ec == std::errc{} && r.ptr == text.data() + text.size()) {
    if (!(p > 0 && p < 1))
      fail_usage(std::string(option) + " " + text + ": a proportion must lie strictly between 0 and 1",
                 "e.g. 0.1, or a chromosome list such as chr6,chr7");
    h.proportion = p;
    return h;
  }
  size_t b = 0;
  while (b <= text.size()) {
    size_t e = text.find(',', b);
    if (e == std::string::npos) e = text.size();
    std::string name = text.substr(b, e - b);
    if (!name.empty()) {
      int c = names.resolve(name);
      if (c < 0) fail_usage(std::string(option) + ": chromosome '" + name + "' is not in the genome");
      h.contigs.insert(c);
    }
    b = e + 1;
  }
  return h;
}

Regions assign_partitions(const Regions& regions, const HoldoutPlan& plan, int64_t unit_bases) {
  // Small genomes get smaller units, so that a proportion can be met
  // without handing a whole chromosome to one partition.
  if (unit_bases > 0) unit_bases = std::min<int64_t>(unit_bases, std::max<int64_t>(1000, static_cast<int64_t>(total_length(regions) / 1000)));
  Regions units;
  for (auto r : regions) {
    if (plan.validation.contigs.count(r.contig)) r.partition = Partition::validate;
    else if (plan.test.contigs.count(r.contig)) r.partition = Partition::test;
    else r.partition = Partition::train;
    if (unit_bases <= 0 || r.partition != Partition::train) {
      units.push_back(r);
      continue;
    }
    for (int64_t b = r.begin; b < r.end; b += unit_bases) units.push_back({r.contig, b, std::min(r.end, b + unit_bases), r.partition});
  }
  const double pv = plan.validation.contigs.empty() ? plan.validation.proportion : 0;
  const double pt = plan.test.contigs.empty() ? plan.test.proportion : 0;
  if (pv > 0 || pt > 0) {
    uint64_t free_total = 0;
    std::vector<std::pair<uint64_t, size_t>> order;
    for (size_t i = 0; i < units.size(); ++i)
      if (units[i].partition == Partition::train) {
        free_total += static_cast<uint64_t>(units[i].length());
        order.emplace_back(selection_key(plan.seed, 0x401d, i), i);
      }
    std::sort(order.begin(), order.end());
    const double want_v = pv * static_cast<double>(free_total), want_t = pt * static_cast<double>(free_total);
    double got_v = 0, got_t = 0;
    for (auto [key, i] : order) {
      auto len = static_cast<double>(units[i].length());
      if (got_v < want_v) {
        units[i].partition = Partition::validate;
        got_v += len;
      } else if (got_t < want_t) {
        units[i].partition = Partition::test;
        got_t += len;
      }
    }
  }
  normalize(units);
  return units;
}

std::vector<Partition> whole_unit_partitions(size_t units, const HoldoutPlan& plan) {
  std::vector<Partition> out(units, Partition::train);
  const double pv = plan.validation.contigs.empty() ? plan.validation.proportion : 0;
  const double pt = plan.test.contigs.empty() ? plan.test.proportion : 0;
  std::vector<std::pair<uint64_t, size_t>> order;
  for (size_t i = 0; i < units; ++i) order.emplace_back(selection_key(plan.seed, 0x401e, i), i);
  std::sort(order.begin(), order.end());
  // int() truncation as Selene counts them: 0.1 of 9 chromosomes is none.
  const auto n_validate = static_cast<size_t>(static_cast<double>(units) * pv);
  const auto n_test = static_cast<size_t>(static_cast<double>(units) * pt);
  for (size_t k = 0; k < order.size() && k < n_validate + n_test; ++k)
    out[order[k].second] = k < n_validate ? Partition::validate : Partition::test;
  return out;
}

Partition item_partition(int contig, uint64_t item_key, const HoldoutPlan& plan) {
  if (plan.validation.contigs.count(contig)) return Partition::validate;
  if (plan.test.contigs.count(contig)) return Partition::test;
  const double u = static_cast<double>(item_key >> 11) * 0x1.0p-53;
  const double pv = plan.validation.contigs.empty() ? plan.validation.proportion : 0;
  const double pt = plan.test.contigs.empty() ? plan.test.proportion : 0;
  if (u < pv) return Partition::validate;
  if (u < pv + pt) return Partition::test;
  return Partition::train;
}

}  // namespace s2f::sampling
