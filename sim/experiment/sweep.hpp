#pragma once
// Parameter sweeps (`motsim sweep`, `motsim merge`): a spec in TOML (sweep_spec), its plan of
// runs (sweep_plan), runs spread over cores (sweep_local) or cluster ranks (mpi.hpp) or
// scheduler tasks, a journal that makes a killed sweep resumable (sweep_journal), and one HDF5
// file (sim/io/sweep_file). Layout and usage: docs/sweeps.md.
#include <string>
#include <vector>

#include "sim/experiment/sweep_spec.hpp"

namespace motsim {

struct SweepOptions {
  std::string spec;
  std::string out;
  bool resume = false;
  bool force = false;
  bool quiet = false;
  int threads = 0;
  int task_index = -1, task_count = 0;  // a slice for schedulers without MPI
  std::string extend;                   // --extend: a sweep file whose runs this sweep reuses
};

// Runs a sweep (locally, or under mpirun with dynamic load balancing). Returns the exit code.
int run_sweep(const SweepOptions& opt, const std::string& command_line);
// Joins slice files into one complete sweep file. Returns the exit code.
int run_merge(const std::string& out, const std::vector<std::string>& slices, bool force,
              const std::string& command_line);

}  // namespace motsim
