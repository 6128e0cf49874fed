#pragma once
// A sweep's spec (docs/sweeps.md, "The spec"): the base scenario, the design, replicates, what to
// keep and the parameters, each key read through one table (sweep_spec_fields) and every value
// checked against the base scenario, which is read once.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/input/scenario.hpp"

namespace motsim {

struct SweepParam {
  std::string key;                  // dotted scenario key, as for --set
  std::vector<std::string> values;  // list (grid/random/lhs choices), as TOML literals
  bool range = false;               // {min, max}
  double min = 0, max = 0;
  int steps = 0;  // grid over a range
  bool log = false;
  bool integer = false;  // the scenario key takes integers
};

struct SweepSpec {
  std::string path, base_dir, text;
  std::string canonical;        // the parsed spec printed back (keys sorted, no comments): its identity
  std::string base;             // base scenario path (resolved)
  std::string design = "grid";  // grid, random, lhs, morris, sobol
  int replicates = 1;
  int samples = 0;
  int levels = 4;
  long long design_seed = 1;
  long long seed = -1;  // -1: the base scenario's seed
  bool common_random_numbers = true;
  bool second_order = false;  // sobol: add the BA_i blocks (second-order indices)
  std::vector<std::string> keep_series;
  std::vector<std::string> held;             // key=value of scalar parameters
  std::map<std::string, std::string> plain;  // a value's TOML literal -> the value as text (no quotes)
  std::vector<std::string> notes;            // warnings about the spec (printed by motsim sweep)
  std::vector<SweepParam> swept;
  ParsedScenario base_scenario;  // `base`, read once: every point applies its values to it
};

// How a key of the spec is read and checked.
enum class SpecKind { Scenario, Choice, Int, Int64, Bool, SeriesList, Parameters };

// One key of the spec, as the scenario's parameter table describes a scenario key: its kind,
// what it allows, its meaning and the field of SweepSpec it sets (an absent key keeps the
// default of SweepSpec).
struct SpecFieldDesc {
  std::string key;
  SpecKind kind;
  long long min = 0, max = 0;        // Int, Int64: the inclusive range
  std::vector<std::string> choices;  // Choice
  std::string alias_of;              // another name of that key (not both in one spec)
  std::string doc;                   // meaning (Scenario: what it must name)
  // The field it sets: int (Int), long long (Int64), bool (Bool), std::string (Scenario,
  // Choice) or std::vector<std::string> (SeriesList); none for Parameters.
  std::function<void*(SweepSpec&)> ptr;
};

// The spec's keys, in the order they are read and listed in messages.
const std::vector<SpecFieldDesc>& sweep_spec_fields();

// Parses and validates a spec (InputError with file:line:col, key, value, what is allowed).
// The spec is read as a regular file of at most kMaxTextInput bytes (a FIFO or a device is
// refused, naming it), and so is its base scenario.
SweepSpec load_sweep_spec(const std::string& path);

// The most runs a sweep may have: 2^31 - 1. Run counts pass through 32-bit integers (the
// designs' sizes, MPI message counts), and the file's float64 columns hold run ids exactly.
// load_sweep_spec refuses more, before anything of that size is allocated.
inline constexpr std::uint64_t kMaxSweepRuns = (1ull << 31) - 1;

// The points of the spec's design: grid, the product of each swept parameter's levels (its
// steps, or its list's length); random and lhs, samples; morris, samples (k + 1); sobol,
// samples (k + 2). Exact (at most kMaxSweepRuns once the spec is loaded).
std::uint64_t sweep_point_count(const SweepSpec& sp);

// The keys that set a sweep's size, with their values, for a message: "'samples' (1000) or
// 'replicates' (3)", or each grid parameter's levels.
std::string sweep_size_keys(const SweepSpec& sp);

}  // namespace motsim
