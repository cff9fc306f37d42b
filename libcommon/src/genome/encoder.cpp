#include "s2f/genome/encoder.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <algorithm>

#include "s2f/error.hpp"
#include "s2f/genome/bases.hpp"
#include "s2f/genome/selene_windows.hpp"
#include "s2f/genome/dinucleotide_shuffle.hpp"
#include "s2f/rng.hpp"
#include "s2f/genome/window.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/text_excerpt.hpp"

namespace s2f::genome {

namespace {
// Selene's row label of a prediction-only record (its analyze_sequences'
// get_predictions_for_bed_file / _fasta_file): the 0-based line of the BED
// file (every line counts), the chromosome as the genome spells it, the
// interval as written and the strand column ('.' without one); or the
// 0-based FASTA record and its name.
std::string selene_label(const WindowJob& job) {
  const std::string index = std::to_string(job.input_index);
  if (job.kind == WindowJob::Kind::sequence) return index + "\t" + job.id;
  if (job.kind == WindowJob::Kind::position)
    return index + "\t" + job.chrom + "\t" + std::to_string(job.bed_start) + "\t" + std::to_string(job.bed_end) + "\t" +
           std::string(1, static_cast<char>(job.strand));
  return {};
}

std::string span_text(const std::string& chrom, int64_t b, int64_t e) {
  return "[" + std::to_string(b) + ", " + std::to_string(e) + ") on " + chrom;
}
}  // namespace

uint64_t null_shuffle_seed(uint64_t seed, std::string_view chrom, int64_t pos, std::string_view ref,
                           std::string_view alt, int64_t k) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over the variant, then mixed with the seed
  auto eat = [&](std::string_view s) {
    for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;  // separator: "AB","C" differs from "A","BC"
  };
  eat(chrom);
  eat(std::to_string(pos));
  eat(ref);
  eat(alt);
  return mix_seed(mix_seed(seed ^ h) + static_cast<uint64_t>(k));
}

WindowEncoder::WindowEncoder(const ReferenceGenome* genome, EncodeSettings settings, SkipLog& skips)
    : genome_(genome), settings_(settings), skips_(skips) {
  if (genome_) {
    names_ = std::make_unique<ChromosomeNames>(genome_->contigs());
    cache_ = std::make_unique<ContigCache>(*genome_, settings_.cache_bytes);
    for (const auto& c : genome_->contigs()) genome_has_chrMT_ |= c.name == "chrMT";
  }
}

stream::Schema WindowEncoder::schema(bool with_labels) const {
  stream::Schema s = stream::sequences_schema(settings_.length);
  if (with_labels) {
    s.add({stream::kCategoryField, stream::DType::str, {}});
    s.add({stream::kPartitionField, stream::DType::str, {}});
  }
  if (settings_.sources.size() > 1) s.add({stream::kSourceField, stream::DType::str, {}});
  if (settings_.selene_labels) s.add({stream::kSeleneLabelField, stream::DType::str, {}});
  return s;
}

int64_t WindowEncoder::variant_index(int64_t ref_length) const {
  return settings_.variant_index ? *settings_.variant_index : default_variant_index(settings_.length, ref_length);
}

void WindowEncoder::list_selene_na(const WindowJob& job) {
  if (job.source >= selene_na_.size() || job.selene_na.empty() || job.where == selene_na_last_) return;
  // Selene's read_vcf_file renames chrMT (after its chr prefixing) to chrM
  // when the genome has no chrMT, and lists the renamed chromosome.
  if (!genome_has_chrMT_ && job.selene_na.starts_with("chrMT\t"))
    selene_na_[job.source]->write("chrM" + job.selene_na.substr(5));
  else
    selene_na_[job.source]->write(job.selene_na);
  selene_na_last_ = job.where;
}

bool WindowEncoder::prepare(WindowJob& job) {
  if (job.strand == '.' && settings_.require_strand && job.kind != WindowJob::Kind::sequence) {
    skips_.skip(job.id, job.where, "no strand ('.') while --require-strand is set");
    return false;
  }
  if (!job.rejected.empty()) {
    skips_.skip(job.id, job.where, job.rejected);
    return false;
  }
  if (job.kind == WindowJob::Kind::sequence) return true;
  job.contig = names_->resolve(job.chrom);
  if (job.contig < 0) {
    skips_.skip(job.id, job.where,
                "chromosome '" + text_excerpt(job.chrom, 60) + "' is not in the genome " + genome_->path());
    list_selene_na(job);
    return false;
  }
  const Contig& c = genome_->contigs()[static_cast<size_t>(job.contig)];
  const int64_t L = settings_.length;
  // Every window computation below adds or subtracts at most a few L (L <=
  // 2^28) and a REF length to the position: with the position first checked
  // against the contig, none of them can overflow, however large the input
  // coordinate was.
  const int64_t ref_length = static_cast<int64_t>(job.ref.size());
  if (job.pos < 0 || job.pos >= c.length || (job.kind == WindowJob::Kind::variant && ref_length > c.length - job.pos)) {
    const bool variant = job.kind == WindowJob::Kind::variant;
    const std::string at = variant && job.pos >= 0 ? "variant at " + c.name + ":" + std::to_string(job.pos + 1)
                                                   : "position " + std::to_string(job.pos) + " on " + c.name;
    skips_.skip(job.id, job.where,
                at + (job.pos < 0 ? " lies before the start of " + c.name
                                  : " lies beyond the end of " + c.name + " (length " + std::to_string(c.length) + ")") +
                    " — wrong genome or excerpt?");
    list_selene_na(job);
    return false;
  }
  int64_t need_begin = 0, need_end = 0;
  if (job.kind == WindowJob::Kind::position) {
    job.start = position_window_start(job.pos, L);
    need_begin = job.start;
    need_end = job.start + L;
  } else if (settings_.variant_windows == VariantWindows::selene) {
    SeleneVariantLayout lay =
        selene_variant_layout(job.pos, static_cast<int64_t>(selene_allele(job.ref).size()),
                              static_cast<int64_t>(selene_allele(job.alt).size()), L, c.length);
    if (!lay.rejected.empty()) {
      skips_.skip(job.id, job.where, lay.rejected);
      if (lay.off_chromosome) list_selene_na(job);
      return false;
    }
    // Genome bases beyond the chromosome that Selene's deletion windows
    // reach are N, as Selene pads them.
    job.start = need_begin = lay.ref_start;
    need_end = lay.ref_start + L;
  } else {
    int64_t index = variant_index(static_cast<int64_t>(job.ref.size()));
    VariantLayout lay = variant_layout(job.pos, static_cast<int64_t>(job.ref.size()),
                                       static_cast<int64_t>(job.alt.size()), L, index);
    if (!lay.fits) {
      skips_.skip(job.id, job.where,
                  "REF allele of " + std::to_string(job.ref.size()) + " bases does not fit a window of " +
                      std::to_string(L) + " with its first base at index " + std::to_string(index));
      return false;
    }
    job.start = lay.ref_start;
    need_begin = lay.read_begin;
    need_end = lay.read_end;
  }
  if (need_begin < 0 || need_end > c.length) {
    skips_.skip(job.id, job.where,
                "window " + span_text(c.name, need_begin, need_end) + " runs off the chromosome (length " +
                    std::to_string(c.length) + ")");
    list_selene_na(job);
    return false;
  }
  job.chrom = c.name;
  job.contig_bases = cache_->get(static_cast<size_t>(job.contig));
  return true;
}

void WindowEncoder::bind(const stream::Schema& s) {
  f_id_ = static_cast<int>(s.index("id"));
  f_chrom_ = static_cast<int>(s.index("chrom"));
  f_pos_ = static_cast<int>(s.index("pos"));
  f_strand_ = static_cast<int>(s.index("strand"));
  f_start_ = static_cast<int>(s.index("start"));
  f_allele_ = static_cast<int>(s.index("allele"));
  f_ref_ = static_cast<int>(s.index("ref"));
  f_alt_ = static_cast<int>(s.index("alt"));
  f_match_ = static_cast<int>(s.index("ref_match"));
  f_unk_ = static_cast<int>(s.index("contains_unk"));
  f_cat_ = s.find(stream::kCategoryField);
  f_part_ = s.find(stream::kPartitionField);
  f_source_ = s.find(stream::kSourceField);
  f_label_ = s.find(stream::kSeleneLabelField);
  f_seq_ = static_cast<int>(s.index("seq"));
}

void WindowEncoder::encode(const WindowJob& job, stream::Batch& out, EncodeCounts& counts) const {
  auto F = [](int f) { return static_cast<size_t>(f); };
  const uint8_t strand = job.strand == '-' ? '-' : '+';
  auto add = [&](uint8_t allele, bool match) {
    size_t r = out.add_record();
    out.set_str(F(f_id_), r, job.id);
    out.set_str(F(f_chrom_), r, job.chrom);
    out.set_scalar<int64_t>(F(f_pos_), r, job.kind == WindowJob::Kind::sequence ? -1 : job.pos);
    out.set_scalar<uint8_t>(F(f_strand_), r, job.kind == WindowJob::Kind::sequence ? uint8_t{'.'} : strand);
    out.set_scalar<int64_t>(F(f_start_), r, job.start);
    out.set_scalar<uint8_t>(F(f_allele_), r, allele);
    out.set_str(F(f_ref_), r, job.ref);
    out.set_str(F(f_alt_), r, job.alt);
    out.set_scalar<uint8_t>(F(f_match_), r, match ? 1 : 0);
    if (f_cat_ >= 0) out.set_str(F(f_cat_), r, job.category);
    if (f_part_ >= 0) out.set_str(F(f_part_), r, job.partition);
    if (f_source_ >= 0) out.set_str(F(f_source_), r, settings_.sources[job.source]);
    if (f_label_ >= 0) out.set_str(F(f_label_), r, selene_label(job));
    return r;
  };
  // Selene's variant windows come out already in their strand's orientation.
  const bool oriented = job.kind == WindowJob::Kind::variant && settings_.variant_windows == VariantWindows::selene;
  auto finish = [&](size_t r) {
    auto seq = out.fixed_mut<uint8_t>(F(f_seq_), r);
    if (strand == '-' && job.kind != WindowJob::Kind::sequence && !oriented) reverse_complement(seq);
    bool unk = contains_unknown(seq);
    out.set_scalar<uint8_t>(F(f_unk_), r, unk ? 1 : 0);
    counts.with_unknown += unk;
    ++counts.windows;
  };
  const int64_t L = settings_.length;
  switch (job.kind) {
    case WindowJob::Kind::sequence: {
      size_t r = add(stream::kAlleleNone, true);
      fit_sequence(job.bases, out.fixed_mut<uint8_t>(F(f_seq_), r));
      finish(r);
      break;
    }
    case WindowJob::Kind::position: {
      size_t r = add(stream::kAlleleNone, true);
      auto seq = out.fixed_mut<uint8_t>(F(f_seq_), r);
      std::copy_n(job.contig_bases->data() + job.start, L, seq.data());
      finish(r);
      break;
    }
    case WindowJob::Kind::variant: {
      size_t rr = add(stream::kAlleleRef, true);
      size_t ra = add(stream::kAlleleAlt, true);
      auto ref_seq = out.fixed_mut<uint8_t>(F(f_seq_), rr), alt_seq = out.fixed_mut<uint8_t>(F(f_seq_), ra);
      bool match = oriented ? build_selene_variant_windows(*job.contig_bases, job.pos, job.ref, job.alt, L,
                                                           strand == '-', ref_seq, alt_seq)
                            : build_variant_windows(*job.contig_bases, job.pos, job.ref, job.alt, L,
                                                    variant_index(static_cast<int64_t>(job.ref.size())), ref_seq,
                                                    alt_seq);
      out.set_scalar<uint8_t>(F(f_match_), rr, match);
      out.set_scalar<uint8_t>(F(f_match_), ra, match);
      finish(rr);
      finish(ra);
      ++counts.variants;
      counts.ref_mismatches += !match;
      // Shuffled-flank nulls: the genome span both windows read, shuffled
      // keeping its dinucleotides, with the alleles placed exactly as above.
      if (settings_.null_shuffles > 0) {
        const int64_t index = variant_index(static_cast<int64_t>(job.ref.size()));
        const VariantLayout lay = variant_layout(job.pos, static_cast<int64_t>(job.ref.size()),
                                                 static_cast<int64_t>(job.alt.size()), L, index);
        const std::string_view span(job.contig_bases->data() + lay.read_begin,
                                    static_cast<size_t>(lay.read_end - lay.read_begin));
        for (int64_t k = 1; k <= settings_.null_shuffles; ++k) {
          Rng rng(null_shuffle_seed(settings_.null_seed, job.chrom, job.pos, job.ref, job.alt, k));
          const std::string shuffled = dinucleotide_shuffle(span, rng);
          size_t nr = add(stream::kAlleleNullRef, match);
          size_t na = add(stream::kAlleleNullAlt, match);
          build_variant_windows(shuffled, job.pos - lay.read_begin, job.ref, job.alt, L, index,
                                out.fixed_mut<uint8_t>(F(f_seq_), nr), out.fixed_mut<uint8_t>(F(f_seq_), na));
          finish(nr);
          finish(na);
        }
      }
      break;
    }
  }
}

EncodeCounts run_encoder(JobSource& source, WindowEncoder& encoder, stream::Writer& writer, Run& run) {
  struct Chunk {
    std::vector<WindowJob> jobs;
    stream::Batch batch;
    EncodeCounts counts;
    uint64_t read = 0;
  };
  // A fixed chunk size (never derived from the thread count) keeps frame
  // boundaries, and so the output bytes, identical for every -t.
  const size_t per_chunk = std::max<size_t>(16, (size_t{1} << 20) / static_cast<size_t>(encoder.settings().length));
  const stream::Schema schema = writer.header().schema;
  encoder.bind(schema);
  EncodeCounts total;
  bool done = false;
  // Finished chunks come back for reuse: their batches keep their capacity,
  // which spares an allocation and a page-fault storm per chunk.
  oneapi::tbb::concurrent_queue<std::shared_ptr<Chunk>> spare;
  const size_t tokens = static_cast<size_t>(std::max(1, run.opt.threads)) * 2;
  oneapi::tbb::parallel_pipeline(
      tokens,
      oneapi::tbb::make_filter<void, std::shared_ptr<Chunk>>(
          oneapi::tbb::filter_mode::serial_in_order,
          [&](oneapi::tbb::flow_control& fc) -> std::shared_ptr<Chunk> {
            if (done) {
              fc.stop();
              return nullptr;
            }
            std::shared_ptr<Chunk> chunk;
            if (!spare.try_pop(chunk)) {
              chunk = std::make_shared<Chunk>();
              chunk->batch.reset(schema);
              chunk->jobs.reserve(per_chunk);
            }
            WindowJob job;
            while (chunk->jobs.size() < per_chunk) {
              if (!source.next(job)) {
                done = true;
                break;
              }
              ++chunk->read;
              if (encoder.prepare(job)) chunk->jobs.push_back(std::move(job));
              job = WindowJob{};
            }
            return chunk;
          }) &
          oneapi::tbb::make_filter<std::shared_ptr<Chunk>, std::shared_ptr<Chunk>>(
              oneapi::tbb::filter_mode::parallel,
              [&](std::shared_ptr<Chunk> chunk) {
                for (const auto& j : chunk->jobs) encoder.encode(j, chunk->batch, chunk->counts);
                chunk->jobs.clear();  // releases contig references early
                return chunk;
              }) &
          oneapi::tbb::make_filter<std::shared_ptr<Chunk>, void>(
              oneapi::tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Chunk> chunk) {
                if (!chunk->batch.empty()) writer.write(chunk->batch);
                run.records_in += chunk->read;
                run.records_out += chunk->batch.size();
                total.windows += chunk->counts.windows;
                total.variants += chunk->counts.variants;
                total.ref_mismatches += chunk->counts.ref_mismatches;
                total.with_unknown += chunk->counts.with_unknown;
                run.progress.tick(run.records_in);
                chunk->batch.clear();
                chunk->counts = {};
                chunk->read = 0;
                spare.push(std::move(chunk));
              }));
  run.records_in += source.consumed_unseen();
  return total;
}

}  // namespace s2f::genome
