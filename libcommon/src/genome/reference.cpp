#include "s2f/genome/reference.hpp"

#include <cctype>
#include <fcntl.h>
#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/hts_log.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/genome/fasta_index.hpp"
#include "s2f/genome/text_lines.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::genome {

namespace {

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

uint64_t file_size(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// htslib prints its own diagnostics; ours say more, so silence it meanwhile.
struct QuietHtslib {
  htsLogLevel saved = hts_get_log_level();
  QuietHtslib() { hts_set_log_level(HTS_LOG_OFF); }
  ~QuietHtslib() { hts_set_log_level(saved); }
};

// Whether the FASTA is BGZF (its index then has a .gzi too); plain gzip is
// refused with the recompression command.
bool bgzf_compressed(const std::string& path) {
  hFILE* fp = hopen(path.c_str(), "r");
  if (!fp) fail_io("cannot open the genome FASTA", path, "check the path and its permissions");
  htsFormat fmt{};
  int rc = hts_detect_format2(fp, path.c_str(), &fmt);
  hclose_abruptly(fp);
  if (rc == 0 && fmt.compression == gzip)
    fail_input("the genome FASTA is gzip-compressed but not BGZF, so it cannot be read at random positions", path,
               "recompress it with bgzip: zcat " + path + " | bgzip -@2 > genome.fa.gz && samtools faidx genome.fa.gz");
  return rc == 0 && fmt.compression == bgzf;
}

// What htslib's indexer does not say (it drops a duplicate name with a
// warning and fails on anything else without telling where): one pass over
// the FASTA before its index is built. Refuses an empty or binary file, a
// first line that is not a '>' header, a header without a name and a name
// given twice (both lines named). With `layout`, run after the indexer
// failed, it also finds the first line whose length breaks the fixed line
// width an index needs. Returns when it found nothing to say.
// The longest sequence name accepted: htslib cannot read back an index whose
// name is megabytes long, and real contig names are far shorter.
constexpr size_t kMaxSequenceName = 4096;

void check_genome_fasta(const std::string& path, bool layout) {
  TextLines lines(path);  // refuses a 0-byte or binary file by itself
  std::unordered_map<std::string, uint64_t> first_line;
  std::string_view line;
  std::string name;
  bool any_header = false;
  int64_t width = -1;      // bases per line in the current sequence
  uint64_t short_at = 0;   // a line shorter than the width (must be the last)
  uint64_t blank_at = 0;   // a blank line in the current sequence (must be the last)
  while (lines.next(line)) {
    if (!line.empty() && line[0] == '>') {
      std::string_view n = line.substr(1);
      n = n.substr(0, n.find_first_of(" \t"));
      if (n.empty())
        fail_input("invalid genome FASTA: a '>' header line without a sequence name", lines.where(),
                   "name every sequence: '>chr1'");
      if (n.size() > kMaxSequenceName)
        fail_input("invalid genome FASTA: a sequence name of " + std::to_string(n.size()) + " bytes ('" +
                       text_excerpt(n, 40) + "'); names are at most " + std::to_string(kMaxSequenceName) + " bytes",
                   lines.where(), "shorten the name on the '>' line (the index cannot hold it)");
      name.assign(n);
      auto [it, fresh] = first_line.try_emplace(name, lines.line_number());
      if (!fresh)
        fail_input("invalid genome FASTA: sequence name '" + text_excerpt(name, 60) + "' is used twice, at lines " +
                       std::to_string(it->second) + " and " + std::to_string(lines.line_number()),
                   lines.where(), "give every sequence its own name (rename or drop one) and index it again");
      any_header = true;
      width = -1;
      short_at = 0;
      blank_at = 0;
      continue;
    }
    if (!any_header) {
      if (line.empty()) continue;
      fail_input("invalid genome FASTA: the first line is not a '>' header ('" + text_excerpt(line, 60) + "')",
                 lines.where(), "a FASTA file starts with a '>name' line; is this the genome file?");
    }
    // A blank line (or a lone CR) inside a sequence gives htslib's index a
    // line of no bases, which faidx_fetch_seq64 divides by.
    if (line.empty()) {
      if (!blank_at) blank_at = lines.line_number();
      continue;
    }
    if (blank_at)
      fail_input("invalid genome FASTA: sequence '" + text_excerpt(name, 60) + "' has a blank line (line " +
                     std::to_string(blank_at) + ") between its sequence lines",
                 lines.path() + ":" + std::to_string(blank_at), "remove blank lines inside sequences");
    // htslib's indexer counts only graphic bytes as bases: a line holding
    // others gets an index it cannot read back (a line of none divides by
    // zero in faidx_fetch_seq64).
    for (char c : line)
      if (!std::isgraph(static_cast<unsigned char>(c)))
        fail_input("invalid genome FASTA: sequence '" + text_excerpt(name, 60) +
                       "' has a line holding a byte that is not a base letter ('" + text_excerpt(line, 60) + "')",
                   lines.where(), "a genome FASTA holds letters only (A, C, G, T, N, IUPAC codes); is this the genome file?");
    if (!layout) continue;
    const auto n = static_cast<int64_t>(line.size());
    if (width < 0) {
      width = n;
    } else if (short_at || n > width) {
      fail_input("invalid genome FASTA: sequence '" + text_excerpt(name, 60) + "' has lines of different lengths (line " +
                     std::to_string(short_at ? short_at : lines.line_number()) + " is " +
                     (short_at ? "shorter than" : "longer than") + " the " + std::to_string(width) +
                     " bases of its first line, and is not its last)",
                 lines.path() + ":" + std::to_string(short_at ? short_at : lines.line_number()),
                 "an indexed FASTA needs one line width per sequence: rewrap it, e.g. `seqkit seq -w 60 " + path +
                     " > rewrapped.fa`");
    }
    if (n < width) short_at = lines.line_number();
  }
  if (!any_header)
    fail_input("invalid genome FASTA: no '>' header line", path, "is this the genome file?");
}

// The FASTA's index (genome/fasta_index.hpp: beside it, cached, or built
// into the cache or memory), loaded by htslib. A FASTA is checked before its
// index is built; an index found beside it is trusted.
faidx_t* load_index(const std::string& path, FastaIndex& index) {
  const bool bgzf = bgzf_compressed(path);
  if (!FastaIndex::find_beside(path, bgzf, index) && !FastaIndex::find_cached(path, bgzf, index)) {
    check_genome_fasta(path, false);
    bool built;
    {
      QuietHtslib quiet;
      built = FastaIndex::build(path, bgzf, index);
    }
    if (!built) {
      check_genome_fasta(path, true);  // says what is wrong when it can
      fail_input("htslib cannot index the genome FASTA", path,
                 "check that it is a FASTA file; `samtools faidx " + path + "` may say more");
    }
  }
  QuietHtslib quiet;
  auto load = [&] {
    return fai_load3(path.c_str(), index.fai().c_str(), index.gzi().empty() ? nullptr : index.gzi().c_str(), 0);
  };
  faidx_t* fai = load();
  if (!fai && index.origin() == FastaIndex::Origin::cache) {
    // A cache entry that does not load (a FASTA rewritten in place within
    // one mtime tick) is rebuilt once.
    index.forget_cached();
    if (FastaIndex::build(path, bgzf, index)) fai = load();
  }
  if (!fai && index.origin() == FastaIndex::Origin::beside)
    fail_input("cannot read the FASTA index", index.fai(),
               "it may be stale or corrupt: delete it and run `samtools faidx " + path + "`");
  if (!fai) fail_input("cannot read the index built for the genome FASTA", path, "check that it is a FASTA file");
  return fai;
}

}  // namespace

// Reads the bytes of a contig as laid out in the file (plain: pread; BGZF:
// seek through the .gzi), so that line breaks can be removed by memmove.
struct ReferenceGenome::BlockReader {
  struct Layout {
    int64_t offset = 0, line_bases = 0, line_bytes = 0;
  };
  std::vector<Layout> layout;
  int fd = -1;
  BGZF* bgzf = nullptr;

  ~BlockReader() {
    if (fd >= 0) ::close(fd);
    if (bgzf) bgzf_close(bgzf);
  }

  static std::unique_ptr<BlockReader> open(const std::string& path, const FastaIndex& index,
                                           const std::vector<Contig>& contigs) {
    std::ifstream fai(index.fai());
    if (!fai) return nullptr;
    auto r = std::make_unique<BlockReader>();
    std::string line;
    while (std::getline(fai, line)) {
      std::istringstream in(line);
      std::string name;
      int64_t length = 0;
      Layout l;
      if (!(in >> name >> length >> l.offset >> l.line_bases >> l.line_bytes) || l.line_bases <= 0 ||
          l.line_bytes < l.line_bases)
        return nullptr;
      r->layout.push_back(l);
    }
    if (r->layout.size() != contigs.size()) return nullptr;
    QuietHtslib quiet;
    BGZF* probe = bgzf_open(path.c_str(), "r");
    if (!probe) return nullptr;
    const bool compressed = bgzf_compression(probe) == 2;  // 2 = BGZF
    if (compressed) {
      if (index.gzi().empty() || bgzf_index_load(probe, index.gzi().c_str(), nullptr) != 0) {
        bgzf_close(probe);
        return nullptr;
      }
      r->bgzf = probe;
    } else {
      bgzf_close(probe);
      r->fd = ::open(path.c_str(), O_RDONLY);
      if (r->fd < 0) return nullptr;
    }
    return r;
  }

  // False when the file does not have the layout the index promises.
  bool read(size_t contig, int64_t length, std::string& out) {
    const Layout& l = layout[contig];
    const int64_t full = length / l.line_bases, rest = length % l.line_bases;
    const int64_t raw = full * l.line_bytes + rest;
    out.resize(static_cast<size_t>(raw));
    if (bgzf) {
      if (bgzf_useek(bgzf, l.offset, SEEK_SET) < 0) return false;
      if (bgzf_read(bgzf, out.data(), out.size()) != static_cast<ssize_t>(out.size())) return false;
    } else {
      size_t done = 0;
      while (done < out.size()) {
        ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(l.offset) + static_cast<off_t>(done));
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
      }
    }
    size_t kept = 0;
    for (int64_t at = 0; at < raw; at += l.line_bytes) {
      const size_t n = static_cast<size_t>(std::min(l.line_bases, raw - at));
      const int64_t end = at + l.line_bases;
      if (end < raw && out[static_cast<size_t>(end)] != '\n' && out[static_cast<size_t>(end)] != '\r') return false;
      if (kept != static_cast<size_t>(at)) std::memmove(out.data() + kept, out.data() + at, n);
      kept += n;
    }
    out.resize(kept);
    return static_cast<int64_t>(kept) == length;
  }
};

std::unique_ptr<ReferenceGenome> ReferenceGenome::open(const std::string& path) {
  if (!file_exists(path)) fail_io("genome FASTA not found", path, "give the path of a FASTA file with -g/--genome");
  std::unique_ptr<ReferenceGenome> g(new ReferenceGenome());
  g->path_ = path;
  FastaIndex index;
  g->fai_ = load_index(path, index);
  g->fai_size_ = file_size(index.fai());
  int n = faidx_nseq(g->fai_);
  g->contigs_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const char* name = faidx_iseq(g->fai_, i);
    g->contigs_.push_back({name, static_cast<int64_t>(faidx_seq_len(g->fai_, name))});
    g->by_name_.emplace(name, i);
  }
  if (g->contigs_.empty()) fail_input("the genome FASTA has no sequences", path, "check that it is a FASTA file");
  g->block_ = BlockReader::open(path, index, g->contigs_);
  return g;
}

std::string ReferenceGenome::fetch_contig(size_t contig) const {
  if (block_) {
    std::string out;
    bool ok = false;
    {
      std::lock_guard lock(mutex_);
      ok = block_->read(contig, contigs_.at(contig).length, out);
    }
    if (ok) {
      normalize_bases(out);
      return out;
    }
  }
  return fetch(contig, 0, contigs_.at(contig).length);
}

ReferenceGenome::~ReferenceGenome() {
  if (fai_) fai_destroy(fai_);
}

int ReferenceGenome::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? -1 : it->second;
}

std::string ReferenceGenome::fetch(size_t contig, int64_t begin, int64_t end) const {
  const Contig& c = contigs_.at(contig);
  if (begin < 0 || end > c.length || begin > end)
    fail(Exit::internal, "fetch outside contig " + c.name + ": [" + std::to_string(begin) + ", " +
                             std::to_string(end) + ")");
  if (begin == end) return {};
  hts_pos_t got = 0;
  char* raw = nullptr;
  {
    std::lock_guard lock(mutex_);
    raw = faidx_fetch_seq64(fai_, c.name.c_str(), begin, end - 1, &got);
  }
  if (!raw || got != end - begin) {
    std::free(raw);
    fail_input("cannot read " + c.name + ":" + std::to_string(begin + 1) + "-" + std::to_string(end) +
                   " from the genome",
               path_, "the FASTA may be truncated or its index stale: rerun `samtools faidx " + path_ + "`");
  }
  std::string out(raw, static_cast<size_t>(got));
  std::free(raw);
  normalize_bases(out);
  return out;
}

nlohmann::json ReferenceGenome::describe() const {
  int64_t total = 0;
  for (const auto& c : contigs_) total += c.length;
  // Every sequence's name and length, in FASTA order: what a track file
  // (bigWig) needs as its chromosome sizes, long after the genome is gone.
  nlohmann::json index = nlohmann::json::array();
  for (const auto& c : contigs_) index.push_back({c.name, c.length});
  return {{"path", path_},
          {"size_bytes", file_size(path_)},
          {"fai_size_bytes", fai_size_},
          {"contigs", contigs_.size()},
          {"total_length", total},
          {"index", std::move(index)}};
}

ContigCache::ContigCache(const ReferenceGenome& genome, uint64_t budget_bytes)
    : genome_(genome), budget_(budget_bytes) {}

std::shared_ptr<const std::string> ContigCache::get(size_t contig) {
  ++tick_;
  auto it = entries_.find(contig);
  if (it != entries_.end()) {
    it->second.last_use = tick_;
    return it->second.bases;
  }
  auto bases = std::make_shared<const std::string>(genome_.fetch_contig(contig));
  ++loads_;
  uint64_t need = bases->size();
  // Evict the least recently used until the newcomer fits (or nothing is left).
  while (!entries_.empty() && held_ + need > budget_) {
    auto victim = entries_.begin();
    for (auto e = entries_.begin(); e != entries_.end(); ++e)
      if (e->second.last_use < victim->second.last_use) victim = e;
    held_ -= victim->second.bases->size();
    entries_.erase(victim);
  }
  entries_[contig] = {bases, tick_};
  held_ += need;
  return bases;
}

}  // namespace s2f::genome
