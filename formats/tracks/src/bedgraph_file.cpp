// bedGraph output: chrom, start, end, value (0-based, half-open), values
// printed as the shortest text that reads back to the same float32;
// neighbouring intervals of the same value are written as one line.
#include <charconv>
#include <cstring>

#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/tracks/track_file.hpp"

namespace s2f::tracks {
namespace {

class BedGraphFile : public TrackFile {
 public:
  BedGraphFile(const std::string& path, std::vector<Chromosome> chromosomes)
      : TrackFile(path, std::move(chromosomes)), out_(path) {}

  void finish() override {
    flush_line();
    out_.write(text_);
    out_.commit();
  }

 protected:
  void write_run(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) override {
    for (size_t i = 0; i < n; ++i, start += span) {
      if (pending_ && chrom == chrom_ && start == end_ && std::memcmp(&values[i], &value_, sizeof(float)) == 0) {
        end_ = start + span;
        continue;
      }
      flush_line();
      pending_ = true;
      chrom_ = chrom;
      start_ = start;
      end_ = start + span;
      value_ = values[i];
    }
    if (text_.size() > (1u << 20)) {
      out_.write(text_);
      text_.clear();
    }
  }

 private:
  void flush_line() {
    if (!pending_) return;
    char number[32];
    auto r = std::to_chars(number, number + sizeof number, value_);
    text_ += chromosomes_[chrom_].name;
    text_ += '\t';
    text_ += std::to_string(start_);
    text_ += '\t';
    text_ += std::to_string(end_);
    text_ += '\t';
    text_.append(number, r.ptr);
    text_ += '\n';
    pending_ = false;
  }

  TextOutput out_;
  std::string text_;
  bool pending_ = false;
  size_t chrom_ = 0;
  int64_t start_ = 0, end_ = 0;
  float value_ = 0;
};

}  // namespace

std::unique_ptr<TrackFile> open_bedgraph(const std::string& path, std::vector<Chromosome> chromosomes) {
  return std::make_unique<BedGraphFile>(path, std::move(chromosomes));
}

}  // namespace s2f::tracks
