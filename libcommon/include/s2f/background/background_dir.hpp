// Backgrounds by name, as chorus finds ~/.chorus/backgrounds/{oracle}_pertrack.npz:
// `--cdf enformer` reads DIR/enformer_pertrack.npz, where DIR is
// $S2F_BACKGROUNDS when set, else ~/.s2f/backgrounds (s2f-merge-cdfs
// --out-dir DIR --name NAME writes there). An argument that is a path (holds
// a '/', ends in .npz, or names an existing file) is used as given.
#pragma once
#include <string>

namespace s2f::background {

// The default background directory ("" when neither $S2F_BACKGROUNDS nor $HOME is set).
std::string background_dir();
// The archive `name_or_path` means; a name with no archive in the directory
// is a bad_input error naming the path looked at and how to fix it.
std::string resolve_background(const std::string& name_or_path);

}  // namespace s2f::background
