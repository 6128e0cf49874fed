#pragma once
// Calibration (docs/calibration.md): fit scenario parameters to observed data by ABC-SMC
// (sim/experiment/abc.hpp) or by optimisation (NLopt), then forecast every observed series over
// the horizon from the posterior, with bands, and score the forecast on held-out data.
#include <functional>
#include <string>
#include <vector>

#include "sim/experiment/abc.hpp"
#include "sim/input/observed.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/calibration_file.hpp"

namespace motsim {

class MpiJob;

struct CalibParam {
  std::string key;  // a --set key, or "scale" (consumers per agent, applied to volumes)
  Prior prior;
};

struct CalibrationSpec {
  std::string path, text, base;
  std::string canonical;          // the spec as parsed, printed back (comments and layout aside)
  std::vector<std::string> sets;  // held --set values applied to the base
  ParsedScenario base_scenario;
  std::vector<std::string> products;
  int days = 0;
  std::vector<std::string> data_files;
  std::string start_date;
  int training_periods = 0;                             // 0: every period of the data
  std::vector<std::pair<std::string, double>> weights;  // series -> weight
  std::string distance = "nrmse";                       // nrmse or nmae
  std::string method = "abc-smc";                       // abc-smc or optimize
  AbcSettings abc;
  int replicates = 1;
  bool common_random_numbers = false;  // by default true for optimize, false for abc-smc
  int evaluations = 400;               // optimize: distance evaluations (global, then local)
  int predictive_draws = 100;          // simulations of the posterior predictive
  std::vector<CalibParam> params;
  ObservedData data;
};

// Parses and validates a spec and reads its data (InputError naming file:line:col, key, value).
CalibrationSpec load_calibration_spec(const std::string& path);

// The distance of parameter values from the data's training window (replicate-averaged).
double calibration_distance(const CalibrationSpec& sp, const std::vector<double>& theta, std::uint64_t id);

struct CalibrationRun {
  int threads = 0;
  std::string journal;                               // ABC-SMC's journal (OUT.journal; "" for none)
  bool resume = false;                               // continue from the journal
  std::function<void(const std::string&)> progress;  // a line per generation
  const MpiJob* job = nullptr;                       // an MPI job: run on rank 0, the evaluations on every rank
};

// Runs the spec's method and the forecast. Interrupted (stop_requested()), it returns early,
// the journal holding every complete generation. The evaluations of a generation, of the
// profile and of the forecast run on run.threads threads or, on rank 0 of a distributed MPI job,
// over the ranks; the result is the same. (optimize's search itself is sequential: NLopt's
// algorithms ask for one point at a time.)
CalibrationFile run_calibration(const CalibrationSpec& sp, const CalibrationRun& run);

// `motsim calibrate`'s steps on rank 0 (or alone), for the CLI and the Python module: refuses an
// output that exists (without `force`) or names an input, calibrates with `run` (its journal
// OUT.journal), and writes the file and removes the journal, or, interrupted, writes nothing and
// keeps the journal. Returns whether the file was written (false: interrupted); `file` holds
// what was calibrated.
bool calibrate_into_file(const CalibrationSpec& sp, const std::string& out, bool force, CalibrationRun run,
                         const std::string& command_line, CalibrationFile& file);

// On the other ranks of that job: evaluates what rank 0 hands out until it is done.
void serve_calibration(const CalibrationSpec& sp);

}  // namespace motsim
