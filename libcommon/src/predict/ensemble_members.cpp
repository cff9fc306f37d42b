// Naming, checking and describing an ensemble's members.
#include "s2f/predict/ensemble_members.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "s2f/engine/ensemble_hash.hpp"
#include "s2f/error.hpp"
#include "s2f/predict/model_tracks.hpp"

namespace s2f::predict {

namespace fs = std::filesystem;

namespace {

// "s2f" or "keras" for a model file's name, "" for any other file.
std::string model_form(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".s2fm") return "s2f";
  if (ext == ".h5" || ext == ".hdf5") return "keras";
  return "";
}

// Name order with digit runs compared as numbers, so fold_10 follows fold_9.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      auto na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal up to leading zeros: a total order all the same
}

std::vector<std::string> directory_members(const std::string& dir) {
  std::vector<std::string> names;
  std::string first_form, first_name;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const auto form = model_form(it->path());
    if (form.empty()) continue;
    const auto name = it->path().filename().string();
    if (first_form.empty()) {
      first_form = form;
      first_name = name;
    } else if (form != first_form) {
      fail_input("the fold directory holds models of two forms: " + first_name + " and " + name, dir,
                 "keep one form per directory (s2f-model-info --save converts a Keras .h5 to an s2f model file), "
                 "or name the models with -m each");
    }
    names.push_back(name);
  }
  if (ec) fail_io("cannot list the model directory: " + ec.message(), dir);
  if (names.empty())
    fail_input("the directory holds no model file (*.s2fm, *.h5 or *.hdf5)", dir,
               "give a directory of one model's folds, or the model files with -m each");
  std::sort(names.begin(), names.end(), natural_less);
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back((fs::path(dir) / n).string());
  return paths;
}

std::string describe_head(const engine::ModelGraph& g, size_t h) {
  const auto info = heads_of_model(g)[h];
  return "head '" + info.name + "' (" + (info.profile ? "profile" : "scalar") + ", " + std::to_string(info.tracks) +
         " tracks x " + std::to_string(info.bins) + " bins of " + std::to_string(info.bin_size) + " bp)";
}

}  // namespace

std::vector<std::string> ensemble_member_paths(const std::vector<std::string>& models) {
  std::vector<std::string> paths;
  for (const auto& m : models) {
    std::error_code ec;
    if (m != "demo" && fs::is_directory(m, ec)) {
      auto in_dir = directory_members(m);
      paths.insert(paths.end(), in_dir.begin(), in_dir.end());
    } else {
      paths.push_back(m);
    }
  }
  return paths;
}

void check_members_agree(const std::vector<StageModel>& members) {
  if (members.size() < 2) return;
  const auto& a = members.front();
  const auto heads_a = heads_of_model(a.graph);
  for (size_t m = 1; m < members.size(); ++m) {
    const auto& b = members[m];
    auto disagree = [&](const std::string& what_a, const std::string& what_b) {
      fail_input("the ensemble's models disagree: " + a.path + " has " + what_a + ", " + b.path + " has " + what_b,
                 a.path + " and " + b.path, "give the folds of one model: the same input length and heads");
    };
    if (a.graph.input_length != b.graph.input_length)
      disagree(std::to_string(a.graph.input_length) + "-bp inputs", std::to_string(b.graph.input_length) + "-bp inputs");
    const auto heads_b = heads_of_model(b.graph);
    for (size_t h = 0; h < std::max(heads_a.size(), heads_b.size()); ++h) {
      if (h >= heads_b.size()) disagree(describe_head(a.graph, h), "no head " + std::to_string(h + 1));
      if (h >= heads_a.size()) disagree("no head " + std::to_string(h + 1), describe_head(b.graph, h));
      const auto &x = heads_a[h], &y = heads_b[h];
      if (x.name != y.name || x.profile != y.profile || x.tracks != y.tracks || x.bins != y.bins ||
          x.bin_size != y.bin_size)
        disagree(describe_head(a.graph, h), describe_head(b.graph, h));
      // --rc swaps the mean's tracks by one pairing: recorded ones must agree.
      if (x.strand_pairs && y.strand_pairs && *x.strand_pairs != *y.strand_pairs)
        disagree("strand pairs " + nlohmann::json(*x.strand_pairs).dump() + " on head '" + x.name + "'",
                 "strand pairs " + nlohmann::json(*y.strand_pairs).dump());
    }
    // The first member's embedded catalog names every member's tracks.
    const auto tracks_a = a.graph.metadata.value("tracks", nlohmann::json()),
               tracks_b = b.graph.metadata.value("tracks", nlohmann::json());
    if (!tracks_a.is_null() && !tracks_b.is_null() && tracks_a != tracks_b)
      disagree("one embedded track catalog", "another (the tracks are not the same)");
  }
}

nlohmann::json ensemble_identity(const std::vector<std::string>& models, const std::vector<StageModel>& members) {
  if (members.size() == 1) return model_identity(members.front().path, members.front().graph);
  auto listed = nlohmann::json::array();
  std::vector<std::string> hashes;
  for (const auto& m : members) {
    listed.push_back(model_identity(m.path, m.graph));
    hashes.push_back(m.graph.metadata.value("content_hash", ""));
  }
  std::string named;
  for (const auto& m : models) named += (named.empty() ? "" : " ") + m;
  nlohmann::json j = {{"path", named},
                      {"name", "ensemble of " + std::to_string(members.size()) + " models"},
                      {"format", "ensemble"},
                      {"combine", "mean"},
                      {"hash", engine::ensemble_hash(hashes)},
                      {"input_length", members.front().graph.input_length},
                      {"members", listed}};
  if (members.front().graph.metadata.value("input_length_free", false)) j["input_length_free"] = true;
  return j;
}

void announce_ensemble(const std::vector<StageModel>& members, Run& run) {
  if (members.size() < 2) return;
  const std::string k = std::to_string(members.size());
  run.summary_extra = k + " models" + (run.summary_extra.empty() ? "" : ", " + run.summary_extra);
  if (run.opt.quiet) return;
  std::string names;
  for (const auto& m : members) names += (names.empty() ? "" : ", ") + m.path;
  std::fprintf(stderr, "%s: ensemble of %s models (%s): outputs are their mean; %sx the compute of one model\n",
               program_name().c_str(), k.c_str(), names.c_str(), k.c_str());
}

}  // namespace s2f::predict
