// One run of an --exec model process (formats/EXEC.md), for every stage
// that drives a model through a plug-in (s2f-predict, s2f-ism, later ones).
//
// The child reads a sequences stream on stdin and answers each record with
// one tensors record, in order, on stdout. The session runs the child, a
// feeder thread that sends it records, and, on the caller's thread, the
// reader of its answers:
//
//   predict::ExecSession session(in, command, timeout, run.provenance());
//   session.run(
//       [&](const stream::Batch& b, size_t r, predict::ExecSession::Feed& feed) {  // feeder thread
//         feed.begin_input(b, r);  // the replies that follow answer this input record
//         feed.send(b, r);         // the record itself ...
//         feed.send(b, r, [&](std::span<uint8_t> seq) { seq[10] = 'A'; });  // ... and edited copies
//       },
//       [&](predict::ExecSession::Replies& replies) {  // this thread, once the child's header is read
//         auto out = replies.outputs(2);               // replies.heads(), replies.catalog()
//         while (replies.next_input()) {               // replies.input(): that record
//           replies.take(out, 0);
//           replies.take(out, 1);
//         }
//       });
//
// When anything fails, run() throws the one error that explains it, in this
// order: an error of the feed itself (a corrupt input, an impossible
// request; the child is killed because of it), then the child's own failure
// (its exit status or a signal s2f did not send, with its stderr), then the
// error the reply side met (wrong kind, ids out of order, too few or too
// many records, a timeout), then a failed write to the child.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/predict/n_encoding.hpp"
#include "s2f/predict/track_plan.hpp"
#include "s2f/stream/stream.hpp"

namespace s2f::predict {

// Heads of a tensors stream: its f32/f16 fields shaped [tracks, bins], with
// kind, bin size and strand pairs from meta.geometry.heads when given.
std::vector<ModelHeadInfo> heads_of_tensor_stream(const stream::Header& h);

class ExecSession {
  struct Channel;

 public:
  // What the feeder sends for one input record.
  class Feed {
   public:
    // The replies to records sent from now on answer input record `rec`.
    void begin_input(const stream::Batch& batch, size_t rec);
    // Sends record `rec` unchanged, or a copy whose `seq` `edit` changes.
    void send(const stream::Batch& batch, size_t rec);
    void send(const stream::Batch& batch, size_t rec, const std::function<void(std::span<uint8_t>)>& edit);

   private:
    friend class ExecSession;
    explicit Feed(Channel& c) : c_(c) {}
    Channel& c_;
  };

  // The child's answers.
  class Replies {
   public:
    const std::vector<ModelHeadInfo>& heads() const;
    const catalog::TrackCatalog* catalog() const;  // null when the child sent none
    // How the child encoded N: the meta.n_value its header declares (which
    // must be what --n-value asked, when given); unknown when it says nothing.
    const NEncoding& n_encoding() const;
    // Moves to the next input record; false when every one has been answered.
    bool next_input();
    const stream::Batch& input() const;  // that record, a batch of one
    // One HeadOutput per child head, sized for `n` replies ([n][tracks][bins]).
    std::vector<engine::HeadOutput> outputs(size_t n) const;
    // Reads the child's next record into slot `slot` of `out`, checking that
    // its id is the current input record's.
    void take(std::vector<engine::HeadOutput>& out, size_t slot);

   private:
    friend class ExecSession;
    explicit Replies(Channel& c) : c_(c) {}
    Channel& c_;
  };

  using FeedRecord = std::function<void(const stream::Batch& batch, size_t rec, Feed& feed)>;
  using ReadReplies = std::function<void(Replies& replies)>;

  // Checks that `in` holds fixed-length sequences; the child starts in run().
  // `n_value` (--n-value) is sent to the child as meta.n_value_asked.
  ExecSession(stream::Reader& in, std::string command, double timeout_seconds, nlohmann::json provenance,
              std::optional<float> n_value = std::nullopt);
  ~ExecSession();
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;

  size_t seq_field() const { return seq_; }
  // Runs the child: `feed` for every input record (on the feeder thread),
  // `read` once the child's header is known (on this thread). Returns once
  // every input is answered and the child has exited 0.
  void run(const FeedRecord& feed, const ReadReplies& read);

 private:
  stream::Reader& in_;
  std::string command_;
  double timeout_;
  nlohmann::json provenance_;
  std::optional<float> n_value_;
  size_t seq_;
};

}  // namespace s2f::predict
