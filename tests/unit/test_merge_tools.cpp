// s2f-reservoir and s2f-merge-cdfs end to end: sharded exact builds are
// byte-identical to unsharded ones, the npz reads back in numpy with the
// chorus layout, and mismatched shards are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "background/value_streams.hpp"
#include "s2f/background/cdf.hpp"
#include "s2f/background/percentile_table.hpp"
#include "s2f/error.hpp"
#include "s2f/npz.hpp"

using namespace s2f;
using namespace s2f::background;
using s2f::testing::run_stage;
using s2f::testing::ScratchDir;
using s2f::testing::ValueStreamSpec;
using s2f::testing::write_value_stream;

namespace {

const std::vector<std::string> kTracks = {"dnase/HepG2", "rna_seq/liver/+", "empty/track", "cage/K562"};

ValueStreamSpec spec(const std::string& kind, size_t per_track = 1) {
  ValueStreamSpec s;
  s.kind = kind;
  s.track_ids = kTracks;
  s.per_track = per_track;
  return s;
}

// records x tracks x k; track 2 is all NaN (an empty track).
std::vector<float> values_for(size_t records, size_t k, uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<float> d(0, 1);
  std::vector<float> v(records * kTracks.size() * k);
  for (size_t r = 0; r < records; ++r)
    for (size_t t = 0; t < kTracks.size(); ++t)
      for (size_t i = 0; i < k; ++i) {
        float x = d(g) * static_cast<float>(t + 1);
        if (t == 2 || g() % 11 == 0) x = NAN;
        if (t == 3) x = std::round(x);  // many ties
        v[(r * kTracks.size() + t) * k + i] = x;
      }
  return v;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Writes effect (k=1) and perbin (k=6) value streams into `dir`.
void write_inputs(const ScratchDir& dir, size_t records) {
  ValueStreamSpec effect = spec("effect");
  effect.signed_flags = {false, true, false, false};
  write_value_stream(dir.file("effect.values.s2f"), effect, values_for(records, 1, 1), 4096);
  ValueStreamSpec perbin = effect;
  perbin.kind = "perbin";
  perbin.per_track = 6;
  perbin.geometry["statistic"] = "bin";
  write_value_stream(dir.file("perbin.values.s2f"), perbin, values_for(records, 6, 2), 4096);
}

// Reservoirs for both kinds in n shards, then a merge; returns the npz path.
std::string build(const ScratchDir& dir, uint32_t n, const std::string& extra = "") {
  std::string inputs;
  for (const char* kind : {"effect", "perbin"})
    for (uint32_t k = 1; k <= n; ++k) {
      std::string out = dir.file(std::string(kind) + "." + std::to_string(k) + "of" + std::to_string(n) + ".res.s2f");
      std::string shard = n > 1 ? " --shard " + std::to_string(k) + "/" + std::to_string(n) : "";
      EXPECT_EQ(run_stage("s2f-reservoir" + shard + extra + " -o " + out + " " + dir.file(std::string(kind) + ".values.s2f")), 0);
      inputs += " " + out;
    }
  std::string name = "bg" + std::to_string(n);
  EXPECT_EQ(run_stage("s2f-merge-cdfs --name " + name + " --out-dir " + dir.path().string() + inputs), 0);
  return dir.file(name + "_pertrack.npz");
}

bool python_has(const std::string& module) {
  std::string cmd = std::string(S2F_PYTHON) + " -c 'import " + module + "' 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace

TEST(MergeCdfsTool, ExactShardedBuildsAreByteIdenticalToUnsharded) {
  ScratchDir dir("merge-exact");
  write_inputs(dir, 700);
  npz::NpzReader whole(build(dir, 1));
  for (uint32_t n : {2u, 3u, 4u, 8u}) {
    npz::NpzReader sharded(build(dir, n));
    for (const char* name : {"track_ids", "effect_cdfs", "effect_counts", "perbin_cdfs", "perbin_counts", "signed_flags"})
      EXPECT_EQ(whole.load(name).data, sharded.load(name).data) << name << " with " << n << " shards";
  }
  auto counts = whole.load("effect_counts").as_i64("effect_counts");
  EXPECT_EQ(counts[2], 0) << "the all-NaN track is empty";
  EXPECT_GT(counts[0], 600);
  auto cdfs = whole.load("effect_cdfs").as_f32("effect_cdfs");
  EXPECT_TRUE(std::isnan(cdfs[2 * kCdfPoints]));
}

TEST(MergeCdfsTool, SampledBuildIsDeterministicAndCountsAreExact) {
  ScratchDir dir("merge-sampled");
  write_inputs(dir, 900);
  npz::NpzReader a(build(dir, 3, " --capacity 100"));
  auto counts = a.load("perbin_counts").as_i64("perbin_counts");
  npz::NpzReader whole(build(dir, 1, " --capacity 100000"));
  EXPECT_EQ(counts, whole.load("perbin_counts").as_i64("perbin_counts")) << "counts are exact even when sampled";
  auto first = a.load("perbin_cdfs").data;
  npz::NpzReader again(build(dir, 3, " --capacity 100"));
  EXPECT_EQ(first, again.load("perbin_cdfs").data);
}

TEST(MergeCdfsTool, NpzReadsBackInNumpyWithTheChorusLayout) {
  if (!python_has("numpy")) GTEST_SKIP() << S2F_PYTHON << " has no numpy";
  ScratchDir dir("merge-numpy");
  write_inputs(dir, 300);
  std::string npz = build(dir, 2);
  std::string script = dir.file("check.py");
  std::ofstream(script) << R"(import json, sys
import numpy as np
z = np.load(sys.argv[1])
n, P = 4, 10000
assert z["track_ids"].dtype.kind == "U" and z["track_ids"].shape == (n,), z["track_ids"]
assert list(z["track_ids"]) == ["dnase/HepG2", "rna_seq/liver/+", "empty/track", "cage/K562"]
for k in ("effect", "perbin"):
    c = z[k + "_cdfs"]
    assert c.dtype == np.float32 and c.shape == (n, P), (k, c.dtype, c.shape)
    assert z[k + "_counts"].dtype == np.int64 and z[k + "_counts"].shape == (n,)
    assert np.all(np.diff(c[0]) >= 0)
    assert np.all(np.isnan(c[2])) and z[k + "_counts"][2] == 0
assert "summary_cdfs" not in z.files
assert z["signed_flags"].dtype == np.bool_ and list(z["signed_flags"]) == [False, True, False, False]
cfg = json.loads(str(z["build_config"]))
assert cfg["points"] == P and len(cfg["kinds"]["effect"]["shards"]) == 2
assert cfg["kinds"]["perbin"]["geometry"]["statistic"] == "bin"
print("ok")
)";
  std::string cmd = std::string(S2F_PYTHON) + " " + script + " " + npz;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(MergeCdfsTool, Hdf5HoldsTheSameArrays) {
  if (!python_has("h5py")) GTEST_SKIP() << S2F_PYTHON << " has no h5py";
  ScratchDir dir("merge-hdf5");
  write_inputs(dir, 200);
  std::string inputs;
  for (const char* kind : {"effect", "perbin"}) {
    std::string out = dir.file(std::string(kind) + ".res.s2f");
    ASSERT_EQ(run_stage("s2f-reservoir -o " + out + " " + dir.file(std::string(kind) + ".values.s2f")), 0);
    inputs += " " + out;
  }
  ASSERT_EQ(run_stage("s2f-merge-cdfs --hdf5 --name bg --out-dir " + dir.path().string() + inputs), 0);
  std::string script = dir.file("check.py");
  std::ofstream(script) << R"(import sys
import h5py, numpy as np
z = np.load(sys.argv[1] + ".npz")
with h5py.File(sys.argv[1] + ".h5", "r") as h:
    for k in ("effect_cdfs", "perbin_cdfs", "effect_counts", "perbin_counts", "signed_flags"):
        a, b = z[k], h[k][()]
        assert a.dtype == b.dtype and a.shape == b.shape, (k, a.dtype, b.dtype)
        assert np.array_equal(a, b, equal_nan=True), k
    assert [s.decode() for s in h["track_ids"][()]] == list(z["track_ids"])
print("ok")
)";
  std::string cmd = std::string(S2F_PYTHON) + " " + script + " " + dir.file("bg_pertrack");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(MergeCdfsTool, GeometryMismatchIsRefusedNamingTheField) {
  ScratchDir dir("merge-geometry");
  ValueStreamSpec a = spec("effect");
  ValueStreamSpec b = a;
  b.geometry["window"] = 2000;
  write_value_stream(dir.file("a.s2f"), a, values_for(50, 1, 3));
  write_value_stream(dir.file("b.s2f"), b, values_for(50, 1, 4));
  ASSERT_EQ(run_stage("s2f-reservoir --seed 1 -o " + dir.file("a.res") + " " + dir.file("a.s2f")), 0);
  ASSERT_EQ(run_stage("s2f-reservoir --seed 2 -o " + dir.file("b.res") + " " + dir.file("b.s2f")), 0);
  std::string err = dir.file("err.txt");
  EXPECT_EQ(run_stage("s2f-merge-cdfs --name x --out-dir " + dir.path().string() + " " + dir.file("a.res") + " " +
                          dir.file("b.res"),
                      err),
            1);
  std::string msg = slurp(err);
  EXPECT_NE(msg.find("geometry field 'window' differs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1000"), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x_pertrack.npz"))) << "no output on failure";
}

TEST(MergeCdfsTool, PercentileTableReadsTheArchive) {
  ScratchDir dir("merge-table");
  write_inputs(dir, 400);
  std::string npz = build(dir, 1);
  auto t = PercentileTable::load_npz(npz, ValueKind::effect);
  ASSERT_EQ(t.tracks(), 4u);
  EXPECT_EQ(t.points(), kCdfPoints);
  EXPECT_EQ(t.track_ids()[1], "rna_seq/liver/+");
  EXPECT_TRUE(t.is_signed(1));
  auto row = t.row(0);
  EXPECT_EQ(t.percentile(0, row.front() - 1), 0.0);
  EXPECT_EQ(t.percentile(0, row.back() + 1), 1.0);
  double mid = t.percentile(0, row[kCdfPoints / 2]);
  EXPECT_NEAR(mid, 0.5, 0.01);
  EXPECT_TRUE(std::isnan(t.percentile(2, 0.0f))) << "empty track";
  EXPECT_EQ(t.build_config()["points"], kCdfPoints);
  EXPECT_THROW(PercentileTable::load_npz(npz, ValueKind::summary), Error);
}

TEST(ReservoirTool, ShardingAPipeIsRefused) {
  ScratchDir dir("reservoir-pipe");
  write_value_stream(dir.file("v.s2f"), spec("effect"), values_for(10, 1, 5));
  std::string err = dir.file("err.txt");
  // stdin redirected from a file is seekable and may be sharded; a pipe is not.
  std::string cmd = "cat " + dir.file("v.s2f") + " | " + s2f::testing::bin_dir() + "/s2f-reservoir --shard 1/2 -o " +
                    dir.file("o.res") + " - 2>" + err;
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 2);
  EXPECT_NE(slurp(err).find("--shard needs the record count"), std::string::npos) << slurp(err);
}

TEST(MergeCdfsTool, TailsAreExactAcrossShardsEvenWhenSampled) {
  ScratchDir dir("merge-tails");
  write_inputs(dir, 600);
  npz::NpzReader whole(build(dir, 1, " --tail-k 5 --capacity 50"));
  npz::NpzReader sharded(build(dir, 4, " --tail-k 5 --capacity 50"));
  for (const char* name : {"effect_tail_top", "effect_tail_bottom", "perbin_tail_top"}) {
    auto a = whole.load(name);
    EXPECT_EQ(a.shape, (std::vector<uint64_t>{4, 5})) << name;
    EXPECT_EQ(a.data, sharded.load(name).data) << name;
  }
  // The true largest effect of track 0, from the values themselves.
  auto v = values_for(600, 1, 1);
  float best = -INFINITY;
  for (size_t r = 0; r < 600; ++r)
    if (!std::isnan(v[r * kTracks.size()])) best = std::max(best, v[r * kTracks.size()]);
  EXPECT_EQ(whole.load("effect_tail_top").as_f32("t")[0], best);
  EXPECT_TRUE(std::isnan(whole.load("effect_tail_top").as_f32("t")[2 * 5])) << "empty track";
}

TEST(MergeCdfsTool, TrackIdsComeFromACatalogInTheHeader) {
  ScratchDir dir("merge-catalog");
  auto catalog = nlohmann::json::parse(R"({"columns": ["track_index", "track_name", "output_type", "strand"],
    "rows": [["0", "HepG2 DNase", "dnase", "."], ["1", "liver total RNA", "rna_seq", "+"]], "padding": "stripped"})");
  stream::Header h;
  h.kind = stream::kind::values;
  h.schema = stream::values_schema(2, 1);
  h.meta["value_kind"] = "summary";
  h.meta["tracks"] = catalog;
  h.meta["provenance"] = nlohmann::json::array();
  {
    stream::Writer w(ByteSink::open(dir.file("v.s2f")), h);
    for (int r = 0; r < 10; ++r) {
      size_t i = w.batch().add_record();
      w.batch().set_str(0, i, "r");
      auto x = w.batch().fixed_mut<float>(1, i);
      x[0] = static_cast<float>(r);
      x[1] = static_cast<float>(-r);
      w.end_record();
    }
    w.finish();
  }
  ASSERT_EQ(run_stage("s2f-reservoir -o " + dir.file("v.res") + " " + dir.file("v.s2f")), 0);
  ASSERT_EQ(run_stage("s2f-merge-cdfs --name c --out-dir " + dir.path().string() + " " + dir.file("v.res")), 0);
  auto t = PercentileTable::load_npz(dir.file("c_pertrack.npz"), ValueKind::summary);
  EXPECT_EQ(t.track_ids(), (std::vector<std::string>{"dnase/HepG2 DNase", "rna_seq/liver total RNA/+"}));
  EXPECT_EQ(t.row(0).front(), 0.0f);
  EXPECT_EQ(t.row(0).back(), 9.0f);
  t.require_geometry(nlohmann::json::object(), "test");
  auto other = nlohmann::json{{"window", 5}};
  EXPECT_THROW(t.require_geometry(other, "test"), Error);
}

TEST(PercentileTableNpz, ReadsArchivesWrittenByNumpySavezCompressed) {
  if (!python_has("numpy")) GTEST_SKIP() << S2F_PYTHON << " has no numpy";
  ScratchDir dir("npz-numpy");
  std::string script = dir.file("make.py");
  std::ofstream(script) << R"(import json, sys
import numpy as np
cdfs = np.sort(np.random.default_rng(3).standard_normal((3, 10000)).astype(np.float32), axis=1)
cdfs[1] = np.linspace(0, 1, 10000, dtype=np.float32)
np.savez_compressed(sys.argv[1], track_ids=np.array(["a", "bé", "c"]), effect_cdfs=cdfs,
                    effect_counts=np.array([5, 6, 7]), signed_flags=np.array([True, False, True]),
                    build_config=json.dumps({"kinds": {"effect": {"geometry": {"window": 7}}}}))
)";
  std::string npz = dir.file("chorus.npz");
  ASSERT_EQ(std::system((std::string(S2F_PYTHON) + " " + script + " " + npz).c_str()), 0);
  auto t = PercentileTable::load_npz(npz, ValueKind::effect);
  ASSERT_EQ(t.tracks(), 3u);
  EXPECT_EQ(t.track_ids()[1], "bé");
  EXPECT_EQ(t.count(2), 7);
  EXPECT_TRUE(t.is_signed(0));
  EXPECT_NEAR(t.percentile(1, 0.25f), 0.25, 1e-4);
  EXPECT_NO_THROW(t.require_geometry({{"window", 7}}, "test"));
  try {
    t.require_geometry({{"window", 9}}, "test");
    FAIL() << "geometry mismatch accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("geometry field 'window' is 9"), std::string::npos) << e.what();
  }
}

TEST(PercentileTableNpz, DamagedArchivesFailCleanly) {
  ScratchDir dir("npz-damaged");
  const std::string good = dir.file("good.npz");
  {
    npz::NpzWriter w(ByteSink::open(good));
    w.add_strings("track_ids", {"a", "b"});
    std::vector<float> rows = {0, 1, 2, 3, 4, 5};
    w.add<float>("effect_cdfs", npz::kF32, {2, 3}, rows);
    w.add_string_scalar("build_config", "{}");
    w.finish();
  }
  ASSERT_NEAR(PercentileTable::load_npz(good, ValueKind::effect).percentile(1, 4.5f), 0.75, 1e-9);
  const std::string bytes = slurp(good);
  std::mt19937_64 g(9);
  int clean_errors = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    if (trial % 2) damaged.resize(g() % bytes.size());
    else
      for (int k = 0; k < 4; ++k) damaged[g() % damaged.size()] = static_cast<char>(g());
    const std::string path = dir.file("bad.npz");
    std::ofstream(path, std::ios::binary) << damaged;
    try {
      PercentileTable::load_npz(path, ValueKind::effect);
    } catch (const Error&) {
      ++clean_errors;  // the only acceptable failure: a message, not a crash
    }
  }
  EXPECT_GT(clean_errors, 150);
}
