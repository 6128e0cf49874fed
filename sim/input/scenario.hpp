#pragma once
// Scenario files (TOML): loading, `extends` chains, --set overrides, validation and the
// resolved text stored with results. Only the TOML readers (scenario.cpp, sweep_spec.cpp, through
// sim/input/toml_util.hpp) include toml++.
#include <memory>
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

// A whole entry of an array section ([[segment]], [[product]], [[campaign]]) added to or removed
// from a scenario: what --set cannot do, for an attribution's levers (a campaign added as a
// whole). Removing: `id` is the entry's name, or a campaign's index from 0, in the scenario as
// read. Adding: `entry` is the entry as an inline TOML table, e.g. { product = "Orbit" }.
struct ScenarioEdit {
  std::string section;
  bool add = false;
  std::string id, entry;
};

// A scenario file read and resolved (`extends`) once, to which overrides are applied many times:
// with(sets) gives what load_scenario(path, sets) gives (the same Scenario, the same messages)
// without reading the files again. Copies share the text; with() may run on several threads.
class ParsedScenario {
 public:
  ParsedScenario() = default;
  explicit ParsedScenario(const std::string& path);  // InputError as load_scenario's
  Scenario with(const std::vector<std::string>& sets = {}) const;
  // The same, after removing the entries `edits` remove and before the --set overrides; the
  // entries they add are appended after the overrides.
  Scenario with(const std::vector<std::string>& sets, const std::vector<ScenarioEdit>& edits) const;

 private:
  struct Text;
  std::shared_ptr<const Text> text_;
};

// The fully resolved scenario as TOML (every key, defaults included).
std::string scenario_to_toml(const Scenario& s);
// Prints the loader's notes (Scenario::notes) to stderr, each as "motsim: NOTE".
void print_notes(const Scenario& s);

// Closest candidate by edit distance, or empty if none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace motsim
