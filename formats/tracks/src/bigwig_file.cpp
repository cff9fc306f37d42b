// bigWig output: libBigWig writes the header, chromosome tree, data blocks
// and their index; s2f adds the zoom levels (zoom_levels.hpp: computed as
// the data stream by, so memory stays flat — libBigWig's own would hold
// every level and a whole chromosome in memory) after them and rewrites the
// total summary (libBigWig's misses the maximum when values only fall).
// libBigWig's bwClose finalises the file but only prints a warning when that
// fails, so the file is finalised here (bwFinalize, whose status is seen)
// and flushed before it is closed; an unfinished file is removed, never
// renamed into place.
#include <bigWig.h>
extern "C" {
#include <bwCommon.h>  // bwFinalize; this header has no C++ guard of its own
}

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>

#include "s2f/error.hpp"
#include "s2f/io.hpp"
#include "s2f/tracks/track_file.hpp"
#include "zoom_levels.hpp"

namespace s2f::tracks {
namespace {

// Zoom headers reserved at the top of the file (filled in by finish()).
constexpr int32_t kZoomLevels = ZoomLevels::kMaxLevels;
constexpr uint32_t kBigWigMagic = 0x888FFC26;

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (bwInit(1 << 17) != 0) fail(Exit::internal, "libBigWig could not be initialised");
  });
}

class BigWigFile : public TrackFile {
 public:
  BigWigFile(const std::string& path, std::vector<Chromosome> chromosomes)
      : TrackFile(path, std::move(chromosomes)) {
    if (chromosomes_.size() > 0xFFFF)
      fail_input("the genome has " + std::to_string(chromosomes_.size()) + " sequences; libBigWig writes at most 65535",
                 path, "write a bedGraph (--bedgraph) and convert it with bedGraphToBigWig");
    std::vector<const char*> names;
    std::vector<uint32_t> lengths;
    for (const auto& c : chromosomes_) {
      if (c.length > std::numeric_limits<uint32_t>::max())
        fail_input("sequence " + c.name + " is longer than bigWig's 32-bit positions", path);
      names.push_back(c.name.c_str());
      lengths.push_back(static_cast<uint32_t>(c.length));
    }
    init_library();
    // A device or FIFO is refused (the writer seeks); a symlink's
    // destination is replaced and the link kept.
    target_ = replaceable_output_path(path);
    temp_ = temporary_path_for(target_);
    slot_ = register_temp_file(temp_);
    const std::string zoom_blocks = temporary_path_for(target_);
    zoom_slot_ = register_temp_file(zoom_blocks);
    zoom_ = std::make_unique<ZoomLevels>(chromosomes_, zoom_blocks);
    // libBigWig crashes when it cannot create the file (its cleanup
    // finalises a file it never opened), so the file is created here first.
    if (std::FILE* probe = std::fopen(temp_.c_str(), "wb")) {
      std::fclose(probe);
    } else {
      const int e = errno;
      abandon();
      fail_io(std::string("cannot create bigWig file: ") + std::strerror(e), path,
              "check that its directory exists and is writable");
    }
    fp_ = bwOpen(temp_.c_str(), nullptr, "w");
    const int open_errno = errno;
    if (!fp_ || bwCreateHdr(fp_, kZoomLevels) != 0 ||
        !(fp_->cl = bwCreateChromList(names.data(), lengths.data(), static_cast<int64_t>(names.size()))) ||
        bwWriteHdr(fp_) != 0) {
      const bool opened = fp_ != nullptr;
      abandon();
      if (!opened)
        fail_io(std::string("cannot create bigWig file: ") + std::strerror(open_errno), path,
                "check that its directory exists and is writable");
      fail_io("cannot write the bigWig header", path, "check free disk space");
    }
    // A block: the 24-byte block header and 4 bytes per value, below the
    // buffer size (libBigWig flushes when the next value would reach it).
    block_values_ = (fp_->hdr->bufSize - 24) / 4 - 1;
    run_.reserve(block_values_);
  }

  ~BigWigFile() override { abandon(); }

  void finish() override {
    if (zoom_->empty()) {
      abandon();
      fail_input("no values to write (every value NaN, or no records)", path_,
                 "a bigWig holds at least one value; check the stream with s2f-view --head 3");
    }
    flush_run();
    fp_->hdr->nLevels = 0;  // no zoom levels from libBigWig: ours follow its data and index
    const int status = bwFinalize(fp_);
    std::FILE* f = fp_->URL->x.fp;
    const bool written = status == 0 && std::fflush(f) == 0 && !std::ferror(f);
    fp_->isWrite = 0;  // finalised above; bwClose would do it again
    bwClose(fp_);
    fp_ = nullptr;
    if (!written || !append_zoom_levels())
      fail_io("writing the bigWig file failed while finishing it (index, zoom levels)", path_,
              "check free disk space");
    zoom_.reset();
    if (OutputSet::defer(temp_, target_, path_)) {  // renamed with the run's other outputs
      committed_ = true;
      return;
    }
    if (std::rename(temp_.c_str(), target_.c_str()) != 0)
      fail_io("cannot rename the finished bigWig file into place: " + std::string(std::strerror(errno)), path_,
              "check the directory is writable");
    committed_ = true;
  }

 protected:
  void write_run(size_t chrom, int64_t start, int64_t span, const float* values, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      const int64_t at = start + span * static_cast<int64_t>(i);
      if (!run_.empty() && (chrom != run_chrom_ || span != run_span_ || at != run_next_ || run_.size() == block_values_))
        flush_run();
      if (run_.empty()) {
        run_chrom_ = chrom;
        run_start_ = at;
        run_span_ = span;
      }
      run_.push_back(values[i]);
      run_next_ = at + span;
    }
    zoom_->add(chrom, start, span, values, n);
  }

 private:
  // One libBigWig block per call: bwAddIntervalSpanSteps reports a failed
  // write of the block before it (the disk is full) but not of one it
  // flushes midway, after which it writes past its buffer — so a call never
  // holds more values than one block takes.
  void flush_run() {
    if (run_.empty()) return;
    const int rc = bwAddIntervalSpanSteps(fp_, chromosomes_[run_chrom_].name.c_str(),
                                          static_cast<uint32_t>(run_start_), static_cast<uint32_t>(run_span_),
                                          static_cast<uint32_t>(run_span_), run_.data(),
                                          static_cast<uint32_t>(run_.size()));
    run_.clear();
    if (rc != 0) fail_io("writing bigWig data failed", path_, "check free disk space");
  }

  // The file libBigWig finished ends with the magic number: the zoom levels
  // go in its place, the magic after them, and the header (level count,
  // zoom headers) and total summary are filled in.
  bool append_zoom_levels() {
    std::FILE* f = std::fopen(temp_.c_str(), "r+b");
    if (!f) return false;
    std::vector<ZoomLevels::Header> headers;
    ZoomLevels::Totals totals;
    uint32_t magic = 0;
    uint64_t summary = 0;
    bool ok = std::fseek(f, -4, SEEK_END) == 0 && std::fread(&magic, 4, 1, f) == 1 && magic == kBigWigMagic &&
              std::fseek(f, -4, SEEK_END) == 0 && zoom_->append(f, headers, totals) &&
              std::fwrite(&kBigWigMagic, 4, 1, f) == 1;
    ok = ok && std::fseek(f, 0x2c, SEEK_SET) == 0 && std::fread(&summary, 8, 1, f) == 1;
    auto write_at = [&](uint64_t at, const void* p, size_t n) {
      ok = ok && std::fseek(f, static_cast<long>(at), SEEK_SET) == 0 && std::fwrite(p, 1, n, f) == n;
    };
    const auto levels = static_cast<uint16_t>(headers.size());
    write_at(6, &levels, 2);
    for (size_t i = 0; i < headers.size(); ++i) {
      const uint32_t zoom[2] = {headers[i].reduction, 0};
      write_at(0x40 + 24 * i, zoom, 8);
      write_at(0x40 + 24 * i + 8, &headers[i].data_offset, 8);
      write_at(0x40 + 24 * i + 16, &headers[i].index_offset, 8);
    }
    write_at(summary, &totals.bases, 8);
    const double values[4] = {totals.min, totals.max, totals.sum, totals.sum_squares};
    write_at(summary + 8, values, sizeof values);
    const bool closed = std::fclose(f) == 0;
    return ok && closed;
  }

  // Releases an unfinished file and removes it: a partial output never
  // looks complete.
  void abandon() noexcept {
    if (fp_) {
      fp_->isWrite = 0;  // no finalising, just release
      bwClose(fp_);
      fp_ = nullptr;
    }
    if (!committed_) std::remove(temp_.c_str());
    if (slot_ >= 0) unregister_temp_file(slot_);
    slot_ = -1;
    zoom_.reset();  // removes its blocks file
    if (zoom_slot_ >= 0) unregister_temp_file(zoom_slot_);
    zoom_slot_ = -1;
  }

  bigWigFile_t* fp_ = nullptr;
  std::string target_, temp_;
  int slot_ = -1, zoom_slot_ = -1;
  std::unique_ptr<ZoomLevels> zoom_;
  bool committed_ = false;
  // The fixed-step run being gathered into one block.
  std::vector<float> run_;
  size_t run_chrom_ = 0, block_values_ = 0;
  int64_t run_start_ = 0, run_span_ = 0, run_next_ = 0;
};

}  // namespace

std::unique_ptr<TrackFile> open_bigwig(const std::string& path, std::vector<Chromosome> chromosomes) {
  if (path.empty() || path == "-") fail_usage("a bigWig file needs a name (it cannot be written to a pipe)");
  return std::make_unique<BigWigFile>(path, std::move(chromosomes));
}

}  // namespace s2f::tracks
