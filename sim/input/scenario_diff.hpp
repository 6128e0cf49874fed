#pragma once
// The keys in which two resolved scenarios differ (a comparison's "levers changed"), walked over
// the parameter table, and the levers an attribution switches on and off one by one.
#include <cstdint>
#include <string>
#include <vector>

#include "models/params.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/scenario.hpp"

namespace motsim {

// One key in which a variant differs from the base: a field (its --set key, such as
// product.Orbit.claim or campaign.0.daily_reach), or a whole entry added or removed (its key
// without a field: campaign.3, segment.young).
struct KeyChange {
  std::string key;
  std::string base, variant;  // the values as TOML text; "(none)" where the entry is absent
  std::string set;            // KEY=VALUE applying a field's change to the base ("" for an entry)
  bool entry = false;         // a whole entry: `edit` adds or removes it
  ScenarioEdit edit;
};

// Every difference of `variant` from `base`, in the parameter table's order: products and
// segments matched by name, campaigns by index (those past the shorter list added or
// removed); an added entry's value is an inline table of its keys that differ from the
// defaults. Not compared: the title, the question, simulation.seed and simulation.replicate
// (a comparison sets the random key itself).
std::vector<KeyChange> scenario_diff(const Scenario& base, const Scenario& variant);

// One field of a scenario: its --set key, its section, the entry it belongs to (a product's or
// segment's name, a campaign's index; "" in a table section), its row of the parameter table and
// its value as TOML text.
struct ScenarioField {
  std::string key, section, entry;
  const FieldDesc* desc = nullptr;
  std::string value;
};
// Every field of a scenario but the entries' names, in the parameter table's order (the studio's
// levers).
std::vector<ScenarioField> scenario_fields(const Scenario& sc);

// `variant` as a scenario file that extends `base` (the file `extends` names) and holds only
// what differs: tables' keys, products and segments by name, and, when any campaign differs,
// every campaign of the variant (replace_campaigns = true); `comment` (lines starting with #)
// goes first. InputError when the variant removes a product or segment (extends cannot).
std::string variant_toml(const Scenario& base, const Scenario& variant, const std::string& extends,
                         const std::string& comment = "");

// Changes applied together: one lever of an attribution.
struct Lever {
  std::string name;                  // its keys joined by " + "; an entry as "campaign.3 (added)"
  std::vector<std::string> sets;     // --set assignments on the base
  std::vector<ScenarioEdit> edits;   // whole entries added or removed
  std::vector<std::size_t> changes;  // indices into the diff
};

// The levers of a diff: one per change, except changes that cannot be applied one without the
// other: every segment share with the segments added or removed (shares sum to 1), and a
// campaign's start_day with its end_day.
std::vector<Lever> group_levers(const std::vector<KeyChange>& changes);

// The base with the levers whose bit is set in `on` (bit i: lever i) applied after `sets`.
// InputError when that combination is not a valid scenario (levers that must change together).
Scenario with_levers(const ParsedScenario& base, const std::vector<std::string>& sets, const std::vector<Lever>& levers,
                     std::uint64_t on);

}  // namespace motsim
