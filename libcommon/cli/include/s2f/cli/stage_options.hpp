// Option groups shared by stages: each flag is declared here once, with one
// help text and the default from s2f/defaults.hpp, so every stage that takes
// a model or a track selection spells it the same way.
#pragma once
#include <CLI/CLI.hpp>

#include "s2f/attribute/attribution_setup.hpp"
#include "s2f/catalog/stream_track_filter.hpp"
#include "s2f/predict/encode_child.hpp"
#include "s2f/predict/model_options.hpp"
#include "s2f/predict/strand_pairs.hpp"
#include "s2f/predict/track_plan.hpp"

namespace s2f::cli {

// -m/--model: an s2f model file, a Keras .h5 or architecture JSON, or "demo"
// (the bundled demo model; predict::resolve_model_path finds it), for every
// stage that reads a model, whether it runs it (add_model_options) or only
// describes it.
CLI::Option* add_model_path(CLI::App& app, std::string& model);

// -m/--model (repeatable here: several models, or a fold directory, are an
// ensemble), --weights, --input-length (add_model_file_options), --exec and
// --exec-timeout (when `exec` is true), --catalog, --heads, -b/--batch-size,
// --n-value.
void add_model_options(CLI::App& app, predict::ModelOptions& o, bool exec = true,
                       const std::string& batch_help = "Sequences per model call");

// --weights and --input-length: how a model file is read (formats/MODELS.md);
// also s2f-model-info's, which takes the model as its argument.
void add_model_file_options(CLI::App& app, predict::ModelOptions& o);

// --select, --select-file, --allow-empty, --include-padding: for stages that
// slice a stream's tracks and for stages that plan a model's tracks.
void add_track_selection(CLI::App& app, catalog::TrackFilterOptions& o);
// The selection plus what a model stage also chooses: --crop.
void add_track_plan_options(CLI::App& app, predict::TrackPlanOptions& o);

// --rc and --strand-pairs: reverse-complement combining and the strand
// pairing it needs (s2f/predict/strand_pairs.hpp).
void add_strand_options(CLI::App& app, predict::StrandOptions& o);

// --method, --references, --reference-file, --background, --target,
// --objective, --gap-warning: s2f-attribute's, and s2f-marginalize --func
// attribute's (without --background, which s2f-marginalize uses for its
// background sequences: `fixed_background` false).
void add_attribution_options(CLI::App& app, attribute::AttributionOptions& o, bool fixed_background = true);

// --genome/--bed/--vcf/--narrowpeak/--fasta-records/--sequences/-L/... of the stages
// that encode genomic inputs through an s2f-encode child.
void add_encode_inputs(CLI::App& app, predict::EncodeInputs& o);

// --null shuffled-flanks:N of s2f-encode, and of s2f-predict's encode child.
void add_null_option(CLI::App& app, std::string& null);

}  // namespace s2f::cli
