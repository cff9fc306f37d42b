// s2f-encode's engine: input records become window jobs (serially, in input
// order, where every skip is decided and logged), jobs become sequence
// records (in parallel, touching only immutable contig copies), and chunks
// are written in input order — so the output bytes do not depend on -t.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "s2f/genome/chrom_names.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/stream/batch.hpp"
#include "s2f/stream/stream.hpp"
#include "s2f/io.hpp"
#include "s2f/run.hpp"

namespace s2f::genome {

struct WindowJob {
  enum class Kind : uint8_t { position, variant, sequence };
  Kind kind = Kind::position;
  std::string id, chrom;
  int64_t pos = 0;          // 0-based: the centred base, or a variant's first REF base
  uint8_t strand = '.';
  std::string ref, alt;     // variants
  std::string bases;        // sequences given as they are
  std::string category, partition;  // carried from position streams
  std::string where;        // file:line or stream:record N, for the side file
  std::string rejected;     // set by a source when the record cannot be placed: the side-file reason
  std::string selene_na;    // VCF records: the line Selene's .NA file would hold for it
  // Where the record sits in its input: Selene's row labels (--selene-labels)
  // and runs that read several files.
  size_t source = 0;            // which input file
  int64_t input_index = -1;     // 0-based line (BED) or record (FASTA) of its file
  int64_t bed_start = -1, bed_end = -1;  // BED: the interval as written
  // Filled by WindowEncoder::prepare.
  int contig = -1;
  int64_t start = -1;
  std::shared_ptr<const std::string> contig_bases;
};

class JobSource {
 public:
  virtual ~JobSource() = default;
  virtual bool next(WindowJob& job) = 0;
  // Input stream header to carry metadata over from, if any.
  virtual const stream::Header* header() const { return nullptr; }
  // Records read but never handed out as jobs (symbolic ALTs, skipped
  // malformed lines), so that the run summary's "in" counts them too.
  virtual uint64_t consumed_unseen() const { return 0; }
  // Whether jobs carry category/partition labels worth keeping.
  virtual bool has_labels() const { return false; }
};

// Whose rule places a variant in its windows: s2f's (window.hpp, the
// default) or Selene's exactly (selene_windows.hpp, --windows selene).
enum class VariantWindows : uint8_t { s2f, selene };

struct EncodeSettings {
  int64_t length = 0;
  std::optional<int64_t> variant_index;  // first REF base; default ceil(L/2)-1-floor(len(REF)/2)
  VariantWindows variant_windows = VariantWindows::s2f;
  bool require_strand = false;
  uint64_t cache_bytes = uint64_t{2} << 30;
  // --null shuffled-flanks:N: after each variant's REF/ALT pair, N pairs
  // (alleles r/a) built the same way on a dinucleotide shuffle of the genome
  // span the pair reads, seeded by (null_seed, variant, shuffle number).
  int64_t null_shuffles = 0;
  uint64_t null_seed = 0;
  // Several input files: each record's `source` field names its file by
  // these (Selene's output prefixes). Empty for one file: no field.
  std::vector<std::string> sources;
  // Each record gets Selene's row label (`selene_label` field): BED
  // `index chrom start end strand`, FASTA `index name`.
  bool selene_labels = false;
};

// The seed of a variant's k-th shuffle: independent of its record number,
// so the same variant gets the same shuffles in any shard and at any -t.
uint64_t null_shuffle_seed(uint64_t seed, std::string_view chrom, int64_t pos, std::string_view ref,
                           std::string_view alt, int64_t k);

struct EncodeCounts {
  uint64_t windows = 0, variants = 0, ref_mismatches = 0, with_unknown = 0;
};

class WindowEncoder {
 public:
  // genome may be null for sequence-only inputs.
  WindowEncoder(const ReferenceGenome* genome, EncodeSettings settings, SkipLog& skips);
  // The output schema (sequences, plus labels when asked).
  stream::Schema schema(bool with_labels) const;
  // Resolves the chromosome and window; logs the reason and returns false
  // when the job cannot become a full window. Serial.
  bool prepare(WindowJob& job);
  // Looks the output fields up once, before any encode().
  void bind(const stream::Schema& schema);
  // Appends the job's record(s) to `out` (bound schema). Thread-safe.
  void encode(const WindowJob& job, stream::Batch& out, EncodeCounts& counts) const;
  ChromosomeNames* names() { return names_.get(); }
  // Where to list, as Selene does in its .NA file, the VCF records whose
  // windows cannot be read from the genome (unknown chromosome, off its
  // ends): one line per record, however many ALT alleles; one list per
  // input file (WindowJob::source). Empty = none.
  void set_selene_na(std::vector<TextOutput*> per_source) { selene_na_ = std::move(per_source); }
  const EncodeSettings& settings() const { return settings_; }
  int64_t variant_index(int64_t ref_length) const;

 private:
  const ReferenceGenome* genome_;
  EncodeSettings settings_;
  SkipLog& skips_;
  std::unique_ptr<ChromosomeNames> names_;
  std::unique_ptr<ContigCache> cache_;
  std::vector<TextOutput*> selene_na_;
  bool genome_has_chrMT_ = false;  // Selene reads chrMT as chrM only when the genome has no chrMT
  std::string selene_na_last_;  // `where` of the last record listed (its other alleles follow it)
  void list_selene_na(const WindowJob& job);
  int f_id_ = -1, f_chrom_ = -1, f_pos_ = -1, f_strand_ = -1, f_start_ = -1, f_allele_ = -1, f_ref_ = -1,
              f_alt_ = -1, f_match_ = -1, f_unk_ = -1, f_seq_ = -1, f_cat_ = -1, f_part_ = -1,
      f_source_ = -1, f_label_ = -1;
};

// Runs read -> encode -> write with `threads` workers; returns the totals.
EncodeCounts run_encoder(JobSource& source, WindowEncoder& encoder, stream::Writer& writer, Run& run);

}  // namespace s2f::genome
