// s2f-attribute's outputs: the contributions stream, tfmodisco-lite .npz
// and the ChromBPNet .h5 layout.
#include "s2f/attribute/attribution_output.hpp"

#include <cstdio>
#include <vector>

#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"
#include "s2f/npz.hpp"
#include "s2f/stream/kinds.hpp"

namespace s2f::attribute {

namespace {

// (L x 4) channels-last to (4 x L), the field's file layout.
void to_channels_first(std::span<const float> lc, std::vector<float>& cl) {
  const size_t L = lc.size() / 4;
  cl.resize(lc.size());
  for (size_t l = 0; l < L; ++l)
    for (size_t c = 0; c < 4; ++c) cl[c * L + l] = lc[l * 4 + c];
}

// Rows of unknown count spooled to an unnamed temporary file, then copied
// into an .npz array once the count is known.
class Spool {
 public:
  Spool() : file_(std::tmpfile()) {
    if (!file_) fail(Exit::io, "cannot create a temporary file for the .npz outputs", "", "set TMPDIR to a writable directory");
  }
  ~Spool() { std::fclose(file_); }
  void add(const std::vector<float>& row) {
    if (std::fwrite(row.data(), sizeof(float), row.size(), file_) != row.size())
      fail(Exit::io, "cannot write the .npz spool (temporary file)", "", "free space in TMPDIR");
    ++rows_;
  }
  void copy_to(npz::NpzWriter& w, const std::string& name, uint64_t length) {
    w.begin(name, npz::kF32, {rows_, 4, length});
    std::rewind(file_);
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), file_)) > 0) w.append(buf.data(), n);
    if (std::ferror(file_)) fail(Exit::io, "cannot read back the .npz spool (temporary file)");
    w.end();
  }

 private:
  std::FILE* file_;
  uint64_t rows_ = 0;
};

}  // namespace

struct AttributionOutput::Impl {
  OutputOptions o;
  Run& run;
  int64_t L = 0;
  std::unique_ptr<stream::Writer> writer;
  std::unique_ptr<stream::FieldCopier> copier;
  size_t f_contrib = 0;
  std::unique_ptr<Spool> ohe, shap;
  h5::File h5;
  h5::Dataset raw, hyp, proj;
  std::vector<float> row;
  Impl(OutputOptions options, Run& r) : o(std::move(options)), run(r) {}
};

AttributionOutput::AttributionOutput(const stream::Header& input, int64_t length, OutputOptions options, Run& run,
                                     const nlohmann::json& model_meta)
    : impl_(std::make_unique<Impl>(std::move(options), run)) {
  auto& m = *impl_;
  m.L = length;
  auto schema = stream::contributions_schema(length);
  // The window's allele fields tell a variant's REF and ALT windows apart.
  for (const char* name : {"allele", "ref", "alt"})
    if (const int f = input.schema.find(name); f >= 0) schema.add(input.schema[static_cast<size_t>(f)]);
  auto header = stream::make_header(stream::kind::contributions, std::move(schema), run.provenance(), &input);
  header.meta["attribution"] = m.o.attribution_meta;
  header.meta["attribution"]["projected"] = m.o.project;
  header.meta["model"] = model_meta;
  m.f_contrib = header.schema.index("contrib");
  m.copier = std::make_unique<stream::FieldCopier>(input.schema, header.schema);
  m.writer = stream::open_writer(run.opt.output, run.opt.zstd_level, std::move(header));
  if (!m.o.modisco_prefix.empty()) {
    m.ohe = std::make_unique<Spool>();
    m.shap = std::make_unique<Spool>();
  }
  if (!m.o.h5.empty()) {
    m.h5 = h5::File::create(m.o.h5);
    const uint64_t chunk = std::max<uint64_t>(1, (1u << 18) / static_cast<uint64_t>(4 * length));
    for (const char* g : {"raw", "shap", "projected_shap"}) m.h5.create_group(g);
    m.raw = m.h5.create_growing("raw/seq", h5::Type::f32, {4, static_cast<uint64_t>(length)}, chunk);
    m.hyp = m.h5.create_growing("shap/seq", h5::Type::f32, {4, static_cast<uint64_t>(length)}, chunk);
    m.proj = m.h5.create_growing("projected_shap/seq", h5::Type::f32, {4, static_cast<uint64_t>(length)}, chunk);
  }
}

AttributionOutput::~AttributionOutput() = default;

void AttributionOutput::write(const stream::Batch& in, size_t rec, std::span<const float> x, const Attribution& a) {
  auto& m = *impl_;
  auto& b = m.writer->batch();
  const size_t r = b.add_record();
  m.copier->copy(in, rec, b, r);
  auto contrib = b.fixed_mut<float>(m.f_contrib, r);
  const auto& values = m.o.project ? a.projected : a.hypothetical;
  std::copy(values.begin(), values.end(), contrib.begin());
  m.writer->end_record();
  ++m.run.records_out;
  if (m.ohe) {
    to_channels_first(x, m.row);
    m.ohe->add(m.row);
    to_channels_first(a.hypothetical, m.row);
    m.shap->add(m.row);
  }
  if (!m.o.h5.empty()) {
    to_channels_first(x, m.row);
    m.raw.append<float>(m.row);
    to_channels_first(a.hypothetical, m.row);
    m.hyp.append<float>(m.row);
    to_channels_first(a.projected, m.row);
    m.proj.append<float>(m.row);
  }
}

void AttributionOutput::finish() {
  auto& m = *impl_;
  if (m.ohe) {
    for (auto [spool, suffix] : {std::pair{m.ohe.get(), ".ohe.npz"}, std::pair{m.shap.get(), ".shap.npz"}}) {
      npz::NpzWriter w(ByteSink::open(m.o.modisco_prefix + suffix));
      spool->copy_to(w, "arr_0", static_cast<uint64_t>(m.L));
      w.finish();
    }
  }
  if (!m.o.h5.empty()) {
    m.raw.close();
    m.hyp.close();
    m.proj.close();
    m.h5.commit();
  }
  m.writer->finish();
}

}  // namespace s2f::attribute
