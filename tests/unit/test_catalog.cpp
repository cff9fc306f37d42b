// Track catalog and selection, on the real AlphaGenome catalogs (skipped
// when the shared data folder is absent) and on small inline catalogs.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "s2f/catalog/track_catalog.hpp"
#include "s2f/catalog/track_masks.hpp"
#include "s2f/catalog/track_selector.hpp"
#include "s2f/error.hpp"
#include "s2f/utf8.hpp"
#include "test_support.hpp"

using namespace s2f;
using namespace s2f::catalog;

using s2f::testing_support::error_of;

namespace {

std::string data_dir() { return std::string(S2F_SOURCE_DIR) + "/../shared/data/catalogs"; }
std::string human() { return data_dir() + "/alphagenome_human_tracks.tsv"; }
std::string mouse() { return data_dir() + "/alphagenome_mouse_tracks.tsv"; }

#define REQUIRE_CATALOG(path)                                                     \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "real catalog absent: " << (path)

// Counts real tracks with awk, independently of the C++ parser (padding is
// the name "padding" in any case, as AlphaGenome's rule). `cond` is an
// awk condition over c["column"] (column numbers read from the header).
long awk_count(const std::string& path, const std::string& cond) {
  std::string cmd = "awk -F'\\t' 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} tolower($c[\"track_name\"])!=\"padding\" && (" +
                    cond + "){n++} END{print n+0}' '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  long n = -1;
  if (std::fscanf(p, "%ld", &n) != 1) n = -1;
  pclose(p);
  return n;
}

std::map<std::string, size_t> head_counts(const TrackCatalog& c) {
  std::map<std::string, size_t> m;
  for (const auto& h : c.heads()) m[h.name] = h.rows.size();
  return m;
}

const char* kSmall =
    "track_index\ttrack_name\toutput_type\tstrand\tbiosample_name\ttranscription_factor\tgenetically_modified\textra\n"
    "0\tA\tchip_tf\t.\tHepG2\tCTCF\t\tx\n"
    "1\tB\tchip_tf\t.\tK562\tCTCF\tfalse\ty\n"
    "2\tPadding\tchip_tf\t.\t\t\t\t\n"
    "0\tC\trna_seq\t+\tCD14-positive, CD16-negative classical monocyte\t\t\t\n"
    "1\tC\trna_seq\t-\tliver\t\t\t\n"
    "2\tD\trna_seq\t.\tliver\n";

}  // namespace

TEST(TrackCatalog, RealHumanHeadsHaveTheDocumentedRealTrackCounts) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human());
  auto m = head_counts(c);
  std::map<std::string, size_t> want = {{"atac", 167},     {"dnase", 305},   {"procap", 12},
                                        {"cage", 546},     {"rna_seq", 667}, {"chip_tf", 1617},
                                        {"chip_histone", 1116}, {"contact_maps", 28}};
  for (const auto& [head, n] : want) EXPECT_EQ(m[head], n) << head;
  for (size_t r = 0; r < c.size(); ++r) ASSERT_FALSE(c.is_padding(r));
}

TEST(TrackCatalog, RealMouseHeadsHaveTheDocumentedRealTrackCounts) {
  REQUIRE_CATALOG(mouse());
  auto m = head_counts(TrackCatalog::load_tsv(mouse()));
  std::map<std::string, size_t> want = {{"atac", 18},     {"dnase", 67},         {"cage", 188},
                                        {"rna_seq", 173}, {"chip_tf", 127},      {"chip_histone", 183},
                                        {"contact_maps", 8}};
  for (const auto& [head, n] : want) EXPECT_EQ(m[head], n) << head;
  EXPECT_EQ(m.count("procap"), 0u) << "mouse procap is all padding";
}

TEST(TrackCatalog, KeepingPaddingGivesRawTensorWidthsAndAMask) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human(), {.keep_padding = true});
  EXPECT_EQ(c.size(), 6126u);
  auto m = head_counts(c);
  EXPECT_EQ(m["atac"], 256u);
  EXPECT_EQ(m["chip_tf"], 1664u);
  const auto& atac = c.head("atac");
  size_t real = 0;
  for (size_t p = 0; p < atac.rows.size(); ++p) {
    EXPECT_EQ(c.channel(atac.rows[p]), static_cast<int64_t>(p)) << "track_index is the raw channel";
    real += c.is_padding(atac.rows[p]) ? 0 : 1;
  }
  EXPECT_EQ(real, 167u);
  EXPECT_EQ(c.strip_padding().size(), TrackCatalog::load_tsv(human()).size());
}

TEST(TrackCatalog, JsonRoundTripIsLosslessAndIdsAreUnique) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human());
  c.set_resolutions("atac", {1, 128});
  auto j = c.to_json();
  auto back = TrackCatalog::from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.to_json(), j);
  EXPECT_EQ(back.head("atac").resolutions, (std::vector<int>{1, 128}));
  auto ids = back.track_ids();
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_EQ(ids.front(), "atac/CL:0000084 ATAC-seq");
}

TEST(TrackSelector, CtcfWithNullGeneticModificationMatchesAwk) {
  REQUIRE_CATALOG(human());
  const std::string tf = "$c[\"transcription_factor\"]==\"CTCF\"", gm = "$c[\"genetically_modified\"]";
  for (const auto& path : {human(), mouse()}) {
    auto c = TrackCatalog::load_tsv(path);
    // In this catalog every CTCF track records genetically_modified, so the
    // null selection is empty: allowed, it must agree with awk (0); by
    // default it is an error that shows the values that do exist.
    auto none = TrackSelector(c).where("transcription_factor=CTCF").where("genetically_modified=").allow_empty().run();
    EXPECT_EQ(static_cast<long>(none.count()), awk_count(path, tf + " && " + gm + "==\"\"")) << path;
    std::string m = error_of([&] { TrackSelector(c).where("transcription_factor=CTCF").where("genetically_modified=").run(); });
    EXPECT_NE(m.find("values of genetically_modified: false"), std::string::npos) << m;

    for (const char* value : {"false", "true"}) {
      auto r = TrackSelector(c)
                   .where("transcription_factor=CTCF")
                   .where(std::string("genetically_modified=") + value)
                   .allow_empty()
                   .run();
      long want = awk_count(path, tf + " && " + gm + "==\"" + value + "\"");
      if (std::string(value) == "false") {
        ASSERT_GT(want, 0) << path;
      }
      EXPECT_EQ(static_cast<long>(r.count()), want) << path << " " << value;
      if (want == 0) continue;
      ASSERT_EQ(r.heads.size(), 1u);
      EXPECT_EQ(r.heads[0].head, "chip_tf");
      for (size_t i = 0; i < r.heads[0].rows.size(); ++i) {
        EXPECT_EQ(c.get(r.heads[0].rows[i], "transcription_factor"), "CTCF");
        EXPECT_EQ(c.channel(r.heads[0].rows[i]), r.heads[0].channels[i]);
        EXPECT_EQ(c.head("chip_tf").rows[r.heads[0].positions[i]], r.heads[0].rows[i]);
      }
    }
    // The null selection itself is not empty: it matches the heads that
    // never record the field.
    auto nulls = TrackSelector(c).where("genetically_modified=").run();
    EXPECT_EQ(static_cast<long>(nulls.count()), awk_count(path, gm + "==\"\"")) << path;
    EXPECT_TRUE(nulls.head("cage") != nullptr);
  }
}

TEST(TrackSelector, AnyOfAndCrossHeadSelectionsMatchAwk) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human());
  struct Case {
    std::vector<std::string> sel;
    std::string awk;
  };
  std::vector<Case> cases = {
      {{"output_type=rna_seq", "strand=+,-"},
       "$c[\"output_type\"]==\"rna_seq\" && ($c[\"strand\"]==\"+\" || $c[\"strand\"]==\"-\")"},
      {{"transcription_factor=CTCF,FOXA1"}, "$c[\"transcription_factor\"]==\"CTCF\" || $c[\"transcription_factor\"]==\"FOXA1\""},
      {{"biosample_type=tissue"}, "$c[\"biosample_type\"]==\"tissue\""},
      {{"histone_mark=H3K27ac", "biosample_name=liver"},
       "$c[\"histone_mark\"]==\"H3K27ac\" && $c[\"biosample_name\"]==\"liver\""},
      {{"biosample_name=CD14-positive, CD16-negative classical monocyte"},
       "$c[\"biosample_name\"]==\"CD14-positive, CD16-negative classical monocyte\""},
  };
  for (const auto& k : cases) {
    TrackSelector s(c);
    for (const auto& x : k.sel) s.where(x);
    EXPECT_EQ(static_cast<long>(s.run().count()), awk_count(human(), k.awk)) << k.sel[0];
  }
  auto tissue = TrackSelector(c).where("biosample_type=tissue").run();
  EXPECT_GT(tissue.heads.size(), 3u) << "selections span heads";
}

TEST(TrackSelector, SelectFileLinesAreAnded) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human());
  std::string path = (std::filesystem::temp_directory_path() / "s2f-select-test.txt").string();
  {
    std::ofstream f(path);
    f << "# CTCF in unmodified samples\ntranscription_factor=CTCF\n\n  genetically_modified=false\n";
  }
  auto a = TrackSelector(c).where_file(path).run();
  auto b = TrackSelector(c).where("transcription_factor=CTCF").where("genetically_modified=false").run();
  std::filesystem::remove(path);
  EXPECT_EQ(a.rows, b.rows);
}

TEST(TrackSelector, NoMatchNamesTheFieldAndExistingValues) {
  auto c = TrackCatalog::parse_tsv(kSmall, "small.tsv");
  std::string m = error_of([&] { TrackSelector(c).where("transcription_factor=NOPE").run(); });
  EXPECT_NE(m.find("no track matches transcription_factor=NOPE"), std::string::npos) << m;
  EXPECT_NE(m.find("values of transcription_factor: CTCF"), std::string::npos) << m;
  EXPECT_EQ(TrackSelector(c).where("transcription_factor=NOPE").allow_empty().run().count(), 0u);
}

TEST(TrackSelector, UnknownFieldListsTheFields) {
  auto c = TrackCatalog::parse_tsv(kSmall, "small.tsv");
  std::string m = error_of([&] { TrackSelector(c).where("tissue=liver").run(); });
  EXPECT_NE(m.find("unknown catalog field 'tissue'"), std::string::npos) << m;
  EXPECT_NE(m.find("biosample_name"), std::string::npos) << m;
  EXPECT_NE(error_of([] { Selection::parse("no-equals-sign"); }).find("not field=value"), std::string::npos);
}

TEST(TrackCatalog, SmallCatalogNullsPaddingExtrasAndEscapedCommas) {
  auto c = TrackCatalog::parse_tsv(kSmall, "small.tsv");
  EXPECT_EQ(c.size(), 5u) << "padding stripped by default";
  EXPECT_EQ(c.get(0, "extra"), "x") << "extra columns kept";
  EXPECT_FALSE(c.get(0, "genetically_modified").has_value()) << "empty cell is null";
  EXPECT_FALSE(c.get(4, "genetically_modified").has_value()) << "short row padded with nulls";
  EXPECT_EQ(c.track_id(2), "rna_seq/C/+");
  EXPECT_EQ(c.track_id(3), "rna_seq/C/-");
  auto kept = TrackCatalog::parse_tsv(kSmall, "small.tsv", {.keep_padding = true});
  EXPECT_TRUE(kept.is_padding(2));
  EXPECT_EQ(kept.track_id(2), "chip_tf/Padding/2");
  EXPECT_EQ(kept.padding_mask(), (std::vector<bool>{true, true, false, true, true, true}));

  auto r = TrackSelector(c).where("biosample_name=CD14-positive\\, CD16-negative classical monocyte,liver").run();
  EXPECT_EQ(r.count(), 3u);
  auto nulls = TrackSelector(c).where("genetically_modified=").where("output_type=chip_tf").run();
  ASSERT_EQ(nulls.count(), 1u);
  EXPECT_EQ(c.get(nulls.rows[0], "track_name"), "A");

  std::string ragged = "a\toutput_type\n1\tx\t2\n";
  EXPECT_NE(error_of([&] { TrackCatalog::parse_tsv(ragged, "r.tsv"); }).find("r.tsv:2"), std::string::npos);
  EXPECT_NE(error_of([&] { TrackCatalog::parse_tsv("a\tb\n", "n.tsv"); }).find("output_type"), std::string::npos);
}

// Audit D4/D11: rows that would silently change or drop tracks.
TEST(TrackCatalog, ShortRowLackingStrandIsAnErrorNamingFileLineAndColumnCount) {
  std::string m = error_of([] {
    TrackCatalog::parse_tsv("track_index\ttrack_name\toutput_type\tstrand\tnote\n0\tA\tx\t+\n1\tA\tx\n", "s.tsv");
  });
  EXPECT_NE(m.find("s.tsv:3"), std::string::npos) << m;
  EXPECT_NE(m.find("row has 3 cells but the header has 5 columns"), std::string::npos) << m;
  EXPECT_NE(m.find("'strand'"), std::string::npos) << m;
}

TEST(TrackCatalog, RepeatedRowIsAnErrorNamingBothLines) {
  const std::string tsv = "track_index\ttrack_name\toutput_type\tstrand\n0\tA\tx\t+\n1\tA\tx\t-\n0\tA\tx\t+\n";
  std::string m = error_of([&] { TrackCatalog::parse_tsv(tsv, "r.tsv", {.unique_tracks = true}); });
  EXPECT_NE(m.find("on line 2 and again on line 4"), std::string::npos) << m;
  EXPECT_NE(m.find("r.tsv:4"), std::string::npos) << m;
  // Same name and strand at another channel: the same track twice.
  const std::string same_id = "track_index\ttrack_name\toutput_type\tstrand\n0\tA\tx\t+\n1\tA\tx\t+\n";
  m = error_of([&] { TrackCatalog::parse_tsv(same_id, "i.tsv", {.unique_tracks = true}); });
  EXPECT_NE(m.find("track 'x/A/+' is on line 2 and again on line 3"), std::string::npos) << m;
  // Padding rows share a name; they are not repeats.
  EXPECT_EQ(TrackCatalog::parse_tsv("track_index\ttrack_name\toutput_type\n0\tPadding\tx\n1\tpadding\tx\n2\tpadding\tx\n",
                                    "p.tsv", {.keep_padding = true, .unique_tracks = true})
                .size(),
            3u);
}

TEST(TrackCatalog, CellNotUtf8IsAnErrorNamingFileLine) {
  std::string m = error_of([] {
    TrackCatalog::parse_tsv("track_index\ttrack_name\toutput_type\n0\tsynth\xe9tic\tx\n", "latin1.tsv");
  });
  EXPECT_NE(m.find("latin1.tsv:2"), std::string::npos) << m;
  EXPECT_NE(m.find("not valid UTF-8"), std::string::npos) << m;
  EXPECT_NE(m.find("synth\\xe9tic"), std::string::npos) << m;  // quoted by text_excerpt
}

TEST(TrackCatalog, RowsRememberTheirFileLine) {
  auto c = TrackCatalog::parse_tsv(kSmall, "small.tsv");
  EXPECT_EQ(c.where(0), "small.tsv:2");
  EXPECT_EQ(c.where(2), "small.tsv:5") << "padding row 4 stripped";
  EXPECT_EQ(c.subset({3}).where(0), "small.tsv:6");
  std::string m = error_of([] {
    TrackCatalog::parse_tsv("track_index\ttrack_name\toutput_type\nx\tA\tt\n", "bad.tsv").channel(0);
  });
  EXPECT_NE(m.find("bad.tsv:2"), std::string::npos) << m;
}

// Audit D11: one helper escapes bytes that are not UTF-8 as \xNN.
TEST(Utf8, InvalidBytesAreEscapedAndValidTextKept) {
  EXPECT_EQ(s2f::escape_invalid_utf8(std::string_view("caf\xc3\xa9")), "caf\xc3\xa9");
  EXPECT_EQ(s2f::escape_invalid_utf8(std::string_view("out\xff.s2f")), "out\\xFF.s2f");
  EXPECT_EQ(s2f::escape_invalid_utf8(std::string_view("\xc3")), "\\xC3") << "truncated sequence";
  EXPECT_EQ(s2f::escape_invalid_utf8(std::string_view("\xed\xa0\x80")), "\\xED\\xA0\\x80") << "surrogate";
  nlohmann::json j = {{"name\xfe", std::string("a\xff")}, {"ok", 1}};
  EXPECT_EQ(s2f::dump_json(j), "{\"name\\\\xFE\":\"a\\\\xFF\",\"ok\":1}");
}

// ---- Seed fidelity (issue #20): padding, CSV, built-in catalogs, predicates, masks ----

namespace {

// Counts rows of a catalog file with awk whose track_name is padding in any case.
long awk_padding(const std::string& path) {
  std::string cmd = "awk -F'\\t' 'NR>1 && tolower($2)==\"padding\"{n++} END{print n+0}' '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  long n = -1;
  if (p && std::fscanf(p, "%ld", &n) != 1) n = -1;
  if (p) pclose(p);
  return n;
}

}  // namespace

// Regression: meta.tracks.padding said "stripped" on a stream holding 562
// padding rows (a catalog loaded keeping padding, then subset) and "kept" on
// one holding none. It now says what the rows hold.
TEST(TrackCatalog, PaddingFlagDescribesTheRowsHeld) {
  auto kept = TrackCatalog::parse_tsv(kSmall, "small.tsv", {.keep_padding = true});
  EXPECT_EQ(kept.to_json()["padding"], "kept");
  EXPECT_EQ(kept.to_json()["padding_rows"], 1);
  auto real_only = kept.subset({0, 1, 3});
  EXPECT_EQ(real_only.to_json()["padding"], "stripped") << "subset of a kept catalog without padding rows";
  EXPECT_EQ(real_only.to_json()["padding_rows"], 0);
  EXPECT_EQ(kept.subset({2}).to_json()["padding"], "kept") << "subset holding a padding row";
  EXPECT_EQ(kept.strip_padding().to_json()["padding"], "stripped");
  EXPECT_EQ(TrackCatalog::parse_tsv(kSmall, "small.tsv").to_json()["padding"], "stripped");
  // A header that claims otherwise is not believed: the rows decide.
  auto j = real_only.to_json();
  j["padding"] = "kept";
  EXPECT_EQ(TrackCatalog::from_json(j).to_json()["padding"], "stripped");
}

TEST(TrackCatalog, RealCatalogPaddingIsCaseInsensitive) {
  REQUIRE_CATALOG(human());
  for (const auto& path : {human(), mouse()}) {
    auto kept = TrackCatalog::load_tsv(path, {.keep_padding = true});
    EXPECT_EQ(static_cast<long>(kept.padding_rows()), awk_padding(path)) << path;
    EXPECT_EQ(kept.to_json()["padding_rows"], awk_padding(path)) << path;
    auto stripped = TrackCatalog::load_tsv(path);
    EXPECT_EQ(static_cast<long>(kept.size() - stripped.size()), awk_padding(path)) << path;
    for (size_t r = 0; r < stripped.size(); ++r) ASSERT_FALSE(is_padding_name(*stripped.get(r, "track_name")));
  }
  // The human catalog's one lower-case "padding" row (splice_sites, channel 4).
  auto c = TrackCatalog::load_tsv(human());
  EXPECT_EQ(c.head("splice_sites").rows.size(), 4u);
  EXPECT_TRUE(is_padding_name("PADDING"));
  EXPECT_FALSE(is_padding_name("Paddings"));
}

TEST(TrackCatalog, CsvCatalogReadsAsItsTsv) {
  const std::string csv =
      "track_index,track_name,output_type,strand,biosample_name,note\n"
      "0,A,chip_tf,.,\"CD14-positive, CD16-negative classical monocyte\",\"say \"\"hi\"\"\"\n"
      "1,padding,chip_tf,.,,\n"
      "0,C,rna_seq,+,liver,\n";
  auto c = TrackCatalog::parse_csv(csv, "c.csv", {.keep_padding = true});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.get(0, "biosample_name"), "CD14-positive, CD16-negative classical monocyte");
  EXPECT_EQ(c.get(0, "note"), "say \"hi\"");
  EXPECT_FALSE(c.get(1, "biosample_name").has_value()) << "empty cell is null";
  EXPECT_TRUE(c.is_padding(1));
  std::string m = error_of([] { TrackCatalog::parse_csv("output_type,x\n\"open,1\n", "q.csv"); });
  EXPECT_NE(m.find("q.csv:2"), std::string::npos) << m;
  EXPECT_NE(m.find("quoted cell is not closed"), std::string::npos) << m;
  // A CSV read as TSV says so instead of "no output_type column" alone.
  m = error_of([&] { TrackCatalog::parse_tsv(csv, "c.tsv"); });
  EXPECT_NE(m.find("commas but no tabs"), std::string::npos) << m;
}

TEST(TrackCatalog, CsvFileOfTheRealCatalogEqualsItsTsv) {
  REQUIRE_CATALOG(human());
  // Python's csv module (quoting as pandas does) writes the reference CSV.
  auto dir = std::filesystem::temp_directory_path() / "s2f-csv-catalog";
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "human.csv").string();
  std::string cmd = "/usr/bin/python3 -c \"import csv,sys; r=csv.reader(open(sys.argv[1]),delimiter='\\t'); "
                    "w=csv.writer(open(sys.argv[2],'w',newline=''),lineterminator='\\n'); [w.writerow(x) for x in r]\" '" +
                    human() + "' '" + out + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto a = TrackCatalog::load_tsv(out, {.keep_padding = true});
  auto b = TrackCatalog::load_tsv(human(), {.keep_padding = true});
  EXPECT_EQ(a.to_json(), b.to_json());
  std::filesystem::remove_all(dir);
}

TEST(TrackCatalog, ParquetAndUnknownBuiltinNamesAreClearErrors) {
  auto dir = std::filesystem::temp_directory_path() / "s2f-parquet-catalog";
  std::filesystem::create_directories(dir);
  const std::string pq = (dir / "meta.parquet").string();
  std::ofstream(pq, std::ios::binary) << "PAR1\x15\x04";
  std::string m = error_of([&] { TrackCatalog::load(pq); });
  EXPECT_NE(m.find("Parquet"), std::string::npos) << m;
  EXPECT_NE(m.find("to_csv("), std::string::npos) << m;
  EXPECT_NE(m.find("meta.tsv"), std::string::npos) << m;
  std::filesystem::remove_all(dir);
  m = error_of([] { TrackCatalog::load("alphagenome:rat"); });
  EXPECT_NE(m.find("no built-in track catalog 'alphagenome:rat'"), std::string::npos) << m;
  EXPECT_NE(m.find("alphagenome:human, alphagenome:mouse"), std::string::npos) << m;
  m = error_of([] { TrackCatalog::load("/nonexistent/cat.tsv"); });
  EXPECT_NE(m.find("not found"), std::string::npos) << m;
}

TEST(TrackCatalog, BuiltinCatalogsEqualTheRealFiles) {
  REQUIRE_CATALOG(human());
  for (const auto& [name, path] : {std::pair{"alphagenome:human", human()}, std::pair{"alphagenome:mouse", mouse()}}) {
    auto builtin = TrackCatalog::load(name, {.keep_padding = true});
    auto file = TrackCatalog::load_tsv(path, {.keep_padding = true});
    EXPECT_EQ(builtin.to_json(), file.to_json()) << name;
    EXPECT_EQ(builtin.source(), name);
    EXPECT_EQ(builtin.where(0), std::string(name) + " row 1");
  }
}

TEST(TrackSelector, PredicatesMatchAnIndependentScan) {
  auto c = TrackCatalog::parse_tsv(
      "track_index\ttrack_name\toutput_type\tbiosample_name\tnonzero_mean\n"
      "0\tA\tx\tLiver\t0.5\n1\tB\tx\tliver left lobe\t0.05\n2\tC\tx\tlung\t0.2\n3\tD\tx\t\tnan\n4\tE\ty\tHepG2\t\n",
      "p.tsv");
  auto names = [&](std::vector<std::string> sel) {
    TrackSelector s(c);
    for (auto& x : sel) s.where(x);
    std::string out;
    for (size_t r : s.allow_empty().run().rows) out += *c.get(r, "track_name");
    return out;
  };
  // The seed's predicate: 'liver' in (biosample_name or '').lower()
  EXPECT_EQ(names({"biosample_name~liver"}), "AB");
  EXPECT_EQ(names({"biosample_name!~liver"}), "CDE") << "negation keeps null cells";
  EXPECT_EQ(names({"biosample_name~^(lung|hepg2)$"}), "CE");
  EXPECT_EQ(names({"nonzero_mean>0.1"}), "AC") << "null and nan never compare";
  EXPECT_EQ(names({"nonzero_mean<=0.2"}), "BC");
  EXPECT_EQ(names({"nonzero_mean>=0.5"}), "A");
  EXPECT_EQ(names({"nonzero_mean<0.1"}), "B");
  EXPECT_EQ(names({"biosample_name~liver", "nonzero_mean>0.1"}), "A");
  EXPECT_EQ(names({"output_type!=x"}), "E");
  EXPECT_EQ(names({"biosample_name!="}), "ABCE") << "!= with nothing: not null";
  EXPECT_NE(error_of([] { Selection::parse("nonzero_mean>high"); }).find("not a number"), std::string::npos);
  EXPECT_NE(error_of([] { Selection::parse("biosample_name~(liver"); }).find("not a regular expression"),
            std::string::npos);
}

TEST(TrackSelector, RealCatalogPredicatesMatchAwk) {
  REQUIRE_CATALOG(human());
  auto c = TrackCatalog::load_tsv(human());
  auto r = TrackSelector(c).where("biosample_name~liver").where("nonzero_mean>0.1").run();
  EXPECT_EQ(static_cast<long>(r.count()),
            awk_count(human(), "index(tolower($c[\"biosample_name\"]), \"liver\") && $c[\"nonzero_mean\"]!=\"\" && "
                               "$c[\"nonzero_mean\"]+0 > 0.1"));
  EXPECT_GT(r.count(), 0u);
}

TEST(TrackMasks, MaskTableListsEveryTrackWithMasksAndPositions) {
  auto c = TrackCatalog::parse_tsv(kSmall, "small.tsv", {.keep_padding = true});
  TrackFilterOptions o;
  o.selects = {"biosample_name~liver"};
  std::string t = mask_table(c, o);
  std::istringstream in(t);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.substr(line.size() - 31), "head_position\tpadding_mask\tmask");
  std::vector<std::string> tails;
  while (std::getline(in, line)) tails.push_back(line.substr(line.size() - 5));
  // chip_tf A, B, Padding; rna_seq C+, C- (liver), D (liver)
  EXPECT_EQ(tails, (std::vector<std::string>{"0\t1\t0", "1\t1\t0", "2\t0\t0", "0\t1\t0", "1\t1\t1", "2\t1\t1"}));
  o.selects.clear();
  o.include_padding = true;
  std::string all = mask_table(c, o);
  EXPECT_EQ(all.find("\t0\t0\n"), std::string::npos) << "padding kept: mask 1 everywhere\n" << all;
}
