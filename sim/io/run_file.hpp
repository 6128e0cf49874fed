#pragma once
// HDF5 results (layout in docs/hdf5-schema.md). Only h5io.cpp includes HDF5 headers.
#include <string>

#include "models/world.hpp"
#include "sim/engine/results.hpp"

namespace motsim {

struct RunInfo {
  std::string scenario_toml;  // fully resolved scenario
  std::string scenario_path;
  std::string command_line;
};

// Refuses (InputError) an existing target without `force`, a missing directory or one we
// cannot write to; removes (and names) temporary files left by killed runs. Called before the
// run starts.
void check_output_path(const std::string& path, bool force);

// Writes the results atomically: to a temporary file beside the target, renamed into place
// only when complete. On failure the temporary file is removed and the target untouched.
// `world` gives the seed; with `save_agents`, /agents holds the final state of every agent.
void write_results(const std::string& path, bool force, const Results& r, const Kpis& k, const RunInfo& info,
                   const World* world, bool save_agents);

// A human-readable summary of a results file (for `motsim info`). Throws InputError when the
// file is missing, not HDF5, or not a motsim results file.
std::string describe_results(const std::string& path);

// The message for a failed write of `path` (names a full disk when that is the cause).
std::string write_failure(const std::string& path, const std::string& what);

// Temporary-file name used while writing `path`.
std::string temporary_path(const std::string& path);
// Removes PATH.tmp-PID files whose process is gone (a run killed with -9), naming each one.
void remove_stale_temporaries(const std::string& path);

}  // namespace motsim
