// Readers of genome and annotation files: what they accept, and that every
// malformed line stops with file:line (or is counted with --skip-bad).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>

#include "s2f/error.hpp"
#include "s2f/genome/annotation.hpp"
#include "s2f/genome/bed.hpp"
#include "s2f/genome/exon_intervals.hpp"
#include "s2f/genome/fasta_records.hpp"
#include "s2f/genome/reference.hpp"
#include "s2f/genome/vcf.hpp"
#include "s2f/text_excerpt.hpp"

using namespace s2f;
using namespace s2f::genome;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "s2f_genome_XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Points the index cache ($XDG_CACHE_HOME) somewhere for one test.
class ScopedCacheHome {
 public:
  explicit ScopedCacheHome(const std::string& dir) {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) saved_ = old;
    setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  }
  ~ScopedCacheHome() {
    if (saved_) setenv("XDG_CACHE_HOME", saved_->c_str(), 1);
    else unsetenv("XDG_CACHE_HOME");
  }

 private:
  std::optional<std::string> saved_;
};

// The names in a directory (recursively), as a sorted list.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) names.push_back(e.path().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string error_where(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.where() + " | " + e.what_part() + " | " + e.fix();
  }
  return "no error";
}

}  // namespace

TEST(Bed, ReadsIntervalsAndSkipsHeaders) {
  TempDir d;
  auto p = d.write("a.bed", "track name=x\n#c\nchr1\t10\t20\tn1\t0\t-\nchr2\t5\t6\n");
  SkipLog log;
  BadLines bad(&log, false);
  BedReader r(p, BedFlavor::bed, 6, bad);
  BedRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.chrom, "chr1");
  EXPECT_EQ(rec.start, 10);
  EXPECT_EQ(rec.end, 20);
  EXPECT_EQ(rec.name, "n1");
  EXPECT_EQ(rec.strand, '-');
  EXPECT_THROW(r.next(rec), Error) << "line 4 has no column 6";
}

TEST(Bed, MalformedLinesNameFileAndLine) {
  TempDir d;
  SkipLog log;
  BadLines bad(&log, false);
  for (const auto& [text, what] : std::vector<std::pair<std::string, std::string>>{
           {"chr1\t5\n", "needs at least 3"},
           {"chr1\tx\t9\n", "not integers"},
           {"chr1\t9\t5\n", "ends before"},
           {"chr1\t-1\t5\n", "negative"},
           {"\t1\t5\n", "empty chromosome"}}) {
    auto p = d.write("bad.bed", "chr1\t1\t2\n" + text);
    BedReader r(p, BedFlavor::bed, 0, bad);
    BedRecord rec;
    ASSERT_TRUE(r.next(rec));
    auto msg = error_where([&] { r.next(rec); });
    EXPECT_NE(msg.find(p + ":2"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(Bed, SkipBadCountsIntoTheSideFile) {
  TempDir d;
  auto p = d.write("bad.bed", "chr1\tx\t2\nchr1\t1\t2\n");
  SkipLog log(d.path() + "/side.tsv");
  BadLines bad(&log, true);
  BedReader r(p, BedFlavor::bed, 0, bad);
  BedRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.start, 1);
  EXPECT_EQ(bad.count(), 1u);
  EXPECT_EQ(log.count(), 1u);
}

TEST(NarrowPeak, SummitAndValidation) {
  TempDir d;
  auto p = d.write("p.narrowPeak", "chr1\t100\t200\tp\t0\t.\t1\t-1\t1\t30\nchr1\t100\t200\tp\t0\t.\t1\t-1\t1\t100\n");
  SkipLog log;
  BadLines bad(&log, false);
  BedReader r(p, BedFlavor::narrowpeak, 0, bad);
  BedRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.summit, 30);
  EXPECT_NE(error_where([&] { r.next(rec); }).find("summit"), std::string::npos);
  EXPECT_TRUE(looks_like_narrowpeak("x.narrowPeak.gz"));
  EXPECT_FALSE(looks_like_narrowpeak("x.bed"));
}

TEST(Vcf, SplitsAltsSkipsSymbolicAndNamesVariants) {
  TempDir d;
  auto p = d.write("v.vcf",
                   "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n"
                   "chr1\t10\trs1\ta\tc,T\n"
                   "chr1\t20\t.\tA\t<DEL>\n"
                   "chr1\t30\t.\tAC\tA\n");
  SkipLog log;
  BadLines bad(&log, false);
  VcfReader r(p, 0, bad, log);
  Variant v;
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.id, "rs1:C");
  EXPECT_EQ(v.pos, 9);
  EXPECT_EQ(v.ref, "A");
  EXPECT_EQ(v.alt, "C");
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.id, "rs1:T");
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.id, "chr1:30:AC:A");
  EXPECT_EQ(v.where, p + ":5");
  EXPECT_FALSE(r.next(v));
  EXPECT_EQ(r.symbolic_skipped(), 1u);
  EXPECT_EQ(log.count(), 1u);
}

TEST(Vcf, ReadsBcfThroughHtslib) {
  TempDir d;
  const std::string path = d.path() + "/v.bcf";
  {  // Write a two-record BCF with htslib, as bcftools would.
    htsFile* fp = hts_open(path.c_str(), "wb");
    ASSERT_NE(fp, nullptr);
    bcf_hdr_t* hdr = bcf_hdr_init("w");
    bcf_hdr_append(hdr, "##contig=<ID=chr1,length=1000>");
    ASSERT_EQ(bcf_hdr_write(fp, hdr), 0);
    bcf1_t* rec = bcf_init();
    for (const char* line : {"chr1\t10\trsA\tA\tG,T\t.\t.\t.", "chr1\t20\t.\tC\t<INV>\t.\t.\t."}) {
      kstring_t ks{0, 0, nullptr};
      kputs(line, &ks);
      ASSERT_EQ(vcf_parse(&ks, hdr, rec), 0);
      ASSERT_EQ(bcf_write(fp, hdr, rec), 0);
      free(ks.s);
    }
    bcf_destroy(rec);
    bcf_hdr_destroy(hdr);
    hts_close(fp);
  }
  SkipLog log;
  BadLines bad(&log, false);
  VcfReader r(path, 0, bad, log);
  Variant v;
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.id, "rsA:G");
  EXPECT_EQ(v.pos, 9);
  ASSERT_TRUE(r.next(v));
  EXPECT_EQ(v.alt, "T");
  EXPECT_FALSE(r.next(v));
  EXPECT_EQ(r.symbolic_skipped(), 1u);
  EXPECT_THROW(VcfReader(path, 9, bad, log), Error) << "--strand-column needs text VCF";
}

TEST(Vcf, UnencodableAltReasons) {
  EXPECT_NE(unencodable_alt_reason("<INS>").find("symbolic"), std::string::npos);
  EXPECT_NE(unencodable_alt_reason("G]17:198982]").find("breakend"), std::string::npos);
  EXPECT_NE(unencodable_alt_reason(".A").find("single breakend"), std::string::npos);
  EXPECT_NE(unencodable_alt_reason("*").find("upstream deletion"), std::string::npos);
  EXPECT_EQ(unencodable_alt_reason("ACGT"), "");
}

TEST(Vcf, MalformedLines) {
  TempDir d;
  SkipLog log;
  BadLines bad(&log, false);
  for (const auto& [line, what] : std::vector<std::pair<std::string, std::string>>{
           {"chr1\t0\t.\tA\tC", "POS"}, {"chr1\t5\t.\tQ\tC", "REF"}, {"chr1\t5\t.\tA\tCZ", "ALT"},
           {"chr1\t5\t.\tA", "needs at least 5"}}) {
    auto p = d.write("bad.vcf", "#CHROM\tPOS\tID\tREF\tALT\n" + line + "\n");
    VcfReader r(p, 0, bad, log);
    Variant v;
    auto msg = error_where([&] { r.next(v); });
    EXPECT_NE(msg.find(p + ":2"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(Annotation, GtfGenesTranscriptsAndStrandAwareTss) {
  TempDir d;
  auto p = d.write("g.gtf",
                   "chr1\tx\tgene\t101\t200\t.\t-\t.\tgene_id \"G1\"; gene_type \"protein_coding\"; gene_name \"A\";\n"
                   "chr1\tx\ttranscript\t101\t180\t.\t-\t.\tgene_id \"G1\"; transcript_id \"T1\"; gene_type \"protein_coding\";\n"
                   "chr1\tx\texon\t101\t120\t.\t-\t.\tgene_id \"G1\"; transcript_id \"T1\";\n");
  SkipLog log;
  BadLines bad(&log, false);
  auto a = read_annotation(p, bad);
  ASSERT_EQ(a.genes.size(), 1u);
  EXPECT_EQ(a.genes[0].start, 100);
  EXPECT_EQ(a.genes[0].end, 200);
  EXPECT_EQ(a.genes[0].tss(), 199);
  EXPECT_EQ(a.genes[0].type, "protein_coding");
  EXPECT_EQ(a.genes[0].name, "A");
  ASSERT_EQ(a.transcripts.size(), 1u);
  EXPECT_EQ(a.transcripts[0].id, "T1");
  EXPECT_EQ(a.transcripts[0].tss(), 179);
  EXPECT_EQ(a.exons.size(), 1u);
  EXPECT_TRUE(a.has_types);
}

TEST(Annotation, Gff3AndGenesFromTranscripts) {
  TempDir d;
  auto p = d.write("g.gff3",
                   "##gff-version 3\n"
                   "chr2\tx\tmRNA\t11\t50\t.\t+\t.\tID=T1;Parent=G9;gene_type=lncRNA\n"
                   "chr2\tx\tmRNA\t5\t40\t.\t+\t.\tID=T2;Parent=G9;gene_type=lncRNA\n");
  SkipLog log;
  BadLines bad(&log, false);
  auto a = read_annotation(p, bad);
  ASSERT_EQ(a.genes.size(), 1u);
  EXPECT_EQ(a.genes[0].id, "G9");
  EXPECT_EQ(a.genes[0].start, 4);
  EXPECT_EQ(a.genes[0].end, 50);
  EXPECT_EQ(a.genes[0].type, "lncRNA");
  EXPECT_EQ(a.transcripts[0].tss(), 10);
}

TEST(Annotation, MalformedLines) {
  TempDir d;
  SkipLog log;
  BadLines bad(&log, false);
  auto p = d.write("b.gtf", "chr1\tx\tgene\t10\t5\t.\t+\t.\tgene_id \"G\";\n");
  auto msg = error_where([&] { read_annotation(p, bad); });
  EXPECT_NE(msg.find(p + ":1"), std::string::npos) << msg;
  p = d.write("b.gtf", "chr1\tx\tgene\t1\t5\t.\t?\t.\tgene_id \"G\";\n");
  EXPECT_NE(error_where([&] { read_annotation(p, bad); }).find("strand"), std::string::npos);
}

// Exons for exon-precise per-bin draws: protein-coding, basic when the file
// tags basic, merged per chromosome (touching intervals join).
TEST(ExonIntervals, ProteinCodingBasicExonsMergedPerChromosome) {
  TempDir d;
  const std::string pc = "gene_type \"protein_coding\"; transcript_type \"protein_coding\";";
  auto p = d.write("e.gtf",
                   "chr1\tx\texon\t11\t20\t.\t+\t.\tgene_id \"G\"; " + pc + " tag \"CCDS\"; tag \"basic\";\n"
                   "chr1\tx\texon\t21\t30\t.\t+\t.\tgene_id \"G\"; " + pc + " tag \"basic\";\n"      // touches: merged
                   "chr1\tx\texon\t41\t50\t.\t+\t.\tgene_id \"G\"; " + pc + "\n"                     // not basic
                   "chr1\tx\texon\t61\t70\t.\t+\t.\tgene_id \"G\"; gene_type \"protein_coding\"; "
                   "transcript_type \"nonsense_mediated_decay\"; tag \"basic\";\n"                             // not coding
                   "2\tx\texon\t5\t5\t.\t-\t.\tgene_id \"H\"; gene_type \"protein_coding\"; tag \"basic\";\n");
  auto e = ExonIntervals::read(p);
  EXPECT_EQ(e.exon_lines(), 5u);
  EXPECT_EQ(e.kept(), 3u);
  EXPECT_EQ(e.merged(), 2u);
  ASSERT_NE(e.chromosome("chr1"), nullptr);
  EXPECT_EQ(*e.chromosome("chr1"), (std::vector<ExonIntervals::Interval>{{10, 30}}));
  EXPECT_TRUE(e.overlaps("chr1", 29, 40));
  EXPECT_FALSE(e.overlaps("chr1", 30, 60));  // half-open: 30 is past the exon
  EXPECT_FALSE(e.overlaps("chr1", 0, 10));
  EXPECT_TRUE(e.overlaps("chr2", 4, 5));    // "chr2" finds Ensembl's "2"
  EXPECT_FALSE(e.overlaps("chr3", 0, 100));
}

TEST(ExonIntervals, UntypedFilesKeepEveryExonAndErrorsNameTheLine) {
  TempDir d;
  auto p = d.write("u.gtf", "chr1\tx\texon\t1\t10\t.\t+\t.\tgene_id \"G\"; transcript_id \"T\";\n");
  auto e = ExonIntervals::read(p);
  EXPECT_FALSE(e.typed());
  EXPECT_EQ(e.merged(), 1u);
  p = d.write("b.gtf", "chr1\tx\texon\t1\t10\t.\t+\t.\tgene_id \"G\";\nchr1\tx\texon\t1\n");
  EXPECT_NE(error_where([&] { ExonIntervals::read(p); }).find(p + ":2"), std::string::npos);
  p = d.write("n.gtf", "chr1\tx\texon\t1\t10\t.\t+\t.\tgene_id \"G\"; gene_type \"lncRNA\";\n");
  EXPECT_NE(error_where([&] { ExonIntervals::read(p); }).find("protein_coding"), std::string::npos);
  p = d.write("g.gtf", "chr1\tx\tgene\t1\t10\t.\t+\t.\tgene_id \"G\";\n");
  EXPECT_NE(error_where([&] { ExonIntervals::read(p); }).find("no exon lines"), std::string::npos);
}

TEST(FastaRecords, StreamsRecords) {
  TempDir d;
  auto p = d.write("r.fa", ">a desc\nAC\nGT\n\n>b\nN\n");
  SkipLog log;
  BadLines bad(&log, false);
  FastaRecordReader r(p, bad);
  SequenceRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.id, "a");
  EXPECT_EQ(rec.bases, "ACGT");
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.id, "b");
  EXPECT_FALSE(r.next(rec));
}

TEST(Reference, PlainFastaIndexedAndNormalised) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  fs::create_directory(d.path() + "/genome");
  auto p = d.write("genome/g.fa", ">c1 x\nACGTacgtNR\nAC\n>c2\nTTTT\n");
  auto g = ReferenceGenome::open(p);
  ASSERT_EQ(g->contigs().size(), 2u);
  EXPECT_EQ(g->contigs()[0].name, "c1");
  EXPECT_EQ(g->contigs()[0].length, 12);
  EXPECT_EQ(g->fetch(0, 2, 12), "GTACGTNNAC");
  EXPECT_EQ(g->find("c2"), 1);
  // The index went to the cache, never next to the FASTA.
  EXPECT_EQ(listing(d.path() + "/genome"), std::vector<std::string>{p});
  auto cached = listing(d.path() + "/cache/s2f/fai");
  ASSERT_EQ(cached.size(), 1u);
  EXPECT_EQ(cached[0].substr(cached[0].size() - 4), ".fai");
  std::ifstream in(cached[0]);
  std::string fai((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(fai, "c1\t12\t6\t10\t11\nc2\t4\t24\t4\t5\n");  // samtools faidx's lines
  ContigCache cache(*g, 1);
  EXPECT_EQ(*cache.get(1), "TTTT");
  EXPECT_EQ(*cache.get(0), "ACGTACGTNNAC");  // over budget: the previous contig is evicted
  EXPECT_EQ(*cache.get(1), "TTTT");
  EXPECT_EQ(cache.loads(), 3u);
}

TEST(Reference, CrlfLinesAndBgzf) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  auto p = d.write("crlf.fa", ">c1\r\nACGTA\r\nCCGGT\r\nAA\r\n>c2\r\nGGG\r\n");
  auto g = ReferenceGenome::open(p);
  EXPECT_EQ(g->fetch_contig(0), "ACGTACCGGTAA");
  EXPECT_EQ(g->fetch_contig(1), "GGG");
  EXPECT_EQ(g->fetch(0, 4, 7), "ACC");
  auto plain = d.write("b.fa", ">c1\nACGTA\nCCGGT\nAA\n>c2\nggg\n");
  if (std::system(("bgzip -c " + plain + " > " + plain + ".gz 2>/dev/null").c_str()) != 0)
    GTEST_SKIP() << "bgzip not installed";
  auto z = ReferenceGenome::open(plain + ".gz");
  EXPECT_EQ(z->fetch_contig(0), "ACGTACCGGTAA");
  EXPECT_EQ(z->fetch_contig(1), "GGG");
  EXPECT_EQ(z->fetch(0, 4, 7), "ACC");
  EXPECT_FALSE(fs::exists(plain + ".gz.fai") || fs::exists(plain + ".gz.gzi"));
  size_t gzi = 0;
  for (const auto& f : listing(d.path() + "/cache/s2f/fai"))
    gzi += fs::path(f).filename().string().starts_with("b.fa.gz.") && f.ends_with(".gzi") ? 1 : 0;
  EXPECT_EQ(gzi, 1u) << "the BGZF index (.gzi) is cached with the .fai";
}

TEST(Reference, IndexBesideTheFastaIsUsedAndNothingIsCached) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  auto p = d.write("g.fa", ">c1\nACGTA\nCC\n>c2\nGG\n");
  // A hand-written index saying c2 is c1's first 2 bases: it is used as it is.
  d.write("g.fa.fai", "c1\t7\t4\t5\t6\nc2\t2\t4\t5\t6\n");
  auto g = ReferenceGenome::open(p);
  EXPECT_EQ(g->fetch_contig(1), "AC");
  EXPECT_FALSE(fs::exists(d.path() + "/cache/s2f/fai") && !listing(d.path() + "/cache/s2f/fai").empty());
}

TEST(Reference, UnwritableCacheBuildsTheIndexInMemory) {
  TempDir d;
  d.write("a_file", "");
  ScopedCacheHome cache_home(d.path() + "/a_file/cache");  // cannot be made, even by root
  auto p = d.write("g.fa", ">c1\nACGTA\nCC\n>c2\nGG\n");
  const auto before = listing(d.path());
  auto g = ReferenceGenome::open(p);
  EXPECT_EQ(g->fetch_contig(0), "ACGTACC");
  EXPECT_EQ(g->fetch(1, 0, 2), "GG");
  EXPECT_EQ(g->describe()["fai_size_bytes"], 23);  // "c1\t7\t4\t5\t6\n" "c2\t2\t17\t2\t3\n"
  EXPECT_EQ(listing(d.path()), before) << "nothing written anywhere";
  unsetenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::string saved_home = home ? home : "";
  unsetenv("HOME");  // no cache directory at all
  auto h = ReferenceGenome::open(p);
  if (!saved_home.empty()) setenv("HOME", saved_home.c_str(), 1);
  EXPECT_EQ(h->fetch_contig(1), "GG");
  EXPECT_EQ(listing(d.path()), before);
}

TEST(Reference, AnEditedFastaGetsAFreshIndex) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  auto p = d.write("g.fa", ">c1\nACGT\n");
  EXPECT_EQ(ReferenceGenome::open(p)->contigs().size(), 1u);
  d.write("g.fa", ">c1\nACGT\n>c2\nTTGGA\n");  // the same path, another size
  auto g = ReferenceGenome::open(p);
  ASSERT_EQ(g->contigs().size(), 2u);
  EXPECT_EQ(g->fetch_contig(1), "TTGGA");
  EXPECT_EQ(listing(d.path() + "/cache/s2f/fai").size(), 2u);
}

TEST(Reference, MissingFileAndUnreadableIndexBeside) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  auto msg = error_where([&] { ReferenceGenome::open(d.path() + "/none.fa"); });
  EXPECT_NE(msg.find("not found"), std::string::npos);
  auto p = d.write("g.fa", ">c1\nACGT\n");
  fs::create_directory(p + ".fai");  // an index beside the FASTA that is none
  msg = error_where([&] { ReferenceGenome::open(p); });
  EXPECT_NE(msg.find("samtools faidx"), std::string::npos) << msg;
  EXPECT_NE(msg.find("g.fa.fai"), std::string::npos) << msg;
}

TEST(Reference, RealExcerptFirstBases) {
  const std::string src = std::string(S2F_SOURCE_DIR) + "/../shared/data/genome/hg38-chr22-excerpt/"
                          "hg38_chr22_32000000_32300000.fa";
  if (!fs::exists(src)) GTEST_SKIP() << "real data not present: " << src;
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  const auto before = listing(fs::path(src).parent_path().string());
  auto g = ReferenceGenome::open(src);
  EXPECT_EQ(listing(fs::path(src).parent_path().string()), before) << "nothing written into the shared data";
  ASSERT_EQ(g->contigs().size(), 1u);
  EXPECT_EQ(g->contigs()[0].name, "chr22");
  EXPECT_EQ(g->contigs()[0].length, 300000);
  EXPECT_EQ(g->fetch(0, 0, 20), "AAGTTCCGGGATACATGTGC");
}

// Reliability audit (D14/D16/D19/D7): the one excerpt helper, empty files,
// duplicate contigs, malformed GTF attribute columns.
TEST(TextExcerpt, BoundsLengthAndEscapesBytes) {
  EXPECT_EQ(text_excerpt("chr1\t10"), "chr1 10");
  EXPECT_EQ(text_excerpt(std::string("a\x01\xff\x7f", 4)), "a\\x01\\xff\\x7f");
  const std::string big(50'000'000, 'x');
  const std::string e = text_excerpt(big);
  EXPECT_LT(e.size(), 120u);
  EXPECT_NE(e.find("... (50000000 bytes)"), std::string::npos) << e;
}

TEST(TextLines, EmptyFileIsAnErrorNamingIt) {
  TempDir d;
  auto p = d.write("empty.bed", "");
  SkipLog log;
  BadLines bad(&log, false);
  auto msg = error_where([&] { BedReader r(p, BedFlavor::bed, 0, bad); });
  EXPECT_NE(msg.find("is empty"), std::string::npos) << msg;
  EXPECT_NE(msg.find(p), std::string::npos) << msg;
}

TEST(Vcf, NoChromHeaderIsNotAVcf) {
  TempDir d;
  auto p = d.write("x.vcf", "<html>\tnot\ta\tvcf\tat all\n");
  SkipLog log;
  BadLines bad(&log, false);
  VcfReader r(p, 0, bad, log);
  Variant v;
  auto msg = error_where([&] { r.next(v); });
  EXPECT_NE(msg.find("not a VCF: no #CHROM header line"), std::string::npos) << msg;
  EXPECT_NE(msg.find(p + ":1"), std::string::npos) << msg;
}

TEST(Annotation, MalformedAttributeColumnNamesFileLine) {
  TempDir d;
  SkipLog log;
  BadLines bad(&log, false);
  for (const char* attrs : {"gene_id \"G; gene_type \"x\";", "gene_id", "=G;"}) {
    auto p = d.write("a.gtf", std::string("chr1\tx\tgene\t1\t5\t.\t+\t.\t") + attrs + "\n");
    auto msg = error_where([&] { read_annotation(p, bad); });
    EXPECT_NE(msg.find(p + ":1"), std::string::npos) << attrs << ": " << msg;
    EXPECT_NE(msg.find("attribute"), std::string::npos) << attrs << ": " << msg;
  }
  // Semicolons inside quotes, GFF3 and "." are fine.
  for (const char* attrs : {"gene_id \"G\"; note \"a;b\";", "ID=G;Name=A", "."}) {
    auto p = d.write("a.gtf", std::string("chr1\tx\tgene\t1\t5\t.\t+\t.\t") + attrs + "\n");
    EXPECT_EQ(read_annotation(p, bad).genes.size(), 1u) << attrs;
  }
}

TEST(Reference, DuplicateContigNameIsRefusedNamingBothLines) {
  TempDir d;
  ScopedCacheHome cache_home(d.path() + "/cache");
  auto p = d.write("dup.fa", ">c1\nACGT\n>c2\nAC\n>c1 again\nGG\n");
  auto msg = error_where([&] { ReferenceGenome::open(p); });
  EXPECT_NE(msg.find("'c1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("lines 1 and 5"), std::string::npos) << msg;
}
