#pragma once
// The calibration file (docs/calibration.md, "The file"): format "motsim-calibration-1".
#include <string>
#include <vector>

namespace motsim {

struct CalibrationFile {
  std::string spec_text, spec_path, method, stopped, distance, period_kind;
  std::vector<std::string> data_files, data_texts;
  int training_periods = 0, replicates = 1;
  long long rng_streams = -1;  // the random streams' version of every evaluation (sim/core/rng.hpp)
  // Parameters: name, prior kind and its numbers (min, max, mean, sd).
  std::vector<std::string> param_names, prior_kinds;
  std::vector<double> prior_numbers;  // [P][4]
  // ABC-SMC generations: [G], and [G][N][P], [G][N].
  std::vector<double> tolerance, acceptance, ess, attempts, evaluations, seconds;
  std::size_t particles = 0;
  std::vector<double> particles_flat, weights_flat, distances_flat;
  // The posterior (or the optimum alone): per parameter.
  std::vector<double> post_mean, post_sd, post_q05, post_q50, post_q95;
  // optimize: the optimum, its distance, and the profile of the distance around it [P][M].
  std::vector<double> optimum, profile_x, profile_d;
  double optimum_distance = 0;
  std::size_t profile_points = 0;
  // The observed cells and the posterior predictive of every observed series over the horizon.
  std::vector<std::string> obs_series, fc_series;
  std::vector<std::string> obs_product, fc_product;
  std::vector<double> obs_period, obs_value, obs_training;
  std::vector<double> fc_period, fc_first_day, fc_end_day, fc_observed;
  std::vector<double> fc_q05, fc_q25, fc_q50, fc_q75, fc_q95;
  double coverage50 = 0, coverage90 = 0, mape = 0;  // NaN without held-out data
  long long held_out = 0;
};

// Writes it atomically (h5::write_atomically): never over an existing file without `force`.
void write_calibration_file(const std::string& path, bool force, const std::string& command_line,
                            const CalibrationFile& c);

// What `motsim compare --posterior` takes from a calibration file: the fitted keys and the
// final population (its particles and weights), or the optimum alone with weight 1.
// InputError for a file that is not a calibration file.
struct PosteriorPopulation {
  std::vector<std::string> names;
  std::vector<std::vector<double>> particles;  // [particle][parameter]
  std::vector<double> weights;
  std::string method;
};
PosteriorPopulation read_posterior(const std::string& path);

}  // namespace motsim
