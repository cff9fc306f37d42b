// bigWig output through libBigWig. libBigWig's bwClose finalises the file
// but only prints a warning when that fails, so the file is finalised here
// (bwFinalize, whose status is seen) and flushed before it is closed; an
// unfinished file is removed, never renamed into place.
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

namespace s2f::tracks {
namespace {

// Zoom levels libBigWig may build (fewer when the data are short); each is
// 4x coarser than the one before, starting at 4x the mean interval.
constexpr int32_t kZoomLevels = 10;

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
  }

  ~BigWigFile() override { abandon(); }

  void finish() override {
    const int status = bwFinalize(fp_);
    std::FILE* f = fp_->URL->x.fp;
    const bool written = status == 0 && std::fflush(f) == 0 && !std::ferror(f);
    fp_->isWrite = 0;  // finalised above; bwClose would do it again
    bwClose(fp_);
    fp_ = nullptr;
    if (!written)
      fail_io("writing the bigWig file failed while finishing it (index, zoom levels)", path_,
              "check free disk space");
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
    int rc;
    const float* v = values;
    if (open_ && chrom == chrom_ && span == span_ && start == next_) {
      rc = bwAppendIntervalSpanSteps(fp_, v, static_cast<uint32_t>(n));
    } else {
      rc = bwAddIntervalSpanSteps(fp_, chromosomes_[chrom].name.c_str(),
                                  static_cast<uint32_t>(start), static_cast<uint32_t>(span),
                                  static_cast<uint32_t>(span), v, static_cast<uint32_t>(n));
      open_ = true;
      chrom_ = chrom;
      span_ = span;
    }
    if (rc != 0) fail_io("writing bigWig data failed", path_, "check free disk space");
    next_ = start + span * static_cast<int64_t>(n);
  }

 private:
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
  }

  bigWigFile_t* fp_ = nullptr;
  std::string target_, temp_;
  int slot_ = -1;
  bool committed_ = false;
  // The fixed-step run being extended: consecutive values append to it.
  bool open_ = false;
  size_t chrom_ = 0;
  int64_t span_ = 0, next_ = 0;
};

}  // namespace

std::unique_ptr<TrackFile> open_bigwig(const std::string& path, std::vector<Chromosome> chromosomes) {
  if (path.empty() || path == "-") fail_usage("a bigWig file needs a name (it cannot be written to a pipe)");
  return std::make_unique<BigWigFile>(path, std::move(chromosomes));
}

}  // namespace s2f::tracks
