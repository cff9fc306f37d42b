// Finding or building a genome FASTA's index without writing next to it.
#include "s2f/genome/fasta_index.hpp"

#include <htslib/faidx.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include "s2f/io.hpp"

namespace s2f::genome {

namespace fs = std::filesystem;

namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

// htslib's indexer writes both files (the .gzi only for BGZF).
bool build_into(const std::string& fasta, const std::string& fai, const std::string& gzi) {
  return fai_build3(fasta.c_str(), fai.c_str(), gzi.c_str()) == 0;
}

// 64-bit FNV-1a: a stable name for a cache entry (not a security measure).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// <cache>/fai/<FASTA file name>.<hash of path, size, inode, mtime>; "" when
// the FASTA cannot be identified.
std::string cache_entry(const std::string& fasta, const std::string& dir) {
  struct stat st {};
  if (::stat(fasta.c_str(), &st) != 0) return {};
  std::error_code ec;
  fs::path absolute = fs::canonical(fasta, ec);
  if (ec) absolute = fs::absolute(fasta, ec);
  const std::string identity = absolute.string() + '\0' + std::to_string(st.st_size) + '\0' +
                               std::to_string(st.st_ino) + '\0' + std::to_string(st.st_dev) + '\0' +
                               std::to_string(st.st_mtim.tv_sec) + '.' + std::to_string(st.st_mtim.tv_nsec);
  std::string name = absolute.filename().string().substr(0, 100);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(identity)));
  return dir + "/" + name + "." + hex;
}

}  // namespace

std::string fasta_index_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/s2f";  // a relative one is ignored, as the XDG spec says
  const char* home = std::getenv("HOME");
  if (home && *home) return std::string(home) + "/.cache/s2f";
  return {};
}

bool FastaIndex::find_beside(const std::string& fasta, bool bgzf, FastaIndex& out) {
  const std::string fai = fasta + ".fai", gzi = fasta + ".gzi";
  if (!exists(fai) || (bgzf && !exists(gzi))) return false;
  out = FastaIndex();
  out.fai_ = fai;
  out.gzi_ = bgzf ? gzi : std::string();
  out.origin_ = Origin::beside;
  return true;
}

namespace {

// The cache entry's two paths ("" when there is no usable cache directory).
struct CachePaths {
  std::string fai, gzi;
};
CachePaths cache_paths(const std::string& fasta) {
  const std::string cache = fasta_index_cache_dir();
  if (cache.empty()) return {};
  std::error_code ec;
  fs::create_directories(cache + "/fai", ec);
  if (ec) return {};
  const std::string entry = cache_entry(fasta, cache + "/fai");
  if (entry.empty()) return {};
  return {entry + ".fai", entry + ".gzi"};
}

}  // namespace

bool FastaIndex::find_cached(const std::string& fasta, bool bgzf, FastaIndex& out) {
  const CachePaths c = cache_paths(fasta);
  if (c.fai.empty() || !exists(c.fai) || (bgzf && !exists(c.gzi))) return false;
  out = FastaIndex();
  out.fai_ = c.fai;
  out.gzi_ = bgzf ? c.gzi : std::string();
  out.origin_ = Origin::cache;
  return true;
}

bool FastaIndex::build(const std::string& fasta, bool bgzf, FastaIndex& out) {
  out = FastaIndex();
  if (const CachePaths c = cache_paths(fasta); !c.fai.empty()) {
    // Built under temporary names (removed if this process is killed), the
    // .gzi renamed first: whoever sees the .fai also sees its .gzi.
    const std::string tmp_fai = temporary_path_for(c.fai), tmp_gzi = temporary_path_for(c.gzi);
    const int slot_fai = register_temp_file(tmp_fai), slot_gzi = register_temp_file(tmp_gzi);
    bool ok = build_into(fasta, tmp_fai, tmp_gzi);
    if (ok && bgzf) ok = std::rename(tmp_gzi.c_str(), c.gzi.c_str()) == 0;
    if (ok) ok = std::rename(tmp_fai.c_str(), c.fai.c_str()) == 0;
    std::remove(tmp_fai.c_str());
    std::remove(tmp_gzi.c_str());
    unregister_temp_file(slot_fai);
    unregister_temp_file(slot_gzi);
    if (ok) {
      out.fai_ = c.fai;
      out.gzi_ = bgzf ? c.gzi : std::string();
      out.origin_ = Origin::cache;
      return true;
    }
  }
  // Memory: anonymous files, reopened by path through /proc/self/fd.
  for (const char* name : {"s2f-fai", "s2f-gzi"}) {
    const int fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) return false;
    out.memory_files_.push_back(fd);
  }
  out.fai_ = "/proc/self/fd/" + std::to_string(out.memory_files_[0]);
  const std::string gzi = "/proc/self/fd/" + std::to_string(out.memory_files_[1]);
  out.gzi_ = bgzf ? gzi : std::string();
  out.origin_ = Origin::memory;
  return build_into(fasta, out.fai_, gzi);
}

void FastaIndex::forget_cached() const {
  if (origin_ != Origin::cache) return;
  std::remove(gzi_.c_str());
  std::remove(fai_.c_str());
}

FastaIndex::FastaIndex(FastaIndex&& o) noexcept { *this = std::move(o); }

FastaIndex& FastaIndex::operator=(FastaIndex&& o) noexcept {
  if (this == &o) return *this;
  for (int fd : memory_files_) ::close(fd);
  fai_ = std::move(o.fai_);
  gzi_ = std::move(o.gzi_);
  origin_ = o.origin_;
  memory_files_ = std::move(o.memory_files_);
  o.memory_files_.clear();
  return *this;
}

FastaIndex::~FastaIndex() {
  for (int fd : memory_files_) ::close(fd);
}

}  // namespace s2f::genome
