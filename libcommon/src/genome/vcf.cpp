#include "s2f/genome/vcf.hpp"

#include <htslib/hts.h>
#include <htslib/hts_log.h>
#include <htslib/vcf.h>

#include <algorithm>

#include "s2f/error.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::genome {

namespace {

bool allele_bases_ok(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    switch (c) {
      case 'A': case 'C': case 'G': case 'T': case 'N':
      case 'a': case 'c': case 'g': case 't': case 'n': return true;
      default: return false;
    }
  });
}

std::string upper(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

bool is_bcf(const std::string& path) {
  if (path == "-") return false;
  const htsLogLevel saved = hts_get_log_level();
  hts_set_log_level(HTS_LOG_OFF);
  htsFile* fp = hts_open(path.c_str(), "r");
  hts_set_log_level(saved);
  if (!fp) {
    TextLines diagnose(path);  // says why: missing, unreadable, empty or binary
    fail_io("cannot open " + path, path, "check the path and its permissions");
  }
  bool bcf = hts_get_format(fp)->format == ::bcf;
  hts_close(fp);
  return bcf;
}

}  // namespace

std::string unencodable_alt_reason(std::string_view alt) {
  if (alt == "." || alt.empty()) return "no ALT allele";
  if (alt == "*") return "ALT '*' (allele missing due to an upstream deletion)";
  if (alt.front() == '<') return "symbolic ALT " + std::string(alt);
  if (alt.find('[') != std::string_view::npos || alt.find(']') != std::string_view::npos)
    return "breakend ALT " + std::string(alt);
  if (alt.front() == '.' || alt.back() == '.') return "single breakend ALT " + std::string(alt);
  return {};
}

struct VcfReader::Bcf {
  htsFile* fp = nullptr;
  bcf_hdr_t* hdr = nullptr;
  bcf1_t* rec = nullptr;
  uint64_t n = 0;
  ~Bcf() {
    if (rec) bcf_destroy(rec);
    if (hdr) bcf_hdr_destroy(hdr);
    if (fp) hts_close(fp);
  }
};

VcfReader::VcfReader(const std::string& path, int strand_column, BadLines& bad, SkipLog& skips, bool selene_vcf)
    : path_(path), strand_column_(strand_column), selene_vcf_(selene_vcf), bad_(bad), skips_(skips) {
  if (is_bcf(path)) {
    if (strand_column > 0)
      fail_usage("--strand-column needs a text VCF; " + path + " is BCF",
                 "convert it with `bcftools view -Oz` or drop --strand-column");
    bcf_ = std::make_unique<Bcf>();
    bcf_->fp = hts_open(path.c_str(), "r");
    bcf_->hdr = bcf_->fp ? bcf_hdr_read(bcf_->fp) : nullptr;
    if (!bcf_->hdr) fail_input("cannot read the BCF header", path, "check that the file is a valid BCF");
    bcf_->rec = bcf_init();
  } else {
    lines_ = std::make_unique<TextLines>(path);
  }
}

VcfReader::~VcfReader() = default;

bool VcfReader::next(Variant& v) {
  while (next_ >= pending_.size()) {
    pending_.clear();
    next_ = 0;
    if (!refill()) return false;
  }
  v = std::move(pending_[next_++]);
  return true;
}

bool VcfReader::refill() {
  if (bcf_) return read_bcf();
  std::string_view line;
  while (pending_.empty()) {
    if (!lines_->next(line)) return false;
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.starts_with("#CHROM")) trusted_ = true;
      continue;
    }
    if (parse_text(line, lines_->where())) trusted_ = true;
  }
  return true;
}

// Headerless VCF lines are accepted as long as they parse; a file whose
// first line is neither a #CHROM header nor a record is not a VCF at all
// (and --skip-bad does not make it one).
void VcfReader::report_text(std::string_view line, const std::string& where, const std::string& what,
                            const std::string& fix) {
  if (!trusted_)
    fail_input("not a VCF: no #CHROM header line, and the first line is no VCF record either ('" +
                   text_excerpt(line, 60) + "': " + what + ")",
               where, "a VCF starts with ## meta lines and a #CHROM POS ID REF ALT ... header line");
  bad_.report(line, where, what, fix);
}


bool VcfReader::parse_text(std::string_view line, const std::string& where) {
  split_tabs(line, cols_);
  if (cols_.size() < 5) {
    report_text(line, where, "VCF line has " + std::to_string(cols_.size()) + " column(s), needs at least 5",
                "VCF columns are tab-separated: CHROM, POS, ID, REF, ALT");
    return false;
  }
  int64_t pos = 0;
  if (!parse_int(cols_[1], pos) || pos < 1) {
    report_text(line, where, "VCF POS '" + text_excerpt(cols_[1], 40) + "' is not a positive integer");
    return false;
  }
  if (!allele_bases_ok(cols_[3]) && !(selene_vcf_ && cols_[3] == "-")) {
    report_text(line, where, "VCF REF '" + text_excerpt(cols_[3], 40) + "' is not made of A, C, G, T, N");
    return false;
  }
  uint8_t strand = '.';
  if (strand_column_ > 0) {
    if (static_cast<size_t>(strand_column_) > cols_.size()) {
      report_text(line, where, "no strand column " + std::to_string(strand_column_) + " (line has " +
                                   std::to_string(cols_.size()) + ")");
      return false;
    }
    auto s = cols_[static_cast<size_t>(strand_column_) - 1];
    if (s != "+" && s != "-" && s != ".") {
      report_text(line, where, "strand '" + text_excerpt(s, 20) + "' is not +, - or .", "check --strand-column (1-based)");
      return false;
    }
    strand = static_cast<uint8_t>(s[0]);
  }
  alts_.clear();
  std::string_view a = cols_[4];
  size_t b = 0;
  while (true) {
    size_t c = a.find(',', b);
    alts_.push_back(a.substr(b, c == std::string_view::npos ? std::string_view::npos : c - b));
    if (c == std::string_view::npos) break;
    b = c + 1;
  }
  for (auto alt : alts_) {
    if (selene_vcf_ && (alt == "-" || alt == "*")) continue;
    if (unencodable_alt_reason(alt).empty() && !allele_bases_ok(alt)) {
      report_text(line, where, "VCF ALT '" + text_excerpt(alt, 40) + "' is not made of A, C, G, T, N");
      return false;
    }
  }
  const size_t first = pending_.size();
  add(cols_[0], pos - 1, cols_[2], cols_[3], alts_, strand, where, line);
  if (pending_.size() > first) {
    const std::string na = selene_na_line(cols_[0], std::to_string(pos), cols_[2], cols_[3], cols_[4], strand);
    for (size_t i = first; i < pending_.size(); ++i) pending_[i].selene_na = na;
  }
  return true;
}

std::string selene_na_line(std::string_view chrom, std::string_view pos, std::string_view id, std::string_view ref,
                           std::string_view alts, uint8_t strand) {
  // Selene's read_vcf_file: 'CHR' becomes 'chr', and a name without 'chr' gets it.
  std::string c(chrom);
  if (c.starts_with("CHR")) {
    for (size_t at; (at = c.find("CHR")) != std::string::npos;) c.replace(at, 3, "chr");
  } else if (c.find("chr") == std::string::npos) {
    c = "chr" + c;
  }
  std::string line = c + "\t" + std::string(pos) + "\t" + std::string(id) + "\t" + (ref == "-" ? "" : std::string(ref)) +
                     "\t" + std::string(alts) + "\t" + (strand == '-' ? "-" : "+") + "\n";
  return line;
}

bool VcfReader::read_bcf() {
  while (pending_.empty()) {
    int rc = bcf_read(bcf_->fp, bcf_->hdr, bcf_->rec);
    if (rc == -1) return false;
    ++bcf_->n;
    std::string where = path_ + ":record " + std::to_string(bcf_->n);
    if (rc < -1 || bcf_unpack(bcf_->rec, BCF_UN_STR) < 0)
      fail_input("cannot decode BCF record", where, "the file may be truncated; check it with `bcftools view`");
    bcf1_t* r = bcf_->rec;
    std::vector<std::string_view> alts;
    for (int i = 1; i < r->n_allele; ++i) alts.emplace_back(r->d.allele[i]);
    if (alts.empty()) alts.emplace_back(".");
    std::string_view ref = r->n_allele > 0 ? r->d.allele[0] : "";
    std::string line = std::string(bcf_seqname_safe(bcf_->hdr, r)) + ":" + std::to_string(r->pos + 1);
    if (!allele_bases_ok(ref)) {
      bad_.report(line, where, "REF '" + text_excerpt(ref, 40) + "' is not made of A, C, G, T, N");
      continue;
    }
    bool bad_alt = false;
    for (auto alt : alts)
      if (unencodable_alt_reason(alt).empty() && !allele_bases_ok(alt)) bad_alt = true;
    if (bad_alt) {
      bad_.report(line, where, "an ALT allele is not made of A, C, G, T, N");
      continue;
    }
    add(bcf_seqname_safe(bcf_->hdr, r), r->pos, r->d.id, ref, alts, '.', where, line);
  }
  return true;
}

void VcfReader::add(std::string_view chrom, int64_t pos0, std::string_view id, std::string_view ref,
                    const std::vector<std::string_view>& alts, uint8_t strand, const std::string& where,
                    std::string_view line) {
  const std::string ref_u = upper(ref);
  for (auto alt : alts) {
    std::string reason = selene_vcf_ && (alt == "-" || alt == "*") ? std::string() : unencodable_alt_reason(alt);
    std::string alt_u = upper(alt);
    std::string vid = id.empty() || id == "." ? std::string(chrom) + ":" + std::to_string(pos0 + 1) + ":" + ref_u +
                                                    ":" + alt_u
                                              : std::string(id);
    // Each allele of a multi-allelic record gets its own id, unless the file
    // is read as Selene reads it: Selene names every allele by the record's ID.
    if (alts.size() > 1 && !(id.empty() || id == ".") && !selene_vcf_) vid += ":" + alt_u;
    if (!reason.empty()) {
      ++symbolic_;
      skips_.skip(vid, where, reason);
      continue;
    }
    Variant v;
    v.id = std::move(vid);
    v.chrom = std::string(chrom);
    v.pos = pos0;
    v.ref = ref_u;
    v.alt = std::move(alt_u);
    v.strand = strand;
    v.where = where;
    pending_.push_back(std::move(v));
  }
  (void)line;
}

}  // namespace s2f::genome
