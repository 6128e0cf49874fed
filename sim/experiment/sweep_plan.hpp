#pragma once
// A sweep's plan: the points of its design, its runs (run id = point x replicates + replicate),
// each run's random key, and the split of the runs over scheduler tasks. Every point is checked
// as a whole scenario before the first run.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/params.hpp"
#include "sim/experiment/sweep_spec.hpp"
#include "sim/io/sweep_file.hpp"

namespace motsim {

struct SweepPoint {
  std::vector<std::string> sets;  // key=value for this point
  std::vector<double> values;     // numeric value (or list index) per swept parameter
  double trajectory = -1, step = -1, changed = -1, block = -1, row = -1;
};

// The points of the spec's design, in order.
std::vector<SweepPoint> sweep_points(const SweepSpec& sp);

struct SweepPlan {
  SweepSpec spec;
  std::vector<SweepPoint> points;
  Scenario base;     // with held values
  Scenario largest;  // the point that needs the most memory (swept agents, degree, days)
  long long seed = 0;
  int K = 0, D = 0;
  std::vector<std::string> products, kpi_columns;
  std::size_t values_per_run = 0;  // kpis + series + the run's wall seconds
  std::uint64_t hash = 0;          // the spec text and the resolved base scenario

  std::size_t runs() const { return points.size() * static_cast<std::size_t>(spec.replicates); }
  std::size_t point_of(std::size_t run) const { return run / spec.replicates; }
  int replicate_of(std::size_t run) const { return static_cast<int>(run % spec.replicates); }
  // The second half of the run's random key: the replicate with common random numbers, else the run.
  long long key_of(std::size_t run) const {
    return base.simulation.replicate + (spec.common_random_numbers ? replicate_of(run) : static_cast<long long>(run));
  }
};

// Reads the spec and checks, before the first run: the sizes (the runs, each run's row, the
// memory the plan needs: SweepNeeds), every point (InputError naming the point when one is not
// a valid scenario, or changes the products or the kept days), and that the sweep file can hold
// the layout (check_sweep_layout).
SweepPlan make_plan(const std::string& spec_path);

// What a sweep needs besides its runs, computed from the spec and the base scenario before any
// point is made (bytes; saturating at 2^64 - 1, never wrapping).
struct SweepNeeds {
  std::uint64_t points = 0, runs = 0;
  std::uint64_t plan_bytes = 0;     // the points, the design that makes them, the layout (every process)
  std::uint64_t results_bytes = 0;  // the finished runs kept until the file is written, and the writer's buffers
  std::uint64_t journal_bytes = 0;  // the journal on disk, at most (exact hexadecimal floats)
  std::uint64_t file_bytes = 0;     // the sweep file, uncompressed
};
// `kept_runs`: the runs this process keeps (a slice's own; every run for merge).
SweepNeeds sweep_needs(const SweepPlan& pl, std::uint64_t kept_runs);

// Refuses (InputError naming the spec, the numbers and the keys to change) a sweep that cannot
// fit in memory: its plan, plus with `results` what rank 0 or merge keeps, plus `at_once` runs of
// `run_bytes` each. MOTSIM_MEMORY_LIMIT overrides the memory available, as for runs.
void check_sweep_memory(const SweepPlan& pl, const SweepNeeds& n, bool results, std::uint64_t run_bytes, int at_once);
// Refuses a sweep whose file (and, with `journal`, its journal) cannot fit on the disk of `out`
// (the free space; MOTSIM_DISK_LIMIT, bytes, overrides it).
void check_sweep_disk(const SweepPlan& pl, const SweepNeeds& n, const std::string& out, bool journal);

// The runs of task `task_index` of `task_count` (run id mod count; every run when count is 0)
// that `done` lacks, in order.
std::vector<std::size_t> pending_runs(const SweepPlan& pl, int task_index, int task_count, const SweepRuns& done);

// Runs one run of the plan; its KPI values, then each kept series (NaN for days not run when
// `stop` cut it short), then its wall time in seconds (setup included; the one value of a row
// that differs between two runs of a sweep, kept apart in /provenance).
std::vector<double> compute_run(const SweepPlan& pl, std::size_t run, int threads, const std::atomic<bool>* stop);

// What the sweep file records about the plan.
SweepLayout sweep_layout(const SweepPlan& pl);

}  // namespace motsim
