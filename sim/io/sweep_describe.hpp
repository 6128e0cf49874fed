#pragma once
// The description of a sweep file (format motsim-sweep-1, docs/sweeps.md) for `motsim info`.
#include <string>

namespace motsim {

// Provenance and the plan: design, points x replicates = runs, and whether it is complete.
// Throws InputError when it cannot be read.
std::string describe_sweep_file(const std::string& path);

}  // namespace motsim
