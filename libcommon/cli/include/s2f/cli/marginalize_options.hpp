// Option groups of s2f-marginalize, declared here so its main stays a list
// of what it takes: what is inserted (the modes) and into what (the
// backgrounds).
#pragma once
#include <CLI/CLI.hpp>

#include "s2f/marginalize/marginalize_request.hpp"

namespace s2f::cli {

// --motif, --motif-file, --iupac, --motif-matrix, --motif-per-background,
// --sample, --start, --spacing, --annotations, --background, --ablate.
void add_marginalize_mode_options(CLI::App& app, marginalize::MarginalizeRequest& o);
// --shuffle, --random, --gc, -n, -L.
void add_background_options(CLI::App& app, marginalize::MarginalizeRequest& o);

}  // namespace s2f::cli
