#pragma once
// Parameter sweeps (`motsim sweep`, `motsim merge`): a spec in TOML, a design, runs spread over
// cores (oneTBB) or cluster ranks (MPI) or scheduler tasks, a journal that makes a killed sweep
// resumable, and one HDF5 file. Layout and usage: docs/sweeps.md.
#include <string>
#include <vector>

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
  std::string base;             // base scenario path (resolved)
  std::string design = "grid";  // grid, random, lhs, morris, sobol
  int replicates = 1;
  int samples = 0;
  int levels = 4;
  long long design_seed = 1;
  long long seed = -1;  // -1: the base scenario's seed
  bool common_random_numbers = true;
  std::vector<std::string> keep_series;
  std::vector<std::string> held;  // key=value of scalar parameters
  std::vector<SweepParam> swept;
};

// Parses and validates a spec (InputError with file:line:col, key, value, what is allowed).
SweepSpec load_sweep_spec(const std::string& path);

struct SweepOptions {
  std::string spec;
  std::string out;
  bool resume = false;
  bool force = false;
  bool quiet = false;
  int threads = 0;
  int task_index = -1, task_count = 0;  // a slice for schedulers without MPI
};

// Runs a sweep (locally, or under mpirun with dynamic load balancing). Returns the exit code.
int run_sweep(const SweepOptions& opt, const std::string& command_line);
// Joins slice files into one complete sweep file. Returns the exit code.
int run_merge(const std::string& out, const std::vector<std::string>& slices, bool force);

}  // namespace motsim
