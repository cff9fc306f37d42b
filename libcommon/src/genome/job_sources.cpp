#include "s2f/genome/job_sources.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "s2f/error.hpp"
#include "s2f/genome/window.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::genome {

namespace {

std::string lower_without_gz(std::string p) {
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  if (p.ends_with(".gz") || p.ends_with(".bgz")) p.resize(p.rfind('.'));
  return p;
}

class StreamJobs : public JobSource {
 public:
  explicit StreamJobs(const std::string& path) : reader_(stream::Reader::open(path)), name_(path) {
    reader_->expect_kind({stream::kind::positions, stream::kind::intervals, stream::kind::variants});
    const auto& h = reader_->header();
    kind_ = h.kind;
    const auto& s = h.schema;
    id_ = s.find("id");
    chrom_ = static_cast<int>(reader_->require_field("chrom", stream::DType::str));
    strand_ = s.find("strand");
    if (kind_ == stream::kind::intervals) {
      start_ = static_cast<int>(reader_->require_field("start", stream::DType::i64));
      end_ = static_cast<int>(reader_->require_field("end", stream::DType::i64));
      summit_ = s.find("summit");
    } else {
      pos_ = static_cast<int>(reader_->require_field("pos", stream::DType::i64));
    }
    if (kind_ == stream::kind::variants) {
      ref_ = static_cast<int>(reader_->require_field("ref", stream::DType::str));
      alt_ = static_cast<int>(reader_->require_field("alt", stream::DType::str));
    }
    category_ = s.find("category");
    partition_ = s.find("partition");
  }
  const stream::Header* header() const override { return &reader_->header(); }
  bool has_labels() const override { return category_ >= 0 || partition_ >= 0; }

  bool next(WindowJob& j) override {
    while (row_ >= batch_.size()) {
      if (!reader_->next(batch_)) return false;
      row_ = 0;
    }
    const size_t r = row_++;
    ++index_;
    auto F = [](int f) { return static_cast<size_t>(f); };
    j.where = name_ + ":record " + std::to_string(index_);
    j.chrom = std::string(batch_.str(F(chrom_), r));
    j.strand = strand_ >= 0 ? batch_.scalar<uint8_t>(F(strand_), r) : uint8_t{'.'};
    if (kind_ == stream::kind::intervals) {
      int64_t s = batch_.scalar<int64_t>(F(start_), r), e = batch_.scalar<int64_t>(F(end_), r);
      int64_t summit = summit_ >= 0 ? batch_.scalar<int64_t>(F(summit_), r) : -1;
      j.kind = WindowJob::Kind::position;
      // Checked before any arithmetic: with 0 <= s <= e and summit < e - s
      // the centre cannot overflow.
      if (s < 0 || e < s) {
        j.pos = s;
        j.rejected = "interval [" + std::to_string(s) + ", " + std::to_string(e) +
                     ") is negative or ends before it starts";
      } else if (summit >= e - s) {
        j.pos = s;
        j.rejected = "summit " + std::to_string(summit) + " lies outside the interval [" + std::to_string(s) + ", " +
                     std::to_string(e) + ")";
      } else {
        j.pos = interval_centre(s, e, summit);
      }
    } else {
      j.pos = batch_.scalar<int64_t>(F(pos_), r);
      j.kind = kind_ == stream::kind::variants ? WindowJob::Kind::variant : WindowJob::Kind::position;
    }
    if (kind_ == stream::kind::variants) {
      j.ref = std::string(batch_.str(F(ref_), r));
      j.alt = std::string(batch_.str(F(alt_), r));
      for (auto* a : {&j.ref, &j.alt})
        for (auto& c : *a) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!unencodable_alt_reason(j.alt).empty() || j.ref.empty())
        fail_input("variant record with an allele that is not a sequence ('" + j.ref + "' > '" + j.alt + "')",
                   j.where, "filter symbolic alleles before s2f-encode");
    }
    j.id = id_ >= 0 ? std::string(batch_.str(F(id_), r)) : std::string();
    if (j.id.empty()) j.id = j.chrom + ":" + (j.pos >= 0 && j.pos < INT64_MAX ? std::to_string(j.pos + 1) : std::to_string(j.pos));
    if (category_ >= 0) j.category = std::string(batch_.str(F(category_), r));
    if (partition_ >= 0) j.partition = std::string(batch_.str(F(partition_), r));
    return true;
  }

 private:
  std::unique_ptr<stream::Reader> reader_;
  std::string name_, kind_;
  stream::Batch batch_;
  size_t row_ = 0;
  uint64_t index_ = 0;
  int id_ = -1, chrom_ = -1, pos_ = -1, strand_ = -1, start_ = -1, end_ = -1, summit_ = -1, ref_ = -1, alt_ = -1,
      category_ = -1, partition_ = -1;
};

class BedJobs : public JobSource {
 public:
  BedJobs(const std::string& path, BedFlavor flavor, int strand_column, BadLines& bad)
      : reader_(path, flavor, strand_column, bad), bad_(bad) {}
  uint64_t consumed_unseen() const override { return bad_.count(); }
  bool next(WindowJob& j) override {
    if (!reader_.next(rec_)) return false;
    j.kind = WindowJob::Kind::position;
    j.chrom = std::string(rec_.chrom);
    j.pos = interval_centre(rec_.start, rec_.end, rec_.summit);
    j.strand = rec_.strand;
    j.id = rec_.name.empty() ? j.chrom + ":" + std::to_string(rec_.start) + "-" + std::to_string(rec_.end)
                             : std::string(rec_.name);
    j.where = reader_.where();
    j.input_index = static_cast<int64_t>(reader_.line_number()) - 1;
    j.bed_start = rec_.start;
    j.bed_end = rec_.end;
    return true;
  }

 private:
  BedReader reader_;
  BadLines& bad_;
  BedRecord rec_;
};

// One VCF, or several read one after the other, each record tagged with
// the file it came from (WindowJob::source).
class VcfJobs : public JobSource {
 public:
  VcfJobs(std::vector<std::string> paths, int strand_column, BadLines& bad, SkipLog& skips, bool selene_vcf)
      : paths_(std::move(paths)), strand_column_(strand_column), bad_(bad), skips_(skips), selene_vcf_(selene_vcf) {
    open(0);
  }
  uint64_t consumed_unseen() const override { return symbolic_ + reader_->symbolic_skipped() + bad_.count(); }
  bool next(WindowJob& j) override {
    while (!reader_->next(v_)) {
      if (source_ + 1 >= paths_.size()) return false;
      symbolic_ += reader_->symbolic_skipped();
      open(source_ + 1);
    }
    j.source = source_;
    j.kind = WindowJob::Kind::variant;
    j.id = std::move(v_.id);
    j.chrom = std::move(v_.chrom);
    j.pos = v_.pos;
    j.ref = std::move(v_.ref);
    j.alt = std::move(v_.alt);
    j.strand = v_.strand;
    j.where = std::move(v_.where);
    j.selene_na = std::move(v_.selene_na);
    return true;
  }

 private:
  void open(size_t k) {
    reader_.reset();  // one file open at a time
    reader_ = std::make_unique<VcfReader>(paths_[k], strand_column_, bad_, skips_, selene_vcf_);
    source_ = k;
  }
  std::vector<std::string> paths_;
  int strand_column_;
  BadLines& bad_;
  SkipLog& skips_;
  bool selene_vcf_;
  std::unique_ptr<VcfReader> reader_;
  size_t source_ = 0;
  uint64_t symbolic_ = 0;  // symbolic ALTs of the files already read
  Variant v_;
};

template <class Reader>
class SequenceJobs : public JobSource {
 public:
  SequenceJobs(const std::string& path, BadLines& bad, SkipLog& skips) : reader_(path, bad), bad_(bad), skips_(skips) {}
  uint64_t consumed_unseen() const override { return bad_.count() + empty_; }
  bool next(WindowJob& j) override {
    // A record without bases would become a window of Ns only: skip it.
    while (true) {
      if (!reader_.next(rec_)) return false;
      ++records_;
      if (!rec_.bases.empty()) break;
      ++empty_;
      skips_.skip(rec_.id, rec_.where, "empty record: no sequence after its header");
    }
    j.kind = WindowJob::Kind::sequence;
    j.id = rec_.id;
    j.chrom = rec_.id;
    j.pos = -1;
    j.start = -1;
    j.bases = std::move(rec_.bases);
    j.where = rec_.where;
    j.input_index = records_ - 1;
    return true;
  }

 private:
  Reader reader_;
  BadLines& bad_;
  SkipLog& skips_;
  uint64_t empty_ = 0;
  int64_t records_ = 0;
  SequenceRecord rec_;
};

}  // namespace

InputFormat detect_input_format(const std::string& path) {
  std::string p = lower_without_gz(path);
  if (p.ends_with(".vcf") || p.ends_with(".bcf")) return InputFormat::vcf;
  if (p.ends_with(".narrowpeak")) return InputFormat::narrowpeak;
  if (p.ends_with(".bed")) return InputFormat::bed;
  if (p.ends_with(".fa") || p.ends_with(".fasta") || p.ends_with(".fna")) return InputFormat::fasta_records;
  return InputFormat::stream;
}

const char* input_format_name(InputFormat f) {
  switch (f) {
    case InputFormat::stream: return "s2f stream";
    case InputFormat::bed: return "BED";
    case InputFormat::narrowpeak: return "narrowPeak";
    case InputFormat::vcf: return "VCF";
    case InputFormat::fasta_records: return "FASTA records";
    case InputFormat::sequences: return "sequence lines";
  }
  return "?";
}

std::unique_ptr<JobSource> open_job_source(InputFormat format, const std::string& path, int strand_column,
                                           BadLines& bad, SkipLog& skips, bool selene_vcf) {
  switch (format) {
    case InputFormat::stream: return std::make_unique<StreamJobs>(path);
    case InputFormat::bed: return std::make_unique<BedJobs>(path, BedFlavor::bed, strand_column, bad);
    case InputFormat::narrowpeak: return std::make_unique<BedJobs>(path, BedFlavor::narrowpeak, strand_column, bad);
    case InputFormat::vcf:
      return std::make_unique<VcfJobs>(std::vector<std::string>{path}, strand_column, bad, skips, selene_vcf);
    case InputFormat::fasta_records: return std::make_unique<SequenceJobs<FastaRecordReader>>(path, bad, skips);
    case InputFormat::sequences: return std::make_unique<SequenceJobs<SequenceLineReader>>(path, bad, skips);
  }
  return nullptr;
}

std::unique_ptr<JobSource> open_vcf_sources(const std::vector<std::string>& paths, int strand_column, BadLines& bad,
                                            SkipLog& skips, bool selene_vcf) {
  return std::make_unique<VcfJobs>(paths, strand_column, bad, skips, selene_vcf);
}

std::string selene_prefix_of(const std::string& path) {
  // Selene: '.'.join(filename.split('.')[:-1]) -- the last extension off,
  // nothing left of a name without a dot.
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const size_t dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : name.substr(0, dot);
}

}  // namespace s2f::genome
