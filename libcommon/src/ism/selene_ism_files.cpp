// Selene's ISM file layout, written atomically per sequence.
#include "s2f/ism/selene_ism_files.hpp"

#include <filesystem>

#include "s2f/error.hpp"
#include "s2f/hdf5_matrix.hpp"
#include "s2f/io.hpp"
#include "s2f/ism/ism_output.hpp"
#include "s2f/stream/text.hpp"

namespace s2f::ism {

struct SeleneIsmFiles::Impl {
  IsmFileNames names = IsmFileNames::name;
  std::string prefix;
  bool hdf5 = false;
  std::vector<IsmStat> stats;
  std::vector<std::string> features;
  std::vector<std::unique_ptr<TextOutput>> tsv;
  std::vector<std::unique_ptr<Hdf5MatrixWriter>> h5;
  std::unique_ptr<TextOutput> row_labels;
  std::string line;

  void append_row(const std::string& a, const std::string& b, const std::string& c, std::span<const float> v) {
    line.clear();
    line += a;
    line += '\t';
    line += b;
    line += '\t';
    line += c;
    for (float x : v) {
      line += '\t';
      stream::append_float(line, x, true);
    }
    line += '\n';
  }
};

IsmFileNames parse_ism_file_names(const std::string& text) {
  if (text == "name") return IsmFileNames::name;
  if (text == "index") return IsmFileNames::index;
  if (text == "prefix") return IsmFileNames::prefix;
  fail_usage("--file-names '" + text + "' is not one of name, index, prefix");
}

SeleneIsmFiles::SeleneIsmFiles(std::string prefix, bool hdf5, std::vector<IsmStat> stats,
                               std::vector<std::string> features, IsmFileNames names)
    : impl_(std::make_unique<Impl>()) {
  impl_->names = names;
  impl_->prefix = std::move(prefix);
  impl_->hdf5 = hdf5;
  impl_->stats = std::move(stats);
  impl_->features = std::move(features);
}

SeleneIsmFiles::~SeleneIsmFiles() = default;

std::string SeleneIsmFiles::base_name(const std::string& sequence_name) const {
  std::string name = sequence_name;
  for (char& c : name)
    if (c == ' ' || c == '/' || c == '\t') c = '_';
  const auto& p = impl_->prefix;
  std::error_code ec;
  const bool directory = !p.empty() && (p.back() == '/' || std::filesystem::is_directory(p, ec));
  if (impl_->names == IsmFileNames::prefix)
    return directory ? (std::filesystem::path(p) / score::kSeleneIsmPrefix).string() : p;
  if (directory) return (std::filesystem::path(p) / name).string();
  return p + "_" + name;
}

void SeleneIsmFiles::begin(const std::string& sequence_name, std::span<const float> reference) {
  auto& m = *impl_;
  const std::string base = base_name(sequence_name);
  create_prefix_directories(base);
  m.tsv.clear();
  m.h5.clear();
  if (m.hdf5) {
    for (auto s : m.stats) m.h5.push_back(std::make_unique<Hdf5MatrixWriter>(score::selene_ism_file_name(base, s, true), m.features.size()));
    m.row_labels = std::make_unique<TextOutput>(score::selene_row_labels_name(base));
    m.row_labels->write("pos\tref\talt\n");
    for (auto s : m.stats)
      if (s == IsmStat::predictions) {
        Hdf5MatrixWriter ref(score::selene_ism_reference_name(base), m.features.size());
        ref.add_row(reference);
        ref.finish();
      }
    return;
  }
  std::string header = "pos\tref\talt";
  for (const auto& f : m.features) header += "\t" + f;
  header += '\n';
  for (auto s : m.stats) {
    m.tsv.push_back(std::make_unique<TextOutput>(score::selene_ism_file_name(base, s, false)));
    m.tsv.back()->write(header);
    if (s == IsmStat::predictions) {
      m.append_row("input_sequence", "NA", "NA", reference);
      m.tsv.back()->write(m.line);
    }
  }
}

void SeleneIsmFiles::add(const MutationLabel& label, const std::vector<std::span<const float>>& rows) {
  auto& m = *impl_;
  if (m.hdf5) {
    for (size_t i = 0; i < m.h5.size(); ++i) m.h5[i]->add_row(rows[i]);
    m.row_labels->write(label.pos + "\t" + label.ref + "\t" + label.alt + "\n");
    return;
  }
  for (size_t i = 0; i < m.tsv.size(); ++i) {
    m.append_row(label.pos, label.ref, label.alt, rows[i]);
    m.tsv[i]->write(m.line);
  }
}

void SeleneIsmFiles::end() {
  auto& m = *impl_;
  for (auto& t : m.tsv) t->commit();
  for (auto& h : m.h5) h->finish();
  if (m.row_labels) m.row_labels->commit();
  m.tsv.clear();
  m.h5.clear();
  m.row_labels.reset();
}

}  // namespace s2f::ism
