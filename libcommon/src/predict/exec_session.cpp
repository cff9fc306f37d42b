#include "s2f/predict/exec_session.hpp"

#include <cmath>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "s2f/child_process.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/runners.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::predict {

namespace {

// meta.geometry.heads[].strand_pairs of a tensors stream: [[plus, minus], ...].
engine::StrandPairs strand_pairs_of(const nlohmann::json& j, const ModelHeadInfo& head) {
  const std::string where = "meta.geometry.heads '" + head.name + "' strand_pairs";
  engine::StrandPairs pairs;
  if (!j.is_array())
    fail_input(where + " is not a list", "the --exec model's tensors header", "write [[plus, minus], ...]");
  for (const auto& p : j) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer())
      fail_input(where + " holds " + p.dump() + ", not a [plus, minus] pair of channels",
                 "the --exec model's tensors header", "write [[plus, minus], ...] (formats/EXEC.md)");
    pairs.push_back({p[0].get<int64_t>(), p[1].get<int64_t>()});
  }
  engine::check_strand_pairs(pairs, head.tracks, "the --exec model's tensors header, " + where);
  return pairs;
}

}  // namespace

std::vector<ModelHeadInfo> heads_of_tensor_stream(const stream::Header& h) {
  std::map<std::string, nlohmann::json> geometry;
  if (h.meta.contains("geometry") && h.meta["geometry"].contains("heads") && h.meta["geometry"]["heads"].is_array())
    for (const auto& g : h.meta["geometry"]["heads"])
      if (g.contains("name") && g["name"].is_string()) geometry[g["name"].get<std::string>()] = g;
  std::vector<ModelHeadInfo> heads;
  for (const auto& f : h.schema.fields()) {
    if (f.dtype != stream::DType::f32 && f.dtype != stream::DType::f16) continue;
    if (f.shape.size() > 2 && (f.shape.size() != 3 || f.shape[1] != f.shape[2]))
      fail_input("output field '" + f.name + "' has shape " + nlohmann::json(f.shape).dump() +
                     ", which is neither a head [tracks, bins] nor a 2-D head [tracks, bins, bins]",
                 "the --exec model's tensors header", "write each head as [tracks, bins] or [tracks, bins, bins]");
    if (f.shape.size() < 2) continue;
    ModelHeadInfo m;
    m.name = f.name;
    m.tracks = f.shape[0];
    m.bins = f.shape[1];
    m.profile = m.bins > 1;
    if (f.shape.size() == 3) {
      m.map_bins = f.shape[1];
      m.bins = f.shape[1] * f.shape[2];
    }
    auto it = geometry.find(f.name);
    if (it != geometry.end()) {
      if (it->second.contains("bin_size") && it->second["bin_size"].is_number_integer())
        m.bin_size = it->second["bin_size"].get<int64_t>();
      if (it->second.contains("kind") && it->second["kind"].is_string())
        m.profile = it->second["kind"].get<std::string>() == "profile";
      if (it->second.contains("strand_pairs")) m.strand_pairs = strand_pairs_of(it->second["strand_pairs"], m);
    }
    heads.push_back(m);
  }
  return heads;
}

namespace {

// Input records on their way through the child: the feeder pushes each
// input record before sending what answers it, the reply side pops it when
// it moves on, so replies pair with inputs without holding the whole input.
class PendingRecords {
 public:
  void push(const stream::Batch& src, size_t rec) {
    std::lock_guard<std::mutex> lock(m_);
    if (!batch_) batch_ = std::make_unique<stream::Batch>(src.schema());
    if (start_ > 4096 && start_ * 2 > batch_->size()) compact();
    batch_->append_from(src, rec);
    cv_.notify_one();
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
    cv_.notify_one();
  }
  // Copies the oldest record into `out` (reset to one record); false when
  // the feeder has finished and nothing is left.
  bool pop(stream::Batch& out) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return closed_ || (batch_ && start_ < batch_->size()); });
    if (!batch_ || start_ >= batch_->size()) return false;
    out.reset(batch_->schema());
    out.append_from(*batch_, start_++);
    return true;
  }

 private:
  void compact() {
    auto fresh = std::make_unique<stream::Batch>(batch_->schema());
    for (size_t r = start_; r < batch_->size(); ++r) fresh->append_from(*batch_, r);
    batch_ = std::move(fresh);
    start_ = 0;
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::unique_ptr<stream::Batch> batch_;
  size_t start_ = 0;
  bool closed_ = false;
};

// One record at a time from the child's tensors stream.
class RecordCursor {
 public:
  explicit RecordCursor(stream::Reader& r) : reader_(r) {}
  bool next() {
    if (++at_ < batch_.size()) return true;
    at_ = 0;
    while (reader_.next(batch_))
      if (!batch_.empty()) return true;
    return false;
  }
  const stream::Batch& batch() const { return batch_; }
  size_t at() const { return at_; }

 private:
  stream::Reader& reader_;
  stream::Batch batch_;
  size_t at_ = SIZE_MAX;
};

const char* const kOneReplyEach = "write exactly one tensors record per sequences record it reads";

}  // namespace

struct ExecSession::Channel {
  Channel(const std::string& cmd, double timeout) : command(cmd), child(cmd, timeout) {}
  const std::string& command;
  ChildProcess child;  // declared before the reader, which reads its pipe
  PendingRecords pending;
  size_t seq = 0;
  int input_id = -1;

  // Feeder side.
  stream::Writer* writer = nullptr;
  std::exception_ptr feed_error;
  bool write_failed = false;  // feed_error is a failed write to the child
  template <class F>
  void write(F&& f) {
    try {
      f();
    } catch (...) {
      write_failed = true;
      throw;
    }
  }

  // Reply side.
  std::unique_ptr<stream::Reader> reader;
  std::unique_ptr<RecordCursor> cursor;
  std::vector<ModelHeadInfo> heads;
  std::unique_ptr<catalog::TrackCatalog> catalog;
  NEncoding n_encoding;
  std::optional<float> n_value_asked;
  std::vector<size_t> fields;  // per head: its field in the child's schema
  int reply_id = -1;
  stream::Batch input;
  uint64_t received = 0;

  void read_header() {
    reader = std::make_unique<stream::Reader>(child.take_stdout());
    reader->expect_kind({stream::kind::tensors});
    const auto& h = reader->header();
    heads = heads_of_tensor_stream(h);
    if (heads.empty())
      fail_input("the --exec command's tensors stream has no [tracks, bins] float fields", command,
                 "write one f32 field per output head (formats/EXEC.md)");
    if (h.meta.contains("tracks"))
      catalog = std::make_unique<catalog::TrackCatalog>(catalog::TrackCatalog::from_json(h.meta["tracks"]));
    std::optional<float> declared;
    if (h.meta.contains("n_value")) {
      if (!h.meta["n_value"].is_number() || !std::isfinite(h.meta["n_value"].get<double>()))
        fail_input("the --exec command's meta.n_value is " + h.meta["n_value"].dump() + ", not a number", command,
                   "declare the one-hot value of an N as a number (formats/EXEC.md)");
      declared = h.meta["n_value"].get<float>();
    }
    n_encoding = n_encoding_of_exec(n_value_asked, declared, command);
    for (const auto& head : heads) fields.push_back(h.schema.index(head.name));
    reply_id = h.schema.find("id");
    cursor = std::make_unique<RecordCursor>(*reader);
  }
};

void ExecSession::Feed::begin_input(const stream::Batch& batch, size_t rec) { c_.pending.push(batch, rec); }

void ExecSession::Feed::send(const stream::Batch& batch, size_t rec) { send(batch, rec, {}); }

void ExecSession::Feed::send(const stream::Batch& batch, size_t rec,
                             const std::function<void(std::span<uint8_t>)>& edit) {
  auto& b = c_.writer->batch();
  b.append_from(batch, rec);
  if (edit) edit(b.fixed_mut<uint8_t>(c_.seq, b.size() - 1));
  c_.write([&] { c_.writer->end_record(); });
}

const std::vector<ModelHeadInfo>& ExecSession::Replies::heads() const { return c_.heads; }
const catalog::TrackCatalog* ExecSession::Replies::catalog() const { return c_.catalog.get(); }
const NEncoding& ExecSession::Replies::n_encoding() const { return c_.n_encoding; }
bool ExecSession::Replies::next_input() { return c_.pending.pop(c_.input); }
const stream::Batch& ExecSession::Replies::input() const { return c_.input; }

std::vector<engine::HeadOutput> ExecSession::Replies::outputs(size_t n) const {
  std::vector<engine::HeadOutput> out(c_.heads.size());
  for (size_t h = 0; h < c_.heads.size(); ++h) {
    const auto& head = c_.heads[h];
    out[h].name = head.name;
    out[h].kind = head.profile ? engine::HeadKind::profile : engine::HeadKind::scalar;
    out[h].bin_size = head.bin_size;
    out[h].tracks = head.tracks;
    out[h].bins = head.bins;
    out[h].values.resize(n * static_cast<size_t>(head.tracks * head.bins));
  }
  return out;
}

void ExecSession::Replies::take(std::vector<engine::HeadOutput>& out, size_t slot) {
  if (!c_.cursor->next())
    fail_input("the --exec command wrote fewer records than it was sent", c_.command, kOneReplyEach);
  ++c_.received;
  const auto& b = c_.cursor->batch();
  const size_t r = c_.cursor->at();
  if (c_.reply_id >= 0 && c_.input_id >= 0) {
    auto got = b.str(static_cast<size_t>(c_.reply_id), r);
    auto want = c_.input.str(static_cast<size_t>(c_.input_id), 0);
    if (got != want)
      fail_input("the --exec command's record " + std::to_string(c_.received) + " has id '" + std::string(got) +
                     "' but input record '" + std::string(want) + "' was expected",
                 c_.command, "keep output records in input order");
  }
  const auto& schema = c_.reader->header().schema;
  for (size_t h = 0; h < c_.heads.size(); ++h) {
    const auto& f = schema[c_.fields[h]];
    const size_t n = f.elements();
    float* dst = out[h].values.data() + slot * n;
    if (f.dtype == stream::DType::f16) {
      auto src = b.fixed<uint16_t>(c_.fields[h], r);
      for (size_t i = 0; i < n; ++i) dst[i] = stream::half_to_float(src[i]);
    } else {
      auto src = b.fixed<float>(c_.fields[h], r);
      std::copy(src.begin(), src.end(), dst);
    }
  }
}

ExecSession::ExecSession(stream::Reader& in, std::string command, double timeout_seconds, nlohmann::json provenance,
                         std::optional<float> n_value)
    : in_(in),
      command_(std::move(command)),
      timeout_(timeout_seconds),
      provenance_(std::move(provenance)),
      n_value_(n_value),
      seq_(require_sequences(in, 0, "the --exec model")) {}

ExecSession::~ExecSession() = default;

void ExecSession::run(const FeedRecord& feed, const ReadReplies& read) {
  Channel c(command_, timeout_);
  c.seq = seq_;
  c.input_id = in_.header().schema.find("id");
  c.n_value_asked = n_value_;

  std::thread feeder([&] {
    try {
      stream::Header h = in_.header();
      h.append_provenance(provenance_);
      // The child declares the N value it used as meta.n_value; one copied
      // from its input would declare nothing, so the input carries none.
      h.meta.erase("n_value");
      h.meta.erase("n_value_asked");
      if (n_value_) h.meta["n_value_asked"] = *n_value_;
      std::unique_ptr<stream::Writer> w;
      c.write([&] { w = std::make_unique<stream::Writer>(c.child.take_stdin(), h); });
      c.writer = w.get();
      Feed f(c);
      stream::Batch batch;
      while (in_.next(batch))
        for (size_t r = 0; r < batch.size(); ++r) feed(batch, r, f);
      c.write([&] { w->finish(); });
    } catch (...) {
      c.feed_error = std::current_exception();
      // A child that stopped reading is ending by itself; one still reading
      // would wait for the rest of a feed that failed.
      if (!c.write_failed) c.child.kill();
    }
    c.pending.close();
  });

  std::exception_ptr reply_error;
  try {
    c.read_header();
    Replies replies(c);
    read(replies);
    if (c.cursor->next())
      fail_input("the --exec command wrote more records than it was sent", command_, kOneReplyEach);
  } catch (...) {
    reply_error = std::current_exception();
  }
  // A child that failed explains itself better than the truncated stream or
  // broken pipe it left behind, unless s2f killed it (a failed feed, a timeout).
  std::optional<std::string> failure;
  if (reply_error) {
    const bool killed = c.child.killed();
    failure = c.child.failure_within(2.0);
    if (killed) failure.reset();
    c.child.kill();
  }
  feeder.join();
  if (c.feed_error && !c.write_failed) std::rethrow_exception(c.feed_error);
  if (failure) fail_input("the --exec command " + *failure, command_, "its stderr: " + c.child.stderr_tail());
  if (reply_error) std::rethrow_exception(reply_error);
  if (c.feed_error) std::rethrow_exception(c.feed_error);
  c.child.wait_success();
}

}  // namespace s2f::predict
