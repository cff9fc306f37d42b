// Input records on their way through an --exec child: the feeder thread
// pushes each record it sends, the reader pops it when the child's answer
// arrives, so outputs pair with inputs without holding the whole input.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>

#include "s2f/stream/batch.hpp"

namespace s2f::predict {

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


}  // namespace s2f::predict
