#include "s2f/tracks/window_stitcher.hpp"

#include <algorithm>

#include "s2f/error.hpp"

namespace s2f::tracks {

StitchRule parse_stitch_rule(const std::string& name) {
  if (name == "midpoint") return StitchRule::midpoint;
  if (name == "average") return StitchRule::average;
  fail_usage("--stitch must be midpoint or average, not '" + name + "'");
}

void WindowStitcher::add(size_t chrom, int64_t start, int64_t bin_size, const float* values, size_t bins) {
  Window w;
  w.chrom = chrom;
  w.start = start;
  w.bin = bin_size;
  w.end = start + bin_size * static_cast<int64_t>(bins);
  if (rule_ == StitchRule::average) {
    w.values.assign(values, values + bins);
    add_average(w);
    return;
  }
  w.values.assign(values, values + bins);
  add_midpoint(std::move(w));
}

void WindowStitcher::emit(const Window& w, int64_t from, int64_t to) {
  from = std::max(from, w.start);
  to = std::min(to, w.end);
  if (to <= from) return;
  int64_t k = (from - w.start) / w.bin;
  const int64_t bin_end = w.start + (k + 1) * w.bin;
  if (from != w.start + k * w.bin) {  // a cut inside a bin: its part on its own
    const int64_t part_end = std::min(bin_end, to);
    out_.add(w.chrom, from, part_end - from, &w.values[static_cast<size_t>(k)], 1);
    from = part_end;
    ++k;
  }
  const int64_t whole = (to - from) / w.bin;
  if (whole > 0) {
    out_.add(w.chrom, from, w.bin, &w.values[static_cast<size_t>(k)], static_cast<size_t>(whole));
    from += whole * w.bin;
    k += whole;
  }
  if (from < to) out_.add(w.chrom, from, to - from, &w.values[static_cast<size_t>(k)], 1);
}

void WindowStitcher::add_midpoint(Window w) {
  if (!holding_) {
    held_ = std::move(w);
    held_from_ = held_.start;
    holding_ = true;
    return;
  }
  if (w.chrom != held_.chrom) {
    emit(held_, held_from_, held_.end);
    held_ = std::move(w);
    held_from_ = held_.start;
    return;
  }
  if (w.start == held_.start && w.end == held_.end) {  // same centre: the earlier window keeps every base
    ++repeated_;
    return;
  }
  // Base x (centre x + 1/2) goes to the held window A when it is no farther
  // from A's centre than from w's: 2x + 1 <= cA + cw, i.e. 4x + 2 <= sum of
  // both windows' ends. The cut is the first base that goes to w.
  const int64_t ends = held_.start + held_.end + w.start + w.end;
  const int64_t cut = std::max((ends - 2) / 4 + 1, held_from_);
  emit(held_, held_from_, cut);
  const int64_t emitted = std::min(std::max(cut, held_.start), held_.end);
  held_ = std::move(w);
  held_from_ = std::max({held_.start, cut, emitted});
}

void WindowStitcher::add_average(const Window& w) {
  if (!sum_.empty() && w.chrom != acc_chrom_) flush_average(acc_start_ + static_cast<int64_t>(sum_.size()));
  if (sum_.empty()) {
    acc_chrom_ = w.chrom;
    acc_start_ = w.start;
    acc_bin_ = w.bin;
  }
  flush_average(w.start);  // windows come by start: nothing later reaches before it
  if (sum_.empty()) acc_start_ = w.start;
  const int64_t need = w.end - acc_start_;
  if (need > static_cast<int64_t>(sum_.size())) {
    sum_.resize(static_cast<size_t>(need), 0.0);
    count_.resize(static_cast<size_t>(need), 0);
  }
  for (size_t k = 0; k < w.values.size(); ++k) {
    const int64_t b0 = w.start + static_cast<int64_t>(k) * w.bin - acc_start_;
    for (int64_t x = b0; x < b0 + w.bin; ++x) {
      sum_[static_cast<size_t>(x)] += static_cast<double>(w.values[k]);
      ++count_[static_cast<size_t>(x)];
    }
  }
}

void WindowStitcher::flush_average(int64_t upto) {
  int64_t pos = acc_start_;
  auto write_run = [&]() {
    if (!run_.empty()) out_.add(acc_chrom_, pos - static_cast<int64_t>(run_.size()), 1, run_.data(), run_.size());
    run_.clear();
  };
  while (pos < upto && !sum_.empty()) {
    const double s = sum_.front();
    const uint32_t c = count_.front();
    sum_.pop_front();
    count_.pop_front();
    if (c == 0) {  // between windows: no data
      write_run();
    } else if (acc_bin_ == 1) {
      run_.push_back(static_cast<float>(s / c));
    } else {
      // Binned tracks: a run of bases with one value is one interval.
      const float v = static_cast<float>(s / c);
      int64_t len = 1;
      while (pos + len < upto && !sum_.empty() && count_.front() != 0 &&
             static_cast<float>(sum_.front() / count_.front()) == v) {
        sum_.pop_front();
        count_.pop_front();
        ++len;
      }
      out_.add(acc_chrom_, pos, len, &v, 1);
      pos += len;
      acc_start_ = pos;
      continue;
    }
    ++pos;
  }
  write_run();
  acc_start_ = pos;
}

void WindowStitcher::finish() {
  if (rule_ == StitchRule::midpoint) {
    if (holding_) emit(held_, held_from_, held_.end);
    holding_ = false;
  } else if (!sum_.empty()) {
    flush_average(acc_start_ + static_cast<int64_t>(sum_.size()));
  }
}

}  // namespace s2f::tracks
