// s2f-encode: positions, intervals, variants and sequences in; fixed-length
// windows of base codes out (a `sequences` stream). The window arithmetic is
// in libcommon/src/genome/WINDOWS.md and in --help below.
#include <string>

#include "s2f/cli/stage_options.hpp"
#include "s2f/genome/encode_run.hpp"
#include "s2f/tool.hpp"

using namespace s2f;
using namespace s2f::genome;

namespace {

constexpr const char* kWindowRules = R"(
Windows (L = --length; positions are 0-based):
  position p         window [p - floor(L/2), p - floor(L/2) + L); p sits at index floor(L/2)
                     (odd L: the centre; even L: first base right of the middle).
  BED interval       p = start + floor((end - start)/2); narrowPeak: p = start + summit.
  variant (VCF POS)  p = POS - 1; REF's first base at index I = ceil(L/2) - 1 - floor(len(REF)/2)
                     (Selene: a SNV at L/2 - 1 for even L), or I = --variant-index.
                     REF window = genome[p - I, p - I + L) with the VCF REF written at [I, I+len(REF)).
                     ALT window = genome[.., p) + ALT + genome[p + len(REF), ..), kept L long:
                     insertion of d extra bases: floor(d/2) cropped left, ceil(d/2) right;
                     deletion of k bases: floor(k/2) more genome bases on the left, ceil(k/2) right.
  strand '-'         both windows reverse-complemented after they are built ('.' counts as '+').
  --windows selene   variants placed exactly as Selene places them (WINDOWS.md, "Selene's windows"):
                     REF window genome[POS + floor(r/2) - floor(L/2), +L) (POS 1-based), so a SNV
                     sits at L//2 - 1 for odd L too; Selene's insertion cropping and deletion
                     joining; '-' windows fetched reverse-complemented with the alleles placed on
                     them; VCF '-' and '*' alleles read as empty and every allele of a
                     multi-allelic record named by its ID, as Selene reads them.
  FASTA/sequence     shorter than L: N-padded floor((L-n)/2) left, the rest right;
                     longer: floor((n-L)/2) bases dropped on the left, centre kept.
Records whose window leaves the chromosome, on unknown chromosomes, or otherwise skipped go to
the side file (--skipped; default OUTPUT.skipped.tsv, none on stdout) with the reason, and are counted in the run summary.
Input: an s2f stream (positions, intervals or variants; default stdin) or a file whose format is
taken from its name (.vcf[.gz], .bcf, .bed[.gz], .narrowPeak[.gz], .fa/.fasta/.fna[.gz]);
--bed/--narrowpeak/--vcf/--fasta-records/--sequences name the format explicitly.)";

}  // namespace

int main(int argc, char** argv) {
  Tool tool("encode", "Turn positions, intervals, variants or sequences into fixed-length windows",
            "ln -s demo-out/genome demo    # the README demo's genome (./dev.sh demo): genes, cCREs, peaks, variants\n"
            "  s2f-encode -g demo/genome.fa -L 1000 --vcf demo/variants.vcf -o windows.s2f   # skips -> windows.s2f.skipped.tsv\n"
            "  s2f-encode -g demo/genome.fa -L 2114 demo/peaks.narrowPeak | s2f-view --head 3\n"
            "  s2f-encode -g demo/genome.fa -L 1000 --windows selene --vcf demo/variants.vcf -o selene.s2f   # Selene's windows\n"
            "  s2f-encode -g demo/genome.fa -L 1000 --vcf a.vcf --vcf b.vcf -o ab.s2f   # records tagged a / b (source)\n"
            "  s2f-encode -g demo/genome.fa -L 1000 --bed regions.bed --selene-labels -o regions.s2f   # Selene row labels\n"
            "  s2f-sample-positions -g demo/genome.fa --annotation demo/genes.gtf --strategy tss --count 10 \\\n"
            "    | s2f-encode -g demo/genome.fa -L 2114 | s2f-view --head 3\n" +
                std::string(kWindowRules));
  tool.use(Opt::Output | Opt::Threads | Opt::Compress | Opt::Skipped | Opt::Seed);
  EncodeRequest o;
  auto& app = tool.app();
  app.add_option("input", o.input, "s2f stream or a file with a recognised extension (- = stdin stream)");
  app.add_option("-g,--genome", o.genome,
                 "Reference FASTA (plain or BGZF): its .fai (.gzi) beside it is used; without one, an index is built in "
                 "$XDG_CACHE_HOME/s2f (or memory), never next to the FASTA");
  app.add_option("-L,--length", o.length, "Window length in bases")->required();
  app.add_option("--bed", o.bed, "BED file (3+ columns); window centred on each interval's midpoint");
  app.add_option("--narrowpeak", o.narrowpeak, "narrowPeak file; window centred on each summit");
  app.add_option("--vcf", o.vcf,
                 "VCF/BCF file: a REF and an ALT window per ALT allele; repeat for several files in one run (each "
                 "record's `source` field names its file by its Selene prefix, the name without its last extension, "
                 "and s2f-score --tsv/--hdf5 DIR/ writes DIR/<prefix>_... per file)")
      ->allow_extra_args(false);
  app.add_option("--fasta-records", o.fasta_records, "FASTA whose records are padded/cropped to L (no genome needed)");
  app.add_option("--sequences", o.sequences, "Text file with one SEQ or ID<TAB>SEQ per line (no genome needed)");
  app.add_option("--variant-index", o.variant_index,
                 "Index (0-based) of the first REF base in the window, instead of ceil(L/2)-1-floor(len(REF)/2)");
  app.add_option("--windows", o.windows,
                 "Variant window rule: s2f (default, the rule above) or selene (Selene's windows, base for base)")
      ->capture_default_str();
  app.add_option("--strand-column", o.strand_column, "1-based column of BED/VCF lines holding +, - or .");
  app.add_option("--strand-index", o.strand_index,
                 "The same column 0-based, as Selene's strand_index (--strand-index 7 = --strand-column 8)");
  app.add_flag("--require-strand", o.require_strand, "Send records with strand '.' to the side file instead of using +");
  app.add_option("--selene-na", o.selene_na,
                 "Also list the VCF records whose windows leave the chromosome (or whose chromosome is unknown) as "
                 "Selene's .NA file does: chrom, POS, ID, REF, ALT, strand; s2f-score --tsv/--hdf5 copies it to "
                 "PREFIX.NA; with several --vcf, a directory DIR/ receiving DIR/<prefix>.NA per file (Selene renames "
                 "chrMT to chrM in these lines when the genome has no chrMT, as Selene does)");
  app.add_flag("--selene-labels", o.selene_labels,
               "BED/FASTA: give every record Selene's row label (BED: index chrom start end strand, index the 0-based "
               "line; FASTA: index name), so that s2f-score --tsv/--hdf5 DIR/ writes Selene's "
               "DIR/<prefix>_predictions.tsv/.h5 (prefix: the input's name without its last extension)");
  app.add_flag("--skip-bad", o.skip_bad, "Count malformed lines and write them to the side file instead of stopping");
  cli::add_null_option(app, o.null);
  app.add_option("--cache-mb", o.cache_mb, "Whole contigs kept in memory (MB; the current one is always kept)")
      ->capture_default_str();

  return tool.run(argc, argv, [&](Run& run) {
    run_encode(o, run);
    return 0;
  });
}
