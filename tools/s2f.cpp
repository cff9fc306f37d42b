// s2f: the front command. `s2f <stage> args…` runs `s2f-<stage> args…`
// (found next to this binary first, then on PATH), the way git runs its
// subcommands; `s2f` alone lists the stages.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "s2f/paths.hpp"
#include "s2f/tool.hpp"

namespace {

struct Stage {
  const char* name;
  const char* summary;
};

constexpr Stage kStages[] = {
    {"sample-positions", "choose genomic positions, intervals or SNPs to study (seeded, shardable)"},
    {"encode", "turn positions, BED, VCF or FASTA into fixed-length sequence windows"},
    {"predict", "run a model (s2f, Keras .h5 or --exec plug-in) over sequence windows"},
    {"score", "variant-effect and window statistics per track, with percentiles"},
    {"reservoir", "per-track reservoir samples of score values (Algorithm R)"},
    {"merge-cdfs", "merge reservoir shards into per-track percentile CDFs (.npz)"},
    {"ism", "in silico mutagenesis and ISM attributions (fast ISM for native models)"},
    {"marginalize", "insert motifs into background sequences and measure the effect"},
    {"call-hits", "call motif instances from contribution scores (Fi-NeMo algorithm)"},
    {"model-info", "describe a model: layers, parameters, receptive field, heads"},
    {"view", "print, validate, slice, join and convert s2f streams"},
};

void usage(FILE* out) {
  std::string dir = s2f::executable_dir();
  std::fprintf(out,
               "s2f %s \u2014 sequence-to-function models over genomes, as streaming Unix tools\n\n"
               "Usage: s2f <stage> [options]   (same as s2f-<stage> [options])\n"
               "       s2f <stage> --help\n\nStages:\n",
               s2f::version());
  for (const auto& s : kStages) {
    bool built = !dir.empty() && ::access((dir + "/s2f-" + s.name).c_str(), X_OK) == 0;
    std::fprintf(out, "  %-17s %s%s\n", s.name, s.summary, built ? "" : "  [not built]");
  }
  std::fprintf(out,
               "\nExample:\n  s2f sample-positions -g ref.fa --strategy random --count 1000 --seed 1 \\\n"
               "    | s2f encode -g ref.fa -L 500 | s2f predict --model demo | s2f view --head 3\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("s2f %s\n", s2f::version());
    return 0;
  }
  std::string stage = argv[1];
  std::string exe = "s2f-" + stage;
  std::vector<char*> args;
  args.push_back(exe.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  std::string dir = s2f::executable_dir();
  if (!dir.empty()) {
    std::string local = dir + "/" + exe;
    if (::access(local.c_str(), X_OK) == 0) {
      ::execv(local.c_str(), args.data());
    }
  }
  ::execvp(exe.c_str(), args.data());
  if (errno == ENOENT) {
    std::fprintf(stderr, "s2f: error: unknown stage '%s' (no %s next to s2f or on PATH) \u2014 run s2f to list the stages\n",
                 stage.c_str(), exe.c_str());
    return 2;
  }
  std::fprintf(stderr, "s2f: error: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
  return 3;
}
