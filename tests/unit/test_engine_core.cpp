// Engine internals without Python: running layers on sub-ranges of
// positions (what fast ISM relies on), the activation plan (ranges, memory
// reuse, in-place) against a one-buffer-per-node run, thread-count
// determinism, receptive fields, and model-file error paths.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <oneapi/tbb/global_control.h>
#include <random>
#include <unistd.h>

#include "s2f/engine/activation_planner.hpp"
#include "s2f/engine/compiled_model.hpp"
#include "s2f/engine/full_activations.hpp"
#include "s2f/engine/model_file.hpp"
#include "s2f/engine/predictor.hpp"
#include "s2f/engine/receptive_field.hpp"
#include "s2f/error.hpp"
#include "random_weights.hpp"

using namespace s2f::engine;
using s2f::test::random_tensor;

namespace {


// Appends `n` to `g`; returns its index.
int append(ModelGraph& g, Node n) {
  g.nodes.push_back(std::move(n));
  return static_cast<int>(g.nodes.size()) - 1;
}

// A small BPNet: conv k21 "same" + ReLU, dilated residual convs, a profile
// conv cropped to the centre, and a count head on the mean of the window.
ModelGraph small_bpnet(int64_t length = 300, int64_t filters = 32, int layers = 4, int64_t trim = 60) {
  std::mt19937 rng(11);
  ModelGraph g;
  g.name = "small_bpnet";
  g.input_length = length;
  auto add = [&](Node n) { return append(g, std::move(n)); };
  Node in;
  in.name = "sequence";
  int x = add(in);
  Node c;
  c.name = "iconv";
  c.op = Op::conv1d;
  c.inputs = {x};
  c.filters = filters;
  c.kernel = 21;
  c.pad_left = c.pad_right = 10;
  c.activation = Activation::relu;
  c.weights["kernel"] = random_tensor({21, 4, filters}, rng);
  c.weights["bias"] = random_tensor({filters}, rng);
  x = add(c);
  for (int i = 1; i <= layers; ++i) {
    Node r;
    r.name = "rconv" + std::to_string(i);
    r.op = Op::conv1d;
    r.inputs = {x};
    r.filters = filters;
    r.kernel = 3;
    r.dilation = int64_t{1} << i;
    r.pad_left = r.pad_right = r.dilation;
    r.weights["kernel"] = random_tensor({3, filters, filters}, rng);
    r.weights["bias"] = random_tensor({filters}, rng);
    int conv = add(r);
    Node act;
    act.name = "relu" + std::to_string(i);
    act.op = Op::activation;
    act.activation = Activation::relu;
    act.inputs = {conv};
    int a = add(act);
    Node sum;
    sum.name = "add" + std::to_string(i);
    sum.op = Op::add;
    sum.inputs = {x, a};
    x = add(sum);
  }
  Node f;
  f.name = "fconv";
  f.op = Op::conv1d;
  f.inputs = {x};
  f.filters = 2;
  f.kernel = 25;
  f.pad_left = f.pad_right = 12;
  f.weights["kernel"] = random_tensor({25, filters, 2}, rng);
  f.weights["bias"] = random_tensor({2}, rng);
  int fc = add(f);
  Node crop;
  crop.name = "profile";
  crop.op = Op::crop;
  crop.inputs = {fc};
  crop.crop_left = crop.crop_right = trim;
  int profile = add(crop);
  Node crop2 = crop;
  crop2.name = "count_window";
  crop2.inputs = {x};
  crop2.crop_left = crop2.crop_right = trim - 12;
  int window = add(crop2);
  Node gap;
  gap.name = "mean";
  gap.op = Op::global_avg_pool;
  gap.inputs = {window};
  int pooled = add(gap);
  Node d;
  d.name = "counts";
  d.op = Op::dense;
  d.inputs = {pooled};
  d.units = 1;
  d.weights["kernel"] = random_tensor({filters, 1}, rng);
  d.weights["bias"] = random_tensor({1}, rng);
  int counts = add(d);
  g.heads = {Head{"profile", profile, HeadKind::profile, 1}, Head{"counts", counts, HeadKind::scalar, 1}};
  return g;
}

// A graph holding only its one-hot input node, of L positions.
ModelGraph one_hot_input(int64_t length) {
  ModelGraph g;
  g.input_length = length;
  Node in;
  in.name = "sequence";
  append(g, std::move(in));
  return g;
}

// A valid ReLU convolution with random weights (channels-last kernel).
Node relu_conv(const std::string& name, int input, int64_t cin, int64_t filters, int64_t kernel, std::mt19937& rng) {
  Node c;
  c.name = name;
  c.op = Op::conv1d;
  c.inputs = {input};
  c.filters = filters;
  c.kernel = kernel;
  c.activation = Activation::relu;
  c.weights["kernel"] = random_tensor({kernel, cin, filters}, rng);
  c.weights["bias"] = random_tensor({filters}, rng);
  return c;
}

std::vector<float> random_onehot(int64_t batch, int64_t length, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<float> x(static_cast<size_t>(batch * length * 4), 0.0f);
  for (int64_t i = 0; i < batch * length; ++i) x[static_cast<size_t>(i * 4 + rng() % 4)] = 1.0f;
  return x;
}

// One full-length buffer per node, no plan: the simplest correct execution.
std::vector<std::vector<float>> run_unplanned(const CompiledModel& m, const float* x) {
  const size_t n = m.nodes().size();
  std::vector<std::vector<float>> buf(n);
  std::vector<TensorView> views(n);
  views[0] = TensorView{const_cast<float*>(x), 0, m.length(0), 4, 4};
  for (size_t i = 1; i < n; ++i) {
    const auto& c = m.node(static_cast<int>(i));
    if (c.storage == Storage::alias || c.storage == Storage::shifted) {
      views[i] = m.view_of_alias(static_cast<int>(i), views[static_cast<size_t>(c.node.inputs[0])]);
      continue;
    }
    const int64_t len = m.length(static_cast<int>(i)), ch = m.channels(static_cast<int>(i));
    buf[i].assign(static_cast<size_t>(len * ch), 0.0f);
    views[i] = TensorView{buf[i].data(), 0, len, ch, ch};
    std::vector<TensorView> ins;
    for (int k : c.node.inputs) ins.push_back(views[static_cast<size_t>(k)]);
    m.compute_node(static_cast<int>(i), ins.data(), views[i], {0, len});
  }
  std::vector<std::vector<float>> heads;
  for (const auto& h : m.graph().heads) {
    const TensorView& v = views[static_cast<size_t>(h.node)];
    std::vector<float> out;
    for (int64_t t = 0; t < v.channels; ++t)
      for (int64_t b = 0; b < m.length(h.node); ++b) out.push_back(v.row(b)[t]);
    heads.push_back(out);
  }
  return heads;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("s2f-engine-" + std::to_string(::getpid()) + "-" + name)).string();
}

}  // namespace

TEST(EngineCore, PlannedRunEqualsOneBufferPerNode) {
  auto m = std::make_shared<CompiledModel>(small_bpnet());
  Predictor p(m);
  const auto x = random_onehot(3, 300, 1);
  auto out = p.predict(x.data(), 3);
  for (int64_t b = 0; b < 3; ++b) {
    auto want = run_unplanned(*m, x.data() + b * 300 * 4);
    for (size_t h = 0; h < want.size(); ++h)
      for (size_t i = 0; i < want[h].size(); ++i)
        ASSERT_FLOAT_EQ(out[h].sequence(b)[i], want[h][i]) << out[h].name << " seq " << b << " at " << i;
  }
}

TEST(EngineCore, PlanSkipsCroppedFlanksAndReusesMemory) {
  CompiledModel m(small_bpnet());
  auto plan = ActivationPlanner::plan(m);
  const int fconv = m.graph().find("fconv");
  EXPECT_EQ(plan.need[static_cast<size_t>(fconv)], (PositionRange{60, 240}));
  // The last dilated conv (d=16) only feeds the profile conv's window and the count window.
  const int last = m.graph().find("rconv4");
  EXPECT_EQ(plan.need[static_cast<size_t>(last)], (PositionRange{48, 252}));
  int in_place = 0;
  for (bool b : plan.in_place) in_place += b;
  EXPECT_GE(in_place, 4);  // every residual add overwrites its conv's output
  EXPECT_LT(plan.arena_floats * 3, plan.unplanned_floats);
}

TEST(EngineCore, PlanForSomeOutputBinsComputesOnlyTheirReceptiveField) {
  CompiledModel m(small_bpnet());
  // Profile bins [90, 100) only (the count head keeps its full window).
  auto plan = ActivationPlanner::plan(m, {PositionRange{90, 100}, PositionRange{0, 1}});
  const int fconv = m.graph().find("fconv");
  EXPECT_EQ(plan.need[static_cast<size_t>(fconv)], (PositionRange{150, 160}));
  auto full = ActivationPlanner::plan(m);
  EXPECT_LT(plan.flops, full.flops);
}

TEST(EngineCore, SubRangeOfALayerEqualsTheFullComputation) {
  CompiledModel m(small_bpnet());
  const int iconv = m.graph().find("iconv");
  const int rconv = m.graph().find("rconv3");  // dilation 8, padding 8
  const auto x = random_onehot(1, 300, 2);
  TensorView in{const_cast<float*>(x.data()), 0, 300, 4, 4};
  std::vector<float> full(300 * 32), part(300 * 32, -1.0f), deep(300 * 32), deep_part(40 * 32);
  TensorView vf{full.data(), 0, 300, 32, 32};
  m.compute_node(iconv, &in, vf, {0, 300});
  // Positions 3..17 (taps reach into the left padding) and 140..160.
  for (PositionRange r : {PositionRange{3, 17}, PositionRange{140, 160}, PositionRange{290, 300}}) {
    TensorView vp{part.data(), 0, 300, 32, 32};
    m.compute_node(iconv, &in, vp, r);
    for (int64_t p = r.lo; p < r.hi; ++p)
      for (int j = 0; j < 32; ++j) ASSERT_EQ(part[static_cast<size_t>(p * 32 + j)], full[static_cast<size_t>(p * 32 + j)]);
  }
  // A dilated conv on a window, reading only the input window it needs.
  TensorView vd{deep.data(), 0, 300, 32, 32};
  m.compute_node(rconv, &vf, vd, {0, 300});
  const PositionRange want{100, 140};
  const PositionRange need = m.input_range(rconv, 0, want);
  EXPECT_EQ(need, (PositionRange{92, 148}));
  TensorView window{full.data() + need.lo * 32, need.lo, need.size(), 32, 32};
  TensorView out{deep_part.data(), want.lo, want.size(), 32, 32};
  m.compute_node(rconv, &window, out, want);
  for (int64_t p = want.lo; p < want.hi; ++p)
    for (int j = 0; j < 32; ++j) ASSERT_EQ(out.row(p)[j], vd.row(p)[j]);
}

TEST(EngineCore, SameResultsForAnyThreadCountAndBatchSize) {
  auto m = std::make_shared<CompiledModel>(small_bpnet(600, 64, 5, 100));
  Predictor p(m);
  const auto x = random_onehot(5, 600, 3);
  std::vector<HeadOutput> one, two, single;
  {
    oneapi::tbb::global_control c(oneapi::tbb::global_control::max_allowed_parallelism, 1);
    one = p.predict(x.data(), 5);
  }
  {
    oneapi::tbb::global_control c(oneapi::tbb::global_control::max_allowed_parallelism, 2);
    two = p.predict(x.data(), 5);
    single = p.predict(x.data() + 600 * 4, 1);  // fewer sequences than threads: split positions
  }
  for (size_t h = 0; h < one.size(); ++h) {
    EXPECT_EQ(one[h].values, two[h].values) << one[h].name;
    const size_t per = static_cast<size_t>(one[h].tracks * one[h].bins);
    EXPECT_TRUE(std::equal(single[h].values.begin(), single[h].values.end(), one[h].values.begin() + static_cast<long>(per)));
  }
}

TEST(EngineCore, ReceptiveFields) {
  ModelGraph g = small_bpnet();
  g.infer_shapes();
  auto rf = receptive_fields(g);
  EXPECT_EQ(rf[static_cast<size_t>(g.find("iconv"))].size, 21);
  EXPECT_EQ(rf[static_cast<size_t>(g.find("add1"))].size, 25);
  EXPECT_EQ(rf[static_cast<size_t>(g.find("add4"))].size, 21 + 2 * (2 + 4 + 8 + 16));
  EXPECT_EQ(rf[static_cast<size_t>(g.find("profile"))].size, 21 + 60 + 24);
  EXPECT_EQ(rf[static_cast<size_t>(g.find("profile"))].offset, -10 - 30 - 12 + 60);
  EXPECT_TRUE(rf[static_cast<size_t>(g.find("counts"))].global);
}

TEST(EngineCore, GraphErrorsNameTheNode) {
  ModelGraph g = small_bpnet();
  g.nodes[static_cast<size_t>(g.find("add2"))].inputs[1] = g.find("profile") - 1;  // fconv: 2 channels
  try {
    CompiledModel m(g);
    FAIL();
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("add2"), std::string::npos) << e.what();
  }
  ModelGraph h = small_bpnet();
  h.nodes[static_cast<size_t>(h.find("iconv"))].weights["kernel"].shape = {21, 5, 32};
  EXPECT_THROW(CompiledModel{h}, s2f::Error);
}

TEST(EngineCore, ModelFileRoundTripAndTamperDetection) {
  const std::string path = temp_path("model.s2fm");
  ModelGraph g = small_bpnet();
  save_model(g, path);
  ModelGraph back = load_model(path);
  EXPECT_EQ(back.parameter_count(), g.parameter_count());
  EXPECT_EQ(back.nodes.size(), g.nodes.size());
  const auto hash = back.metadata["content_hash"].get<std::string>();
  EXPECT_EQ(hash.rfind("sha256:", 0), 0u);
  {  // change one weight in place: the content hash must catch it
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    hid_t d = H5Dopen2(f, "/weights/iconv/bias", H5P_DEFAULT);
    std::vector<float> v(32);
    H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    v[3] += 1e-3f;
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d);
    H5Fclose(f);
  }
  try {
    load_model(path);
    FAIL() << "a modified weight must fail the content hash";
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("content hash mismatch"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(EngineCore, NotAModelFileSaysSo) {
  const std::string path = temp_path("not-a-model.txt");
  std::ofstream(path) << "ACGT\n";
  try {
    load_model(path);
    FAIL();
  } catch (const s2f::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
  EXPECT_THROW(load_model(temp_path("missing.s2fm")), s2f::Error);
}

TEST(EngineCore, BatchOf64FullLengthFitsInAFewMegabytesPerThread) {
  auto m = std::make_shared<CompiledModel>(small_bpnet(2114, 64, 8, 557));
  Predictor p(m);
  // Activation memory is per worker thread, not per sequence in the batch.
  EXPECT_LT(p.arena_bytes(), 4 << 20);
  EXPECT_LT(p.plan().arena_floats * 4, p.plan().unplanned_floats);
}

TEST(EngineCore, ModelInfoToolReportsLayersParametersAndHeads) {
  const std::string tool = std::string(S2F_BIN_DIR) + "/s2f-model-info";
  if (!std::filesystem::exists(tool)) GTEST_SKIP() << "skipped: " << tool << " is not built";
  const std::string path = temp_path("info.s2fm");
  ModelGraph g = small_bpnet();
  save_model(g, path);
  FILE* p = ::popen((tool + " -q --json " + path).c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
  EXPECT_EQ(::pclose(p), 0);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["parameters"].get<int64_t>(), g.parameter_count());
  EXPECT_EQ(j["input"]["length"].get<int64_t>(), 300);
  EXPECT_EQ(j["receptive_field"].get<int64_t>(), 300);  // the count head sees everything
  ASSERT_EQ(j["outputs"].size(), 2u);
  EXPECT_EQ(j["outputs"][0]["name"], "profile");
  EXPECT_EQ(j["outputs"][0]["tracks"].get<int64_t>(), 2);
  EXPECT_EQ(j["outputs"][0]["bins"].get<int64_t>(), 180);
  EXPECT_EQ(j["outputs"][0]["receptive_field"].get<int64_t>(), 105);
  EXPECT_EQ(j["layers"].size(), g.nodes.size());
  EXPECT_EQ(j["content_hash"], load_model(path).metadata["content_hash"]);
  std::remove(path.c_str());
}

TEST(EngineCore, PartialUpdateAfterOneBaseChangeEqualsFullRecomputation) {
  // The fast-ISM pattern: reuse reference activations, recompute each layer
  // only where the mutated base can reach.
  CompiledModel m(small_bpnet());
  auto x = random_onehot(1, 300, 5);
  FullActivations ref(m, x.data());
  for (int64_t pos : {0, 7, 150, 299}) {
    FullActivations alt = ref;
    const float* row = ref.view(0).row(pos);
    const int base = row[0] == 1.0f ? 2 : 0;
    alt.set_input_base(pos, base);
    auto changed = alt.update({pos, pos + 1});
    // A dilated conv changes only within its receptive field around pos.
    const int first = m.graph().find("iconv");
    EXPECT_EQ(changed[static_cast<size_t>(first)], PositionRange(std::max<int64_t>(pos - 10, 0), std::min<int64_t>(pos + 11, 300)).clip(300));
    auto y = x;
    std::fill(y.begin() + pos * 4, y.begin() + pos * 4 + 4, 0.0f);
    y[static_cast<size_t>(pos * 4 + base)] = 1.0f;
    FullActivations full(m, y.data());
    for (const auto& h : m.graph().heads) {
      const TensorView& a = alt.view(h.node);
      const TensorView& b = full.view(h.node);
      for (int64_t p = 0; p < m.length(h.node); ++p)
        for (int64_t t = 0; t < m.channels(h.node); ++t) ASSERT_EQ(a.row(p)[t], b.row(p)[t]) << h.name << " pos " << pos;
    }
  }
}

// The same with dilated layers wide enough for Winograd F(4,3), whose
// outputs' bits depend on whole tiles: the changed ranges widen to them.
TEST(EngineCore, PartialUpdateThroughWinogradTilesEqualsFullRecomputation) {
  CompiledModel m(small_bpnet(300, 128, 3));
  const int conv1 = m.graph().find("rconv1");
  ASSERT_GE(conv1, 0);
  ASSERT_EQ(m.node(conv1).winograd, 4);
  auto x = random_onehot(1, 300, 6);
  FullActivations ref(m, x.data());
  for (int64_t pos : {0, 61, 150, 298}) {
    FullActivations alt = ref;
    const int base = ref.view(0).row(pos)[1] == 1.0f ? 3 : 1;
    alt.set_input_base(pos, base);
    alt.update({pos, pos + 1});
    auto y = x;
    std::fill(y.begin() + pos * 4, y.begin() + pos * 4 + 4, 0.0f);
    y[static_cast<size_t>(pos * 4 + base)] = 1.0f;
    FullActivations full(m, y.data());
    for (int node = 0; node < static_cast<int>(m.nodes().size()); ++node) {
      const TensorView& a = alt.view(node);
      const TensorView& b = full.view(node);
      if (!a.data || !b.data) continue;
      for (int64_t p = 0; p < m.length(node); ++p)
        for (int64_t t = 0; t < m.channels(node); ++t)
          ASSERT_EQ(a.row(p)[t], b.row(p)[t]) << m.node(node).node.name << " pos " << p << " mutation " << pos;
    }
  }
}

// Wide convolutions of 3 taps or more run as Winograd F(2,3), wider ones as
// F(4,3); longer kernels as groups of three taps (8 and 7: a last group
// with one or two zero taps), stacked in one reduction, or, for 7 to 12
// taps, nested as F(4x3, 3x3) or F(3x3, 4x3) (the default; stacked F(4,3)
// when compiled with winograd_outputs 4). Against a float64 direct sum from the same
// weights, for dilations from 1 to beyond the half length, 'same' and
// 'valid' padding and channel counts that leave a partial vector; each
// position alone and ranges cut anywhere (tile partners not asked for, the
// input window at the edge of the view that input_range asks for) give the
// same bits as the whole layer.
TEST(EngineCore, WinogradConvEqualsTheDirectSum) {
  struct Shape {
    int64_t cin, cout;
    int tile;
    int64_t kernel;
    int at_most = 12;  // CompileOptions::winograd_outputs
  };
  for (const Shape shape : {Shape{64, 40, 2, 3}, Shape{136, 136, 4, 3}, Shape{64, 40, 2, 8}, Shape{136, 136, 4, 8, 4},
                            Shape{136, 136, 4, 7, 4}, Shape{136, 136, 12, 8}, Shape{136, 136, 12, 7},
                            Shape{136, 136, 9, 11}, Shape{136, 136, 9, 12}})
  for (int64_t d : {1, 3, 16, 140}) {
    const int64_t L = 300, cin = shape.cin, cout = shape.cout, K = shape.kernel;
    if (d * (K - 1) >= L) continue;
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(L * cin));
    for (auto& v : x) v = u(rng);
    for (bool same : {true, false}) {
      ModelGraph g;
      g.input_length = L;
      g.input_channels = cin;
      Node in;
      in.name = "x";
      g.nodes.push_back(in);
      Node c;
      c.name = "conv";
      c.op = Op::conv1d;
      c.inputs = {0};
      c.filters = cout;
      c.kernel = K;
      c.dilation = d;
      c.pad_left = same ? d * (K - 1) / 2 : 0;
      c.pad_right = same ? d * (K - 1) - c.pad_left : 0;
      c.weights["kernel"] = random_tensor({K, cin, cout}, rng);
      c.weights["bias"] = random_tensor({cout}, rng);
      const auto w = c.weights["kernel"].data;
      const auto b = c.weights["bias"].data;
      g.nodes.push_back(c);
      g.heads.push_back({"out", 1, HeadKind::profile, 1});
      const int64_t out_len = L + c.pad_left + c.pad_right - d * (K - 1);
      // The float64 direct sum, once for every kernel build.
      std::vector<double> ref(static_cast<size_t>(out_len * cout));
      for (int64_t p = 0; p < out_len; ++p)
        for (int64_t o = 0; o < cout; ++o) {
          double s = b[static_cast<size_t>(o)];
          for (int64_t k = 0; k < K; ++k) {
            const int64_t q = p + k * d - c.pad_left;
            if (q < 0 || q >= L) continue;
            for (int64_t i = 0; i < cin; ++i)
              s += static_cast<double>(x[static_cast<size_t>(q * cin + i)]) * w[static_cast<size_t>((k * cin + i) * cout + o)];
          }
          ref[static_cast<size_t>(p * cout + o)] = s;
        }
      for (const char* isa : {"avx512", "avx2", "generic"}) {  // every kernel build this CPU runs
        setenv("S2F_ENGINE_ISA", isa, 1);
        CompileOptions options;
        options.winograd_outputs = shape.at_most;
        CompiledModel m(g, options);
        ASSERT_EQ(m.node(1).winograd, shape.tile) << "dilation " << d;
        ASSERT_EQ(m.length(1), out_len);
        std::vector<float> y(static_cast<size_t>(out_len * cout));
        TensorView vin{x.data(), 0, L, cin, cin}, vout{y.data(), 0, out_len, cout, cout};
        m.compute_node(1, &vin, vout, {0, out_len});
        double worst = 0;
        for (size_t e = 0; e < ref.size(); ++e) worst = std::max(worst, std::abs(ref[e] - y[e]) / (1.0 + std::abs(ref[e])));
        // F(4,3)'s transforms (coefficients up to 8 and 1/24) round about ten
        // times more than F(2,3)'s (Barabasz et al., "Error analysis and
        // improving the accuracy of Winograd convolution", 2020); nesting
        // F(3,3) into it (1-D taps as a 3 x 3 array) up to twice that.
        const double bound = shape.tile >= 9 ? 1e-4 : shape.tile == 4 ? 5e-5 : 4e-6;
        EXPECT_LT(worst, bound * std::sqrt(K / 3.0))
            << "tile " << shape.tile << " K " << K << " dilation " << d << (same ? " same" : " valid") << ", kernels "
            << m.isa();
        std::vector<PositionRange> ranges{{out_len / 3, out_len}, {1, out_len - 2}};
        if (const PositionRange r = PositionRange{5, 6 + 3 * d}.clip(out_len); !r.empty()) ranges.push_back(r);
        if (const PositionRange r = PositionRange{d + 2, d + 3 + 11 * d}.clip(out_len); !r.empty()) ranges.push_back(r);
        for (int64_t p = 0; p < out_len; p += 7) ranges.push_back({p, p + 1});
        for (const PositionRange want : ranges) {
          const int64_t p = want.lo;
          const PositionRange need = m.input_range(1, 0, want);
          std::vector<float> one(static_cast<size_t>(want.size() * cout));
          // A copy of just the rows the position needs: a read beyond them is
          // out of bounds (the sanitizer build catches it).
          std::vector<float> rows(x.begin() + need.lo * cin, x.begin() + need.hi * cin);
          TensorView window{rows.data(), need.lo, need.size(), cin, cin};
          TensorView o1{one.data(), p, want.size(), cout, cout};
          m.compute_node(1, &window, o1, want);
          for (int64_t o = 0; o < want.size() * cout; ++o)
            ASSERT_EQ(one[static_cast<size_t>(o)], y[static_cast<size_t>(p * cout + o)])
                << "tile " << shape.tile << " K " << K << " positions " << want.lo << ".." << want.hi << " dilation "
                << d << ", kernels " << m.isa();
        }
      }
    }
  }
  unsetenv("S2F_ENGINE_ISA");
}

// A DeepSEA-like stack: a wide 8-tap Winograd convolution over few
// positions, so the predictor runs several sequences through it at once.
// Each sequence gets the bits it gets alone, whatever the batch, the
// groups and the thread count, and the values of a float64 direct pass.
TEST(EngineCore, SequencesRunTogetherGetTheBitsOfOneAlone) {
  const int64_t L = 60, F = 136, K = 8;
  std::mt19937 rng(12);
  ModelGraph g = one_hot_input(L);
  auto add = [&](Node n) { return append(g, std::move(n)); };
  const int conv1 = add(relu_conv("conv1", 0, 4, F, K, rng));
  const int conv2 = add(relu_conv("conv2", conv1, F, F, K, rng));
  g.heads = {Head{"tracks", conv2, HeadKind::profile, 1}};
  const ModelGraph weights = g;
  auto m = std::make_shared<CompiledModel>(std::move(g));
  ASSERT_EQ(m->node(conv2).winograd, 12);
  ASSERT_GT(m->sequences_per_block(), 1);
  Predictor p(m);
  const int64_t n = 23, out_len = L - 2 * (K - 1);
  const auto x = random_onehot(n, L, 4);
  std::vector<HeadOutput> one, two;
  {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
    one = p.predict(x.data(), n);
  }
  {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 2);
    two = p.predict(x.data(), n);
  }
  EXPECT_EQ(one[0].values, two[0].values);
  const int64_t per = F * out_len;
  for (int64_t s : {int64_t{0}, int64_t{9}, n - 1}) {
    const auto alone = p.predict(x.data() + s * L * 4, 1);
    EXPECT_TRUE(std::equal(alone[0].values.begin(), alone[0].values.end(), one[0].values.begin() + s * per))
        << "sequence " << s;
  }
  // float64 direct pass
  auto conv = [&](const std::vector<double>& src, int64_t cin, int64_t len, int node) {
    const auto& w = weights.nodes[static_cast<size_t>(node)].weights.at("kernel").data;
    const auto& b = weights.nodes[static_cast<size_t>(node)].weights.at("bias").data;
    std::vector<double> y(static_cast<size_t>((len - K + 1) * F));
    for (int64_t q = 0; q + K <= len; ++q)
      for (int64_t f = 0; f < F; ++f) {
        double v = b[static_cast<size_t>(f)];
        for (int64_t k = 0; k < K; ++k)
          for (int64_t i = 0; i < cin; ++i)
            v += src[static_cast<size_t>((q + k) * cin + i)] * w[static_cast<size_t>((k * cin + i) * F + f)];
        y[static_cast<size_t>(q * F + f)] = std::max(v, 0.0);
      }
    return y;
  };
  double worst = 0, scale = 0;
  for (int64_t s : {int64_t{0}, n - 1}) {
    std::vector<double> seq(x.begin() + s * L * 4, x.begin() + (s + 1) * L * 4);
    const auto y = conv(conv(seq, 4, L, conv1), F, L - K + 1, conv2);
    for (int64_t q = 0; q < out_len; ++q)
      for (int64_t f = 0; f < F; ++f) {
        const double ref = y[static_cast<size_t>(q * F + f)];
        // head values are [tracks][bins]
        worst = std::max(worst, std::abs(ref - one[0].values[static_cast<size_t>(s * per + f * out_len + q)]));
        scale = std::max(scale, std::abs(ref));
      }
  }
  EXPECT_LT(worst / scale, 1e-5);
}

// A Basset-like tail: Flatten, then Dense layers wide enough for the packed
// kernel, run once a batch with their columns split between threads. Against
// a float64 forward pass of the same weights, and bit for bit the same
// whatever the batch size and thread count.
TEST(EngineCore, DenseTailRunsOnceABatchAndMatchesTheDirectSum) {
  const int64_t L = 40, F = 24, H = 40, O = 20;  // 40 and 20 units: a partial vector each
  std::mt19937 rng(9);
  ModelGraph g = one_hot_input(L);
  auto add = [&](Node n) { return append(g, std::move(n)); };
  const int conv = add(relu_conv("conv", 0, 4, F, 5, rng));
  Node pool;
  pool.name = "pool";
  pool.op = Op::maxpool1d;
  pool.inputs = {conv};
  pool.kernel = pool.stride = 4;
  const int pooled = add(pool);
  Node flat;
  flat.name = "flatten";
  flat.op = Op::flatten;
  flat.flatten_order = "lc";
  flat.inputs = {pooled};
  const int flattened = add(flat);
  const int64_t P = (L - 4) / 4;  // pooled positions
  Node d1;
  d1.name = "dense1";
  d1.op = Op::dense;
  d1.inputs = {flattened};
  d1.units = H;
  d1.activation = Activation::relu;
  d1.weights["kernel"] = random_tensor({P * F, H}, rng);
  d1.weights["bias"] = random_tensor({H}, rng);
  const int hidden = add(d1);
  Node d2 = d1;
  d2.name = "dense2";
  d2.inputs = {hidden};
  d2.units = O;
  d2.activation = Activation::sigmoid;
  d2.weights["kernel"] = random_tensor({H, O}, rng);
  d2.weights["bias"] = random_tensor({O}, rng);
  const int out = add(d2);
  g.heads = {Head{"targets", out, HeadKind::scalar, 1}};
  const ModelGraph weights = g;
  auto m = std::make_shared<CompiledModel>(std::move(g));
  Predictor p(m);
  const int64_t n = 7;
  const auto x = random_onehot(n, L, 4);
  std::vector<HeadOutput> one, two, single;
  {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 1);
    one = p.predict(x.data(), n);
  }
  {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 2);
    two = p.predict(x.data(), n);
    single = p.predict(x.data() + 3 * L * 4, 1);
  }
  EXPECT_EQ(one[0].values, two[0].values);
  EXPECT_TRUE(std::equal(single[0].values.begin(), single[0].values.end(), one[0].values.begin() + 3 * O));

  auto w = [&](int node, const char* key, int64_t i) {
    return static_cast<double>(weights.nodes[static_cast<size_t>(node)].weights.at(key).data[static_cast<size_t>(i)]);
  };
  for (int64_t s = 0; s < n; ++s) {
    const float* seq = x.data() + s * L * 4;
    std::vector<double> a(static_cast<size_t>((L - 4) * F));
    for (int64_t q = 0; q < L - 4; ++q)
      for (int64_t f = 0; f < F; ++f) {
        double v = w(conv, "bias", f);
        for (int64_t k = 0; k < 5; ++k)
          for (int64_t ch = 0; ch < 4; ++ch) v += seq[(q + k) * 4 + ch] * w(conv, "kernel", (k * 4 + ch) * F + f);
        a[static_cast<size_t>(q * F + f)] = std::max(v, 0.0);
      }
    std::vector<double> flatv(static_cast<size_t>(P * F), -1e300);
    for (int64_t q = 0; q < P * 4; ++q)
      for (int64_t f = 0; f < F; ++f)
        flatv[static_cast<size_t>((q / 4) * F + f)] = std::max(flatv[static_cast<size_t>((q / 4) * F + f)], a[static_cast<size_t>(q * F + f)]);
    std::vector<double> h(static_cast<size_t>(H));
    for (int64_t u = 0; u < H; ++u) {
      double v = w(hidden, "bias", u);
      for (int64_t i = 0; i < P * F; ++i) v += flatv[static_cast<size_t>(i)] * w(hidden, "kernel", i * H + u);
      h[static_cast<size_t>(u)] = std::max(v, 0.0);
    }
    for (int64_t o = 0; o < O; ++o) {
      double v = w(out, "bias", o);
      for (int64_t u = 0; u < H; ++u) v += h[static_cast<size_t>(u)] * w(out, "kernel", u * O + o);
      EXPECT_NEAR(one[0].values[static_cast<size_t>(s * O + o)], 1.0 / (1.0 + std::exp(-v)), 1e-6) << s << " " << o;
    }
  }
}
