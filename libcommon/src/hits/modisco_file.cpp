// tfmodisco-lite results (HDF5): pos_patterns/pattern_N/{contrib_scores,
// hypothetical_contribs} as W x 4 matrices.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <type_traits>

#include "s2f/error.hpp"
#include "s2f/hdf5/h5.hpp"
#include "s2f/hits/motif_set.hpp"
#include "s2f/stream/schema.hpp"

namespace s2f::hits {

namespace {

constexpr const char* kModiscoFile = "a tfmodisco-lite results .h5";

// Fi-NeMo's order: the integer after the last '_' (or '#'), names without
// one after all numbered ones.
struct PatternKey {
  int group;
  long number;
  std::string name;
  bool operator<(const PatternKey& o) const {
    if (group != o.group) return group < o.group;
    if (group == 0) return number < o.number;
    return name < o.name;
  }
};

PatternKey pattern_key(const std::string& name) {
  for (char sep : {'_', '#'}) {
    auto at = name.rfind(sep);
    std::string tail = at == std::string::npos ? name : name.substr(at + 1);
    long number = 0;
    if (!tail.empty() && std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        std::from_chars(tail.data(), tail.data() + tail.size(), number).ec == std::errc{})
      return {0, number, name};  // (digits beyond a long sort by name)
  }
  return {1, 0, name};
}

// Reads a W x 4 dataset of a pattern group and returns it as [base][w].
std::vector<double> read_matrix(const h5::File& file, const std::string& pattern, const std::string& dataset,
                                const std::string& where, int& width) {
  const std::string object = pattern + "/" + dataset;
  if (!file.exists(object))
    fail_input("pattern has no '" + dataset + "' dataset", where, "is this a tfmodisco-lite results file?");
  const auto dims = file.shape(object);
  if (dims.size() != 2 || dims[1] != 4)
    fail_input("'" + dataset + "' is not a W x 4 matrix", where, "expected tfmodisco-lite's (width, 4) layout");
  // A damaged shape would otherwise ask for petabytes before anything is read.
  constexpr uint64_t kMaxWidth = 100000;
  if (dims[0] == 0 || dims[0] > kMaxWidth)
    fail_input("'" + dataset + "' claims a width of " + std::to_string(dims[0]) + " (a motif has 1 to " +
                   std::to_string(kMaxWidth) + " positions)",
               where, "the file is damaged; rerun tfmodisco-lite");
  const std::vector<double> raw = file.read<double>(object).values;
  if (raw.size() != dims[0] * 4)
    fail_input("'" + dataset + "' holds " + std::to_string(raw.size()) + " values for a " + std::to_string(dims[0]) +
                   " x 4 matrix",
               where, "the file is damaged; rerun tfmodisco-lite");
  for (size_t i = 0; i < raw.size(); ++i)
    if (!std::isfinite(raw[i]))
      fail_input("'" + dataset + "' has a non-finite value (" + std::to_string(raw[i]) + ") at row " +
                     std::to_string(i / 4) + ", column " + std::to_string(i % 4),
                 where, "the motif is unusable; rerun tfmodisco-lite or leave the pattern out with -I");
  width = static_cast<int>(dims[0]);
  std::vector<double> out(raw.size());
  for (int w = 0; w < width; ++w)
    for (int b = 0; b < 4; ++b) out[static_cast<size_t>(b * width + w)] = raw[static_cast<size_t>(w * 4 + b)];
  return out;
}

std::vector<float> to_storage(const std::vector<double>& m, bool half) {
  std::vector<float> out(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    auto f = static_cast<float>(m[i]);
    out[i] = half ? stream::half_to_float(stream::float_to_half(f)) : f;
  }
  return out;
}

// Reverse complement of a [base][w] matrix: reverse both axes (A<->T, C<->G).
std::vector<double> reverse_complement(const std::vector<double>& m, int width) {
  std::vector<double> out(m.size());
  for (int b = 0; b < 4; ++b)
    for (int w = 0; w < width; ++w)
      out[static_cast<size_t>(b * width + w)] = m[static_cast<size_t>((3 - b) * width + (width - 1 - w))];
  return out;
}

}  // namespace

MotifSet load_modisco_motifs(const std::string& path, const ModiscoOptions& opt) {
  const auto file = h5::File::open(path, kModiscoFile);
  MotifSet set;
  bool any_group = false;
  std::set<std::string> tags, names;  // every pattern of the file, original and renamed
  for (const char* group_name : {"pos_patterns", "neg_patterns"}) {
    if (!file.exists(group_name)) continue;
    any_group = true;
    std::vector<PatternKey> keys;
    for (auto& n : file.members(group_name)) keys.push_back(pattern_key(n));
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
      std::string tag = std::string(group_name) + "." + key.name;
      tags.insert(tag);
      names.insert(opt.rename.count(tag) ? opt.rename.at(tag) : tag);
      if (opt.include && !opt.include->count(tag)) continue;
      std::string where = path + ":" + group_name + "/" + key.name;
      const std::string pattern = std::string(group_name) + "/" + key.name;

      int width = 0;
      std::vector<double> cwm = read_matrix(file, pattern, "contrib_scores", where, width);
      if (set.empty() && set.width() == 0) set = MotifSet(width);
      if (width != set.width())
        fail_input("pattern width " + std::to_string(width) + " differs from " + std::to_string(set.width()) +
                       " of the patterns before it",
                   where, "all patterns of one file must share a width");
      Motif fwd;
      fwd.name_orig = tag;
      auto renamed = opt.rename.find(tag);
      fwd.name = renamed == opt.rename.end() ? tag : renamed->second;
      auto lam = opt.lambdas.find(tag);
      fwd.lambda = lam == opt.lambdas.end() ? opt.lambda_default : lam->second;

      double norm = 0.0;
      for (double v : cwm) norm += v * v;
      norm = std::sqrt(norm);
      // An all-zero CWM has no direction: normalising it gives NaN, which
      // would spoil the fit of every other motif. It is left out, with a
      // warning naming it (documented in call-hits --help).
      if (!(norm > 0)) {
        warn("pattern " + tag + " is left out: its contrib_scores are all zero (" + where + ")");
        continue;
      }
      for (double& v : cwm) v /= norm;
      auto thr = opt.trim_thresholds.find(fwd.name);
      double threshold = thr == opt.trim_thresholds.end() ? opt.trim_threshold : thr->second;
      std::tie(fwd.trim_start, fwd.trim_end) = trim_span(cwm, width, threshold);

      std::vector<double> motif = cwm;
      fwd.scale = norm;
      if (opt.kind == MotifKind::hypothetical_cwm) {
        motif = read_matrix(file, pattern, "hypothetical_contribs", where, width);
        double hnorm = 0.0;
        for (double v : motif) hnorm += v * v;
        hnorm = std::sqrt(hnorm);
        if (!(hnorm > 0)) {
          warn("pattern " + tag + " is left out: its hypothetical_contribs are all zero (" + where + ")");
          continue;
        }
        for (double& v : motif) v /= hnorm;
        fwd.scale = hnorm;
      }
      std::vector<double> pfm;
      if (file.exists(pattern + "/sequence")) {
        int pfm_width = 0;
        pfm = read_matrix(file, pattern, "sequence", where, pfm_width);
        if (pfm_width != width) pfm.clear();
      }
      auto pfm_of = [&](bool reverse) {
        if (pfm.empty()) return std::vector<float>{};
        return to_storage(reverse ? reverse_complement(pfm, width) : pfm, false);
      };
      Motif rev = fwd;
      rev.strand = '-';
      rev.trim_start = width - fwd.trim_end;
      rev.trim_end = width - fwd.trim_start;
      set.add(fwd, to_storage(motif, opt.round_to_half), pfm_of(false));
      if (opt.reverse_complements)
        set.add(rev, to_storage(reverse_complement(motif, width), opt.round_to_half), pfm_of(true));
    }
  }
  if (!any_group) fail_input("no pos_patterns or neg_patterns group", path, std::string("give ") + kModiscoFile);
  // Keys of the tables must name patterns of this file: a typo would
  // otherwise leave the pattern at the default without a word.
  auto check = [&](const auto& keys, const std::map<std::string, std::string>& lines, const std::set<std::string>& valid,
                   const char* table) {
    for (const auto& entry : keys) {
      const std::string& key = [&]() -> const std::string& {
        if constexpr (std::is_same_v<std::decay_t<decltype(entry)>, std::string>) return entry;
        else return entry.first;
      }();
      if (valid.count(key)) continue;
      std::string some;
      size_t n = 0;
      for (const auto& v : valid) {
        if (n++ == 5) {
          some += ", …";
          break;
        }
        some += (some.empty() ? "" : ", ") + v;
      }
      auto at = lines.find(key);
      fail_input(std::string(table) + " names '" + key + "', which is no pattern of " + path + " (it has " +
                     std::to_string(valid.size()) + ": " + some + ")",
                 at == lines.end() ? std::string(table) : at->second, "fix the name (pos_patterns.pattern_N)");
    }
  };
  // (-I lists may be shared by several files, as with Fi-NeMo: names that
  // match nothing are left to the "no motifs selected" check.)
  check(opt.rename, opt.rename_lines, tags, "motif name map (-N)");
  check(opt.lambdas, opt.lambda_lines, tags, "motif lambda table (-L)");
  check(opt.trim_thresholds, opt.trim_lines, names, "trim threshold table");
  if (set.empty())
    fail_input("no motifs selected", path,
               opt.include ? "check the names in the include list (e.g. pos_patterns.pattern_0)" : "the file has no patterns");
  return set;
}

}  // namespace s2f::hits
