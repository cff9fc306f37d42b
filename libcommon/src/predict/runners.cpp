#include "s2f/predict/runners.hpp"
#include "s2f/predict/pending_records.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "s2f/child_process.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/one_hot.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::predict {

size_t require_sequences(const stream::Reader& in, int64_t model_length, const std::string& model_name) {
  in.expect_kind({stream::kind::sequences});
  size_t seq = in.require_field("seq", stream::DType::u8);
  const auto& f = in.header().schema[seq];
  if (f.shape.size() != 1 || f.shape[0] <= 0)
    fail_input("the sequences stream has variable-length windows", in.name(),
               "encode fixed-length windows with s2f-encode -L " + std::to_string(model_length));
  if (model_length > 0 && f.shape[0] != model_length)
    fail_input("the windows are " + std::to_string(f.shape[0]) + " bp but " + model_name + " takes " +
                   std::to_string(model_length) + " bp",
               in.name(), "re-encode with s2f-encode -L " + std::to_string(model_length));
  return seq;
}

void predict_native(stream::Reader& in, const engine::Predictor& predictor, TensorOutput& out,
                    const RunnerOptions& options, Run& run) {
  const int64_t L = predictor.input_length();
  const size_t seq = require_sequences(in, L, "the model");
  const auto& plan = out.plan();
  const auto& model_heads = predictor.model().graph().heads;
  std::vector<size_t> head_index;  // plan head -> predictor output index
  for (const auto& h : plan.heads) {
    size_t k = 0;
    while (k < model_heads.size() && model_heads[k].name != h.model.name) ++k;
    head_index.push_back(k);
  }
  const int64_t B = options.batch_size;
  std::vector<float> x(static_cast<size_t>(B * L * 4)), xrc;
  if (options.rc != RcMode::none) xrc.resize(x.size());
  std::vector<engine::HeadOutput> fwd, rev;
  stream::Batch batch, group(in.header().schema);
  std::vector<const float*> full(plan.heads.size());

  auto flush = [&] {
    int64_t n = static_cast<int64_t>(group.size());
    if (n == 0) return;
    for (int64_t r = 0; r < n; ++r) {
      auto bases = group.fixed<uint8_t>(seq, static_cast<size_t>(r));
      one_hot(bases, options.n_value, x.data() + r * L * 4);
      if (!xrc.empty()) one_hot_reverse_complement(bases, options.n_value, xrc.data() + r * L * 4);
    }
    predictor.predict(x.data(), n, fwd);
    if (!xrc.empty()) {
      predictor.predict(xrc.data(), n, rev);
      for (size_t h = 0; h < plan.heads.size(); ++h) {
        auto& f = fwd[head_index[h]];
        const auto& r = rev[head_index[h]];
        int64_t per = f.tracks * f.bins;
        for (int64_t i = 0; i < n; ++i)
          combine_strands(f.values.data() + i * per, r.values.data() + i * per, f.values.data() + i * per,
                          plan.heads[h].strands, options.rc);
      }
    }
    for (int64_t r = 0; r < n; ++r) {
      for (size_t h = 0; h < plan.heads.size(); ++h) full[h] = fwd[head_index[h]].sequence(r);
      out.write(group, static_cast<size_t>(r), full);
    }
    run.records_out += static_cast<uint64_t>(n);
    group.clear();
  };

  while (in.next(batch)) {
    for (size_t r = 0; r < batch.size(); ++r) {
      group.append_from(batch, r);
      if (static_cast<int64_t>(group.size()) == B) flush();
    }
    run.records_in += batch.size();
    run.progress.tick(run.records_in);
  }
  flush();
}

std::vector<ModelHeadInfo> heads_of_tensor_stream(const stream::Header& h) {
  std::map<std::string, nlohmann::json> geometry;
  if (h.meta.contains("geometry") && h.meta["geometry"].contains("heads") && h.meta["geometry"]["heads"].is_array())
    for (const auto& g : h.meta["geometry"]["heads"])
      if (g.contains("name") && g["name"].is_string()) geometry[g["name"].get<std::string>()] = g;
  std::vector<ModelHeadInfo> heads;
  for (const auto& f : h.schema.fields()) {
    if ((f.dtype != stream::DType::f32 && f.dtype != stream::DType::f16) || f.shape.size() != 2) continue;
    ModelHeadInfo m;
    m.name = f.name;
    m.tracks = f.shape[0];
    m.bins = f.shape[1];
    m.profile = m.bins > 1;
    auto it = geometry.find(f.name);
    if (it != geometry.end()) {
      if (it->second.contains("bin_size") && it->second["bin_size"].is_number_integer())
        m.bin_size = it->second["bin_size"].get<int64_t>();
      if (it->second.contains("kind") && it->second["kind"].is_string())
        m.profile = it->second["kind"].get<std::string>() == "profile";
    }
    heads.push_back(m);
  }
  return heads;
}

void predict_exec(stream::Reader& in, const std::string& command, double timeout_seconds,
                  const OutputFactory& make_output, const RunnerOptions& options, Run& run) {
  const size_t seq = require_sequences(in, 0, "the --exec model");
  const int64_t L = in.header().schema[seq].shape[0];
  ChildProcess child(command, timeout_seconds);
  PendingRecords pending;
  std::exception_ptr feeder_error;
  const bool rc = options.rc != RcMode::none;

  std::thread feeder([&] {
    try {
      stream::Header h = in.header();
      h.append_provenance(run.provenance());
      stream::Writer w(child.take_stdin(), h);
      stream::Batch batch;
      std::vector<uint8_t> rev(static_cast<size_t>(L));
      while (in.next(batch)) {
        for (size_t r = 0; r < batch.size(); ++r) {
          pending.push(batch, r);
          w.batch().append_from(batch, r);
          w.end_record();
          if (rc) {  // the reverse complement follows its forward record
            auto bases = batch.fixed<uint8_t>(seq, r);
            for (int64_t i = 0; i < L; ++i) {
              uint8_t b = bases[static_cast<size_t>(L - 1 - i)];
              rev[static_cast<size_t>(i)] = b == 'A' ? 'T' : b == 'C' ? 'G' : b == 'G' ? 'C' : b == 'T' ? 'A' : b;
            }
            w.batch().append_from(batch, r);
            auto dst = w.batch().fixed_mut<uint8_t>(seq, w.batch().size() - 1);
            std::copy(rev.begin(), rev.end(), dst.begin());
            w.end_record();
          }
        }
        run.records_in += batch.size();
      }
      w.finish();
    } catch (...) {
      feeder_error = std::current_exception();
      child.kill();
    }
    pending.close();
  });

  std::unique_ptr<TensorOutput> out;
  // Declared outside the try so the pipe stays open while a failure is
  // examined: closing it would make a healthy child die of SIGPIPE.
  std::unique_ptr<stream::Reader> reader;
  try {
    reader = std::make_unique<stream::Reader>(child.take_stdout());
    stream::Reader& from_child = *reader;
    from_child.expect_kind({stream::kind::tensors});
    auto heads = heads_of_tensor_stream(from_child.header());
    if (heads.empty())
      fail_input("the --exec command's tensors stream has no [tracks, bins] float fields", command,
                 "write one f32 field per output head (formats/EXEC.md)");
    std::unique_ptr<catalog::TrackCatalog> child_catalog;
    if (from_child.header().meta.contains("tracks"))
      child_catalog = std::make_unique<catalog::TrackCatalog>(
          catalog::TrackCatalog::from_json(from_child.header().meta["tracks"]));
    out = make_output(heads, child_catalog.get());
    const auto& plan = out->plan();
    std::vector<size_t> fields;
    for (const auto& h : plan.heads) fields.push_back(from_child.header().schema.index(h.model.name));
    int id_field = from_child.header().schema.find("id");
    std::vector<std::vector<float>> fwd(plan.heads.size()), rev(plan.heads.size());
    std::vector<const float*> full(plan.heads.size());
    stream::Batch batch, record;
    bool want_rc = false;
    auto read_head = [&](const stream::Batch& b, size_t r, size_t h, std::vector<float>& dst) {
      const auto& f = from_child.header().schema[fields[h]];
      size_t n = f.elements();
      dst.resize(n);
      if (f.dtype == stream::DType::f16) {
        auto src = b.fixed<uint16_t>(fields[h], r);
        for (size_t i = 0; i < n; ++i) dst[i] = stream::half_to_float(src[i]);
      } else {
        auto src = b.fixed<float>(fields[h], r);
        std::copy(src.begin(), src.end(), dst.begin());
      }
    };
    uint64_t received = 0;
    while (from_child.next(batch)) {
      for (size_t r = 0; r < batch.size(); ++r, ++received) {
        if (!want_rc) {
          if (!pending.pop(record))
            fail_input("the --exec command wrote more records than it was sent", command,
                       "write exactly one tensors record per input record");
          if (id_field >= 0 && batch.str(static_cast<size_t>(id_field), r) != record.str(0, 0))
            fail_input("the --exec command's record " + std::to_string(received + 1) + " has id '" +
                           std::string(batch.str(static_cast<size_t>(id_field), r)) + "' but input record '" +
                           std::string(record.str(0, 0)) + "' was expected",
                       command, "keep output records in input order");
          for (size_t h = 0; h < plan.heads.size(); ++h) read_head(batch, r, h, fwd[h]);
          if (rc) {
            want_rc = true;
            continue;
          }
        } else {
          want_rc = false;
          for (size_t h = 0; h < plan.heads.size(); ++h) {
            read_head(batch, r, h, rev[h]);
            combine_strands(fwd[h].data(), rev[h].data(), fwd[h].data(), plan.heads[h].strands, options.rc);
          }
        }
        for (size_t h = 0; h < plan.heads.size(); ++h) full[h] = fwd[h].data();
        out->write(record, 0, full);
        ++run.records_out;
        run.progress.tick(run.records_out);
      }
    }
    if (pending.pop(record))
      fail_input("the --exec command wrote fewer records than it was sent", command,
                 "write exactly one tensors record per input record" + std::string(rc ? " (two with --rc)" : ""));
  } catch (...) {
    // A child that failed explains itself better than the truncated stream
    // or broken pipe it left behind.
    auto failure = child.failure_within(2.0);
    child.kill();
    feeder.join();
    if (failure) fail_input("the --exec command " + *failure, command, "its stderr: " + child.stderr_tail());
    throw;
  }
  feeder.join();
  if (feeder_error) std::rethrow_exception(feeder_error);
  child.wait_success();
  out->finish();
}

}  // namespace s2f::predict
