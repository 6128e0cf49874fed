#pragma once
// Scenario files (TOML): loading, `extends` chains, --set overrides, validation and the
// resolved text stored with results. Only the TOML readers (scenario.cpp, sweep.cpp, through
// sim/input/toml_util.hpp) include toml++.
#include <stdexcept>
#include <string>
#include <vector>

#include "models/params.hpp"
#include "sim/core/errors.hpp"

namespace motsim {

// Reads, resolves (`extends`), overrides (--set key=value) and validates a scenario file.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets = {});

// Same, from text; `name` is used in messages, `base_dir` resolves relative paths.
Scenario parse_scenario(const std::string& text, const std::string& name, const std::string& base_dir,
                        const std::vector<std::string>& sets = {});

// The fully resolved scenario as TOML (every key, defaults included).
std::string scenario_to_toml(const Scenario& s);
// Prints the loader's notes (Scenario::notes) to stderr, each as "motsim: NOTE".
void print_notes(const Scenario& s);

// Closest candidate by edit distance, or empty if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace motsim
