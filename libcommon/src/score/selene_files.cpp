#include "s2f/score/selene_files.hpp"

#include "s2f/error.hpp"
#include "s2f/hdf5_matrix.hpp"
#include "s2f/io.hpp"
#include "s2f/stream/kinds.hpp"
#include "s2f/stream/text.hpp"

namespace s2f::score {

namespace {
const char* kLabelColumns = "chrom\tpos\tname\tref\talt\tstrand\tref_match\tcontains_unk";
}

struct SeleneFiles::Impl {
  bool hdf5 = false;
  size_t tracks = 0;
  std::vector<std::unique_ptr<TextOutput>> tsv;
  std::vector<std::unique_ptr<Hdf5MatrixWriter>> h5;
  std::unique_ptr<TextOutput> labels;
  int chrom = -1, pos = -1, id = -1, ref = -1, alt = -1, strand = -1, ref_match = -1, unk = -1;
  bool own_labels = false;    // rows labelled by the records' selene_label field
  bool label_unk = false;     // ... followed by contains_unk
  int selene_label = -1;
  std::string line;
};

namespace {
std::string joined(const std::vector<std::string>& columns) {
  std::string s;
  for (const auto& c : columns) s += (s.empty() ? "" : "\t") + c;
  return s;
}
}  // namespace

SeleneFiles::SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
                         const std::vector<std::string>& track_ids)
    : SeleneFiles(prefix, hdf5, files, track_ids, kLabelColumns, false) {}

SeleneFiles::SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
                         const std::vector<std::string>& track_ids, std::string columns_line, bool own_labels)
    : impl_(std::make_unique<Impl>()), columns_line_(std::move(columns_line)) {
  auto& m = *impl_;
  m.own_labels = own_labels;
  m.hdf5 = hdf5;
  m.tracks = track_ids.size();
  create_prefix_directories(prefix);
  std::string header = columns_line_;
  for (const auto& t : track_ids) header += "\t" + t;
  header += "\n";
  for (auto f : files) {
    if (hdf5) {
      m.h5.push_back(std::make_unique<Hdf5MatrixWriter>(selene_file_name(prefix, f, true), m.tracks));
    } else {
      m.tsv.push_back(std::make_unique<TextOutput>(selene_file_name(prefix, f, false)));
      m.tsv.back()->write(header);
    }
  }
  if (hdf5) {
    m.labels = std::make_unique<TextOutput>(selene_row_labels_name(prefix));
    m.labels->write(columns_line_ + "\n");
  }
}

SeleneFiles::SeleneFiles(const std::string& prefix, bool hdf5, const std::vector<SeleneFile>& files,
                         const std::vector<std::string>& track_ids, const std::vector<std::string>& label_columns)
    : SeleneFiles(prefix, hdf5, files, track_ids, joined(label_columns), true) {
  impl_->label_unk = !label_columns.empty() && label_columns.back() == "contains_unk";
}

SeleneFiles::~SeleneFiles() = default;

void SeleneFiles::add_row(const stream::Batch& b, size_t rec, const std::vector<const float*>& values) {
  auto& m = *impl_;
  const auto& s = b.schema();
  if (m.chrom < 0) {
    m.chrom = s.find("chrom");
    m.pos = s.find("pos");
    m.id = s.find("id");
    m.ref = s.find("ref");
    m.alt = s.find("alt");
    m.strand = s.find("strand");
    m.ref_match = s.find("ref_match");
    m.unk = s.find("contains_unk");
  }
  std::string labels;
  if (m.own_labels) {
    if (m.selene_label < 0) m.selene_label = static_cast<int>(s.index(stream::kSeleneLabelField));
    labels = std::string(b.str(static_cast<size_t>(m.selene_label), rec));
    if (m.label_unk) labels += m.unk >= 0 && b.scalar<uint8_t>(static_cast<size_t>(m.unk), rec) ? "\tTrue" : "\tFalse";
    return write_row(labels, values);
  }
  auto str = [&](int f) { return f >= 0 ? std::string(b.str(static_cast<size_t>(f), rec)) : std::string(); };
  labels += str(m.chrom) + "\t" + (m.pos >= 0 ? std::to_string(b.scalar<int64_t>(static_cast<size_t>(m.pos), rec) + 1) : "") +
            "\t" + str(m.id) + "\t" + str(m.ref) + "\t" + str(m.alt) + "\t" +
            (m.strand >= 0 ? std::string(1, static_cast<char>(b.scalar<uint8_t>(static_cast<size_t>(m.strand), rec))) : "+") +
            "\t" + (m.ref_match < 0 || b.scalar<uint8_t>(static_cast<size_t>(m.ref_match), rec) ? "True" : "False") +
            "\t" + (m.unk >= 0 && b.scalar<uint8_t>(static_cast<size_t>(m.unk), rec) ? "True" : "False");
  write_row(labels, values);
}

void SeleneFiles::write_row(const std::string& labels, const std::vector<const float*>& values) {
  auto& m = *impl_;
  if (m.hdf5) {
    m.labels->write(labels + "\n");
    for (size_t i = 0; i < m.h5.size(); ++i) m.h5[i]->add_row({values[i], m.tracks});
    return;
  }
  for (size_t i = 0; i < m.tsv.size(); ++i) {
    m.line = labels;
    for (size_t t = 0; t < m.tracks; ++t) {
      m.line += '\t';
      stream::append_float(m.line, values[i][t], true);
    }
    m.line += '\n';
    m.tsv[i]->write(m.line);
  }
}

void SeleneFiles::finish() {
  auto& m = *impl_;
  for (auto& t : m.tsv) t->commit();
  for (auto& h : m.h5) h->finish();
  if (m.labels) m.labels->commit();
}

}  // namespace s2f::score
