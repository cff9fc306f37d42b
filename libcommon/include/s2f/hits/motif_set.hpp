// Motifs for hit calling: contribution weight matrices (CWMs) read from a
// tfmodisco-lite results file, with the trimming, naming and per-motif
// lambda rules Fi-NeMo applies, so hit tables line up with Fi-NeMo's.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace s2f::hits {

// One strand of one pattern. Motif k of a set with reverse complements is
// the forward strand of pattern k/2 when k is even and its reverse
// complement when k is odd.
struct Motif {
  std::string name;       // after renaming
  std::string name_orig;  // "pos_patterns.pattern_3"
  char strand = '+';
  int trim_start = 0;     // [trim_start, trim_end) of the untrimmed width
  int trim_end = 0;
  double scale = 1.0;     // L2 norm of the raw matrix (Fi-NeMo's motif_scale)
  float lambda = 0.7f;
};

// Motifs of one common untrimmed width W; values laid out [motif][base][w]
// with bases A, C, G, T.
class MotifSet {
 public:
  MotifSet() = default;
  explicit MotifSet(int width) : width_(width) {}
  // `pfm_4xw` (base frequencies, for consensus letters) may be empty.
  void add(Motif motif, const std::vector<float>& values_4xw, const std::vector<float>& pfm_4xw = {});
  size_t size() const { return motifs_.size(); }
  bool empty() const { return motifs_.empty(); }
  int width() const { return width_; }
  const Motif& operator[](size_t k) const { return motifs_[k]; }
  Motif& operator[](size_t k) { return motifs_[k]; }
  const std::vector<Motif>& motifs() const { return motifs_; }
  float value(size_t motif, int base, int w) const {
    return values_[(motif * 4 + static_cast<size_t>(base)) * static_cast<size_t>(width_) + static_cast<size_t>(w)];
  }
  const std::vector<float>& values() const { return values_; }
  bool has_pfm(size_t motif) const { return !pfms_[motif].empty(); }
  float pfm(size_t motif, int base, int w) const {
    return pfms_[motif][static_cast<size_t>(base * width_ + w)];
  }

 private:
  int width_ = 0;
  std::vector<Motif> motifs_;
  std::vector<float> values_;
  std::vector<std::vector<float>> pfms_;
};

// [start, end) of the columns whose summed |value| reaches `threshold` of
// the largest column sum (tfmodisco-lite's trimming).
std::pair<int, int> trim_span(const std::vector<double>& values_4xw, int width, double threshold);

enum class MotifKind { cwm, hypothetical_cwm };

struct ModiscoOptions {
  MotifKind kind = MotifKind::cwm;
  double trim_threshold = 0.3;
  std::map<std::string, double> trim_thresholds;             // by (renamed) motif name
  std::optional<std::set<std::string>> include;              // original names
  std::map<std::string, std::string> rename;                 // original -> new name
  std::map<std::string, float> lambdas;                      // by original name
  // Where each key of the tables above was read ("file:line"); a key of
  // rename, lambdas or trim_thresholds that names no pattern of the file is
  // an error naming it (include lists may name patterns of other files).
  std::map<std::string, std::string> include_lines, rename_lines, lambda_lines, trim_lines;
  float lambda_default = 0.7f;
  bool reverse_complements = true;
  // Fi-NeMo hands its CWMs to the optimiser as float16; rounding the same
  // way makes hits reproduce Fi-NeMo's bit for bit where the inputs allow.
  bool round_to_half = true;
};

// Reads pos_patterns then neg_patterns, pattern_N in numeric order.
MotifSet load_modisco_motifs(const std::string& path, const ModiscoOptions& options);

// Two-column TSV mapping files (renaming, lambdas) and one-column lists. A
// key given twice is an error naming both lines; `lines`, when given,
// receives "file:line" of each key.
std::map<std::string, std::string> read_name_map(const std::string& path,
                                                 std::map<std::string, std::string>* lines = nullptr);
std::map<std::string, float> read_lambda_map(const std::string& path,
                                             std::map<std::string, std::string>* lines = nullptr);
std::set<std::string> read_name_list(const std::string& path, std::map<std::string, std::string>* lines = nullptr);

// Consensus over the trimmed span: the most frequent base of the motif's
// PFM (tfmodisco's `sequence`), or the largest CWM value without one.
std::string consensus(const MotifSet& set, size_t motif);

}  // namespace s2f::hits
