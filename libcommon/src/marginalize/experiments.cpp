#include "s2f/marginalize/experiments.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "s2f/error.hpp"
#include "s2f/genome/dinucleotide_shuffle.hpp"
#include "s2f/shard.hpp"
#include "s2f/tsv.hpp"

namespace s2f::marginalize {

namespace {

// Parses a whole non-negative integer or fails naming `what`.
int64_t parse_int(const std::string& text, const std::string& what) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    fail_usage(what + " '" + text + "' is not a non-negative integer");
  return std::stoll(text);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t a = 0;
  while (true) {
    size_t b = text.find(sep, a);
    parts.push_back(text.substr(a, b == std::string::npos ? std::string::npos : b - a));
    if (b == std::string::npos) break;
    a = b + 1;
  }
  return parts;
}

// Each motif draws its sampled instances from its own stream, so adding a
// motif to the command line does not change the others' instances.
Rng motif_rng(const Insertion& how, size_t motif_index) {
  return Rng(mix_seed(how.seed ^ mix_seed(0x6d6f746966ULL + motif_index)));
}

std::string instance(const Motif& m, const Insertion& how, Rng& rng) {
  return how.sample ? sample(m, rng) : consensus(m);
}

}  // namespace

void apply(const Experiment& e, std::span<const uint8_t> background, uint8_t* out) {
  std::copy(background.begin(), background.end(), out);
  for (const auto& s : e.segments)
    for (size_t i = 0; i < s.bases.size(); ++i)
      if (s.bases[i] != kKeepBackground) out[static_cast<size_t>(s.start) + i] = static_cast<uint8_t>(s.bases[i]);
}

void apply_for_encoding(const Experiment& e, std::span<const uint8_t> background, uint8_t* out) {
  apply(e, background, out);
  for (const auto& s : e.segments)
    if (!s.columns.empty()) std::fill_n(out + s.start, s.columns.size(), static_cast<uint8_t>('A'));
}

void write_columns(const Experiment& e, float* one_hot) {
  for (const auto& s : e.segments)
    for (size_t i = 0; i < s.columns.size(); ++i)
      std::copy(s.columns[i].begin(), s.columns[i].end(), one_hot + (static_cast<size_t>(s.start) + i) * 4);
}

void check_placement(const std::string& name, int64_t start, int64_t motif_length, int64_t length) {
  if (motif_length > length)
    fail_usage("motif " + name + " is " + std::to_string(motif_length) + " bp, longer than the " +
               std::to_string(length) + "-bp sequences");
  if (start < 0 || start + motif_length > length)
    fail_usage("motif " + name + " (" + std::to_string(motif_length) + " bp) at start " + std::to_string(start) +
                   " does not fit in the " + std::to_string(length) + "-bp sequences",
               "--start must be between 0 and " + std::to_string(length - motif_length));
}

std::vector<Experiment> motif_experiments(const std::vector<Motif>& motifs, int64_t backgrounds, int64_t length,
                                          const Insertion& how) {
  std::vector<Experiment> out;
  for (size_t k = 0; k < motifs.size(); ++k) {
    const auto& m = motifs[k];
    const auto len = static_cast<int64_t>(m.length());
    int64_t start = how.start >= 0 ? how.start : centred_start(length, len);
    check_placement(m.name, start, len, length);
    Rng rng = motif_rng(how, k);
    for (int64_t b = 0; b < backgrounds; ++b) out.push_back({m.name, b, -1, -1, {{start, instance(m, how, rng), {}}}});
  }
  return out;
}

std::vector<Experiment> matrix_experiments(const std::vector<MatrixMotif>& motifs, int64_t backgrounds,
                                           int64_t length, int64_t start) {
  std::vector<Experiment> out;
  for (const auto& m : motifs) {
    const auto len = static_cast<int64_t>(m.length());
    const int64_t at = start >= 0 ? start : centred_start(length, len);
    check_placement(m.name, at, len, length);
    if (m.per_background && static_cast<int64_t>(m.motifs.size()) != backgrounds)
      fail_input("motif matrix " + m.name + " holds " + std::to_string(m.motifs.size()) +
                     " motifs (one per background) but there are " + std::to_string(backgrounds) + " backgrounds",
                 m.source, "give one motif per background, in background order, or a (k, 4) motif for all of them");
    for (int64_t b = 0; b < backgrounds; ++b) {
      const auto& columns = m.motifs[m.per_background ? static_cast<size_t>(b) : 0];
      out.push_back({m.name, b, -1, -1, {{at, matrix_bases(columns), columns}}});
    }
  }
  return out;
}

std::vector<Experiment> paired_experiments(const std::string& label, const std::vector<Motif>& motifs,
                                           int64_t length, const Insertion& how) {
  std::vector<Experiment> out;
  Rng rng = motif_rng(how, 0);
  for (size_t b = 0; b < motifs.size(); ++b) {
    const auto len = static_cast<int64_t>(motifs[b].length());
    const int64_t at = how.start >= 0 ? how.start : centred_start(length, len);
    check_placement(label + " (motif " + std::to_string(b + 1) + ")", at, len, length);
    out.push_back({label, static_cast<int64_t>(b), -1, -1, {{at, instance(motifs[b], how, rng), {}}}});
  }
  return out;
}

SpacingSweep SpacingSweep::parse(const std::string& text) {
  auto parts = split(text, ':');
  if (parts.size() != 2 && parts.size() != 3) fail_usage("--spacing '" + text + "' is not A:B:STEP");
  SpacingSweep s;
  s.first = parse_int(parts[0], "--spacing start");
  s.last = parse_int(parts[1], "--spacing end");
  if (parts.size() == 3) s.step = parse_int(parts[2], "--spacing step");
  if (s.step < 1) fail_usage("--spacing step must be at least 1");
  if (s.last < s.first) fail_usage("--spacing '" + text + "' ends before it starts");
  return s;
}

std::vector<Experiment> spacing_experiments(const std::vector<Motif>& motifs, const SpacingSweep& sweep,
                                            int64_t backgrounds, int64_t length, const Insertion& how) {
  if (motifs.size() < 2) fail_usage("--spacing needs at least two motifs");
  std::string label;
  for (const auto& m : motifs) label += (label.empty() ? "" : "+") + m.name;
  const auto len0 = static_cast<int64_t>(motifs[0].length());
  const int64_t start0 = how.start >= 0 ? how.start : centred_start(length, len0);
  check_placement(motifs[0].name, start0, len0, length);
  std::vector<Rng> rngs;
  for (size_t k = 0; k < motifs.size(); ++k) rngs.push_back(motif_rng(how, k));
  std::vector<Experiment> out;
  for (int64_t gap = sweep.first; gap <= sweep.last; gap += sweep.step) {
    // Every motif after the first starts `gap` bases after the previous one ends.
    std::vector<int64_t> starts = {start0};
    for (size_t k = 1; k < motifs.size(); ++k) {
      int64_t s = starts.back() + static_cast<int64_t>(motifs[k - 1].length()) + gap;
      auto len = static_cast<int64_t>(motifs[k].length());
      if (s + len > length)
        fail_usage("at gap " + std::to_string(gap) + " motif " + motifs[k].name + " would end at " +
                       std::to_string(s + len) + ", past the " + std::to_string(length) + "-bp sequences",
                   "lower the --spacing end or move motif 1 with --start");
      starts.push_back(s);
    }
    for (int64_t b = 0; b < backgrounds; ++b) {
      Experiment e{label, b, gap, -1, {}};
      for (size_t k = 0; k < motifs.size(); ++k) e.segments.push_back({starts[k], instance(motifs[k], how, rngs[k]), {}});
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::vector<Annotation> read_annotations(const std::string& path) {
  std::ifstream f(path);
  if (!f) fail_io("cannot open annotations file", path, "check the --annotations path");
  std::vector<Annotation> out;
  std::string line;
  std::vector<std::string_view> fields;
  for (size_t lineno = 1; std::getline(f, line); ++lineno) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    split_tabs(line, fields);
    const std::string at = path + ":" + std::to_string(lineno);
    if (out.empty() && lineno == 1 && !fields.empty() && !fields[0].empty() && !std::isdigit(static_cast<unsigned char>(fields[0][0])))
      continue;  // a header line
    if (fields.size() < 3) fail_input("annotation has " + std::to_string(fields.size()) + " columns, expected example, start, end", at);
    Annotation a;
    try {
      a.example = parse_int(std::string(fields[0]), "example index");
      a.start = parse_int(std::string(fields[1]), "start");
      a.end = parse_int(std::string(fields[2]), "end");
    } catch (const Error& e) {
      fail_input(e.what_part(), at, "columns: example index, start, end (0-based, half-open)");
    }
    if (a.end <= a.start) fail_input("annotation end " + std::to_string(a.end) + " is not after its start " + std::to_string(a.start), at);
    a.name = fields.size() > 3 && !fields[3].empty() ? std::string(fields[3])
                                                     : std::to_string(a.example) + ":" + std::to_string(a.start) + "-" + std::to_string(a.end);
    out.push_back(std::move(a));
  }
  if (out.empty()) fail_input("annotations file has no annotations", path);
  return out;
}

void check_annotations(const std::vector<Annotation>& annotations, int64_t sources, int64_t length,
                       const std::string& where) {
  for (const auto& a : annotations) {
    if (a.example >= sources)
      fail_input("annotation " + a.name + " names example " + std::to_string(a.example) + " but the input has " +
                     std::to_string(sources) + " sequences (example index = record index, from 0)",
                 where);
    if (a.end > length)
      fail_input("annotation " + a.name + " ends at " + std::to_string(a.end) + ", past the " + std::to_string(length) +
                     "-bp sequences",
                 where);
  }
}

std::vector<Experiment> annotation_experiments(const std::vector<Annotation>& annotations,
                                               const std::vector<std::string>& sources, int64_t backgrounds) {
  std::vector<Experiment> out;
  for (const auto& a : annotations) {
    std::string bases = sources[static_cast<size_t>(a.example)].substr(static_cast<size_t>(a.start),
                                                                       static_cast<size_t>(a.end - a.start));
    for (int64_t b = 0; b < backgrounds; ++b) out.push_back({a.name, b, -1, -1, {{a.start, bases, {}}}});
  }
  return out;
}

Region Region::parse(const std::string& text, int64_t length) {
  auto parts = split(text, ':');
  if (parts.size() != 2) fail_usage("--ablate '" + text + "' is not START:END");
  Region r{parse_int(parts[0], "--ablate start"), parse_int(parts[1], "--ablate end")};
  if (r.end <= r.start) fail_usage("--ablate '" + text + "' is empty: END must be after START");
  if (r.end > length)
    fail_usage("--ablate '" + text + "' ends past the " + std::to_string(length) + "-bp sequences");
  return r;
}

std::vector<Experiment> ablation_experiments(const std::vector<std::string>& inputs, Region region,
                                             int64_t shuffles, uint64_t seed) {
  Rng rng(seed);
  const std::string label = "ablate:" + std::to_string(region.start) + "-" + std::to_string(region.end);
  std::vector<Experiment> out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string_view part(inputs[i].data() + region.start, static_cast<size_t>(region.end - region.start));
    for (int64_t k = 0; k < shuffles; ++k)
      out.push_back({label, static_cast<int64_t>(i), -1, k, {{region.start, genome::dinucleotide_shuffle(part, rng), {}}}});
  }
  return out;
}

}  // namespace s2f::marginalize
