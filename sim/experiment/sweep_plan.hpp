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
  std::size_t values_per_run = 0;  // kpis + series
  std::uint64_t hash = 0;          // the spec text and the resolved base scenario

  std::size_t runs() const { return points.size() * static_cast<std::size_t>(spec.replicates); }
  std::size_t point_of(std::size_t run) const { return run / spec.replicates; }
  int replicate_of(std::size_t run) const { return static_cast<int>(run % spec.replicates); }
  // The second half of the run's random key: the replicate with common random numbers, else the run.
  long long key_of(std::size_t run) const {
    return base.simulation.replicate + (spec.common_random_numbers ? replicate_of(run) : static_cast<long long>(run));
  }
};

// Reads the spec and checks every point (InputError naming the point when one is not a valid
// scenario).
SweepPlan make_plan(const std::string& spec_path);

// The runs of task `task_index` of `task_count` (run id mod count; every run when count is 0)
// that `done` lacks, in order.
std::vector<std::size_t> pending_runs(const SweepPlan& pl, int task_index, int task_count, const SweepRuns& done);

// Runs one run of the plan; its KPI values, then each kept series (NaN for days not run when
// `stop` cut it short).
std::vector<double> compute_run(const SweepPlan& pl, std::size_t run, int threads, const std::atomic<bool>* stop);

// What the sweep file records about the plan.
SweepLayout sweep_layout(const SweepPlan& pl);

}  // namespace motsim
