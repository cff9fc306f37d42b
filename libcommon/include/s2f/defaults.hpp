// Every default that more than one place needs, written once. Options,
// library structs and --help texts read them from here, so a stage's help
// and its behaviour cannot drift apart.
#pragma once
#include <cstdint>

namespace s2f::defaults {

// The one-hot value of an N has no default: it is the model's
// (predict::NEncoding, formats/MODEL.md), or --n-value.

// Sequences per native model call (s2f-predict, s2f-marginalize).
inline constexpr int64_t batch_size = 64;
// Mutants per model call (s2f-ism).
inline constexpr int64_t ism_chunk = 256;
// An --exec model that writes nothing for this long is killed (seconds).
inline constexpr double exec_timeout_seconds = 600;

// Seeds used when --seed is not given. Each is recorded in provenance.
inline constexpr uint64_t null_flank_seed = 2024;   // s2f-encode --null shuffled-flanks:N
inline constexpr uint64_t perbin_seed = 999;        // s2f-score --emit perbin bin draws
inline constexpr uint64_t marginalize_seed = 1;     // s2f-marginalize backgrounds and shuffles
inline constexpr uint64_t reservoir_seed = 12345;   // chorus's reservoir seed (s2f-reservoir, s2f-merge-cdfs)
inline constexpr uint64_t attribute_seed = 1;       // s2f-attribute reference shuffles

// Background distributions (chorus): per-track reservoir capacity and the
// number of points of a compacted CDF.
inline constexpr uint64_t reservoir_capacity = 50000;
inline constexpr int64_t cdf_points = 10000;
// A track whose background holds fewer values than this has no percentiles
// (NaN, flagged per track) in s2f-merge-cdfs and s2f-score --cdf: chorus
// maps a track with no samples to percentile 1.0.
inline constexpr int64_t min_background_samples = 1;

// s2f-marginalize: backgrounds for --random, shuffles per sequence for
// --shuffle and --ablate, when -n is not given.
inline constexpr int64_t marginalize_count = 20;

// s2f-attribute: dinucleotide shuffles per sequence as DeepSHAP references
// (ChromBPNet's and tangermeme's default), and the relative
// summation-to-delta gap above which the run warns.
inline constexpr int64_t attribute_references = 20;
inline constexpr double attribute_gap_warning = 1e-3;

// s2f-score: random bins per record and track for --emit perbin.
inline constexpr int64_t perbin_k = 32;

}  // namespace s2f::defaults
