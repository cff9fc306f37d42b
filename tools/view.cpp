// s2f-view: like `samtools view` for s2f streams. Prints records as TSV
// (default), BED or VCF; prints the header; validates; takes the first N
// records or a shard; joins several streams (--s2f writes a stream again).
#include <memory>
#include <string>
#include <vector>

#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/error.hpp"
#include "s2f/stream/hdf5_export.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/text.hpp"
#include "s2f/cli/stage_options.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::stream;

namespace {

struct ViewOptions {
  std::vector<std::string> inputs{"-"};
  bool header = false, validate = false, bed = false, vcf = false, s2f_out = false, no_header_line = false;
  bool pairs = false;
  int64_t head = -1;
  std::string hdf5;
  bool tracks = false;
  catalog::TrackFilterOptions select;
};

// The catalog (after selection) as TSV: its own columns, one row per track.
void write_tracks(const catalog::TrackCatalog& cat, TextOutput& out) {
  std::string s;
  for (size_t c = 0; c < cat.columns().size(); ++c) s += (c ? "\t" : "") + cat.columns()[c];
  s += "\n";
  for (size_t r = 0; r < cat.size(); ++r) {
    for (size_t c = 0; c < cat.columns().size(); ++c) {
      if (c) s += '\t';
      if (const auto& v = cat.cell(r, c)) s += *v;
    }
    s += '\n';
  }
  out.write(s);
}

int64_t window_length(const Header& h) {
  const auto& m = h.meta;
  if (m.contains("geometry") && m["geometry"].is_object() && m["geometry"].contains("sequence_length") &&
      m["geometry"]["sequence_length"].is_number_integer())
    return m["geometry"]["sequence_length"].get<int64_t>();
  int seq = h.schema.find("seq");
  if (seq >= 0 && h.schema[static_cast<size_t>(seq)].shape.size() == 1) return h.schema[static_cast<size_t>(seq)].shape[0];
  return 0;
}

// Streams joined with --cat must agree on kind and schema.
void check_compatible(const Header& first, const Header& h, const std::string& name) {
  if (h.kind != first.kind || !(h.schema == first.schema))
    fail_input("cannot join streams of different kind or schema (" + first.kind + " vs " + h.kind + ")", name,
               "join only outputs of the same stage run with the same options");
}

}  // namespace

int main(int argc, char** argv) {
  Tool tool("view", "Print, validate, slice, join and convert s2f streams",
            "s2f-view --head 3 windows.s2f        # first records as TSV\n"
            "  s2f-view --header windows.s2f           # header JSON (provenance, catalog, geometry)\n"
            "  s2f-view --validate windows.s2f         # exit 0 only if the stream is whole\n"
            "  s2f-view --s2f -o all.s2f part1.s2f part2.s2f   # join shard outputs\n"
            "  s2f-view --s2f --pairs --shard 2/8 variants.seqs.s2f | s2f-predict ...   # slice 2 of 8, whole variants");
  tool.use(Opt::Output | Opt::Shard | Opt::Compress);
  ViewOptions v;
  auto& app = tool.app();
  app.add_option("inputs", v.inputs, "Input streams (- = stdin); several are joined in order");
  auto* o_header = app.add_flag("--header", v.header, "Print the header as JSON");
  auto* o_validate = app.add_flag("--validate", v.validate, "Read everything and check every checksum and the trailer");
  auto* o_bed = app.add_flag("--bed", v.bed, "Write BED6 (kinds with coordinates)");
  auto* o_vcf = app.add_flag("--vcf", v.vcf, "Write VCF (variants, and ref records of variant windows)");
  auto* o_s2f = app.add_flag("--s2f", v.s2f_out, "Write an s2f stream (for --head, --shard, joining)");
  auto* o_hdf5 = app.add_option("--hdf5", v.hdf5, "Write the records to this HDF5 file instead of TSV (layout: formats/HDF5.md)");
  app.add_flag("--no-header-line", v.no_header_line, "TSV without the column-name line");
  app.add_option("--head", v.head, "Only the first N records");
  app.add_flag("--pairs", v.pairs,
               "With --shard: slice whole variants (a ref record and its alt record) of a variant stream from "
               "s2f-encode --vcf, never cutting between the two (records are checked to alternate ref, alt)");
  auto* o_tracks = app.add_flag("--tracks", v.tracks, "List the stream's track catalog (after --select) as TSV");
  cli::add_track_selection(app, v.select);
  o_header->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_validate->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f);
  o_bed->excludes(o_vcf)->excludes(o_s2f);
  o_vcf->excludes(o_s2f);
  o_hdf5->excludes(o_header);
  o_tracks->excludes(o_header)->excludes(o_validate)->excludes(o_bed)->excludes(o_vcf)->excludes(o_s2f)->excludes(o_hdf5);

  return tool.run(argc, argv, [&](Run& run) {
    if (v.head < -1) fail_usage("--head must be >= 0");
    std::vector<std::unique_ptr<Reader>> readers;
    for (const auto& path : v.inputs) readers.push_back(Reader::open(path));
    const Header& first = readers[0]->header();
    for (size_t i = 1; i < readers.size(); ++i) check_compatible(first, readers[i]->header(), readers[i]->name());

    // Track selection slices per-track fields and the catalog together.
    std::unique_ptr<catalog::StreamTrackFilter> filter;
    bool selecting = !v.select.selects.empty() || !v.select.select_file.empty() || v.select.include_padding;
    if (selecting || v.tracks) filter = std::make_unique<catalog::StreamTrackFilter>(first, v.select);
    if (v.tracks) {
      TextOutput out(run.opt.output);
      write_tracks(filter->catalog(), out);
      out.commit();
      run.records_out = filter->catalog().size();
      return 0;
    }
    if (!selecting) filter.reset();
    const Header& shown = filter ? filter->header() : first;
    Batch sliced;

    if (v.header) {
      TextOutput out(run.opt.output);
      nlohmann::json j = shown.to_json();
      j["version"] = std::to_string(first.version_major) + "." + std::to_string(first.version_minor);
      out.write(j.dump(2) + "\n");
      out.commit();
      return 0;
    }

    // Which global record indices to emit.
    uint64_t lo = 0, hi = UINT64_MAX;
    if (!run.opt.shard.whole()) {
      uint64_t total = 0;
      for (auto& r : readers) {
        auto t = r->peek_total();
        if (!t)
          fail_usage("--shard needs the record count, which a pipe cannot give before it ends (" + r->name() + ")",
                     "write the stream to a file first, or shard at the stage that creates the records");
        total += *t;
      }
      if (v.pairs) {
        if (total % 2)
          fail_input("--pairs: the streams hold " + std::to_string(total) + " records, an odd number, so they are not ref/alt pairs",
                     readers[0]->name(), "use --pairs only on variant streams from s2f-encode --vcf");
        std::tie(lo, hi) = run.opt.shard.range(total / 2);
        lo *= 2;
        hi *= 2;
      } else {
        std::tie(lo, hi) = run.opt.shard.range(total);
      }
    }
    // With --pairs every emitted record at an even index must be a ref window.
    const int allele_field = v.pairs ? shown.schema.find("allele") : -1;
    if (v.pairs && allele_field < 0)
      fail_input("--pairs needs records with an 'allele' field (ref/alt windows)", readers[0]->name(),
                 "use --pairs only on variant streams from s2f-encode --vcf or their predictions");
    if (v.head >= 0) hi = std::min<uint64_t>(hi, lo + static_cast<uint64_t>(v.head));

    std::unique_ptr<Hdf5Export> hdf5;
    if (!v.hdf5.empty()) hdf5 = std::make_unique<Hdf5Export>(v.hdf5, shown);
    Batch selected;
    std::unique_ptr<Writer> writer;
    std::unique_ptr<TextOutput> text;
    std::unique_ptr<CoordinateText> coords;
    std::string line;
    if (v.s2f_out) {
      Header h = make_header(shown.kind, shown.schema, run.provenance(), &shown);
      if (readers.size() > 1) {
        auto parts = nlohmann::json::array();
        for (auto& r : readers) parts.push_back(r->name());
        h.meta["joined_from"] = parts;
      }
      writer = open_writer(run.opt.output, run.opt.zstd_level, std::move(h));
    } else if (!v.validate && (v.hdf5.empty() || v.bed || v.vcf)) {
      text = std::make_unique<TextOutput>(run.opt.output);
      if (v.bed || v.vcf) coords = std::make_unique<CoordinateText>(shown.kind, shown.schema, window_length(shown));
      if (v.vcf) text->write(CoordinateText::vcf_header(std::string("s2f-view ") + version()));
      else if (!v.bed && !v.no_header_line) text->write(tsv_header_line(shown.schema));
    }

    Batch batch;
    uint64_t index = 0;
    bool stop_early = false;
    for (auto& reader : readers) {
      while (!stop_early && reader->next(batch)) {
        run.records_in += batch.size();
        run.progress.tick(run.records_in);
        if (v.validate) continue;
        uint64_t b0 = index, b1 = index + batch.size();
        index = b1;
        if (b1 <= lo) continue;
        if (filter) {  // slice the frame's per-track fields, then proceed as usual
          sliced.reset(shown.schema);
          for (size_t r = 0; r < batch.size(); ++r) filter->copy(batch, r, sliced);
          std::swap(batch, sliced);
        }
        if (b0 >= hi) {
          stop_early = true;
          break;
        }
        size_t r0 = static_cast<size_t>(lo > b0 ? lo - b0 : 0);
        size_t r1 = static_cast<size_t>(std::min<uint64_t>(hi, b1) - b0);
        line.clear();
        if (hdf5) {
          if (r0 == 0 && r1 == batch.size()) {
            hdf5->append(batch);
          } else {
            selected.reset(batch.schema());
            for (size_t r = r0; r < r1; ++r) selected.append_from(batch, r);
            hdf5->append(selected);
          }
        }
        for (size_t r = r0; r < r1; ++r) {
          if (allele_field >= 0) {
            const auto a = batch.scalar<uint8_t>(static_cast<size_t>(allele_field), r);
            const bool even = (b0 + r) % 2 == 0;
            if (a != (even ? 'R' : 'A'))
              fail_input("--pairs: record " + std::to_string(b0 + r) + " is " +
                             (a == 'R' ? "a ref" : a == 'A' ? "an alt" : "a non-variant") + " window where " +
                             (even ? "a ref" : "an alt") + " window was expected",
                         readers[0]->name(), "use --pairs only on streams where every variant is a ref then an alt record");
          }
          if (writer) {
            writer->batch().append_from(batch, r);
            writer->end_record();
            ++run.records_out;
            continue;
          }
          if (v.bed) coords->append_bed(line, batch, r);
          else if (v.vcf) {
            if (!coords->append_vcf(line, batch, r)) continue;
          } else append_tsv_line(line, batch, r);
          ++run.records_out;
        }
        if (text) text->write(line);
        if (b1 >= hi) stop_early = true;
      }
      if (stop_early) break;
    }
    if (hdf5) hdf5->finish();
    if (writer) writer->finish();
    if (text) text->commit();
    if (v.validate) {
      uint64_t frames = 0;
      for (auto& r : readers) frames += r->frames_read();
      run.summary_extra = "valid: " + std::to_string(run.records_in) + " records in " + std::to_string(frames) + " frames";
    }
    return 0;
  });
}
