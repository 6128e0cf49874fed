#include "sim/io/calibration_file.hpp"

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"

namespace motsim {

using namespace h5;

namespace {

void doubles(hid_t g, const char* name, const std::vector<hsize_t>& dims, const std::vector<double>& v,
             const char* doc) {
  dataset(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, v.data(), doc);
}

void write_generations(hid_t file, const CalibrationFile& c) {
  const hsize_t G = c.tolerance.size(), N = c.particles, P = c.param_names.size();
  Handle g = group(file, "generations");
  doubles(g, "tolerance", {G}, c.tolerance, "tolerance of each generation (inf: generation 0, the prior)");
  doubles(g, "acceptance", {G}, c.acceptance, "accepted / attempts");
  doubles(g, "ess", {G}, c.ess, "effective sample size 1 / sum w^2");
  doubles(g, "attempts", {G}, c.attempts, "proposals drawn");
  doubles(g, "evaluations", {G}, c.evaluations, "proposals simulated (inside the prior's support)");
  doubles(g, "seconds", {G}, c.seconds, "wall-clock seconds of the generation");
  doubles(g, "particles", {G, N, P}, c.particles_flat, "accepted parameter values [generation, particle, parameter]");
  doubles(g, "weights", {G, N}, c.weights_flat, "normalised importance weights");
  doubles(g, "distances", {G, N}, c.distances_flat, "distance of each accepted particle");
}

void write_parameters(hid_t file, const CalibrationFile& c) {
  const hsize_t P = c.param_names.size();
  Handle g = group(file, "parameters");
  strings(g, "name", c.param_names);
  strings(g, "prior", c.prior_kinds);
  doubles(g, "prior_numbers", {P, 4}, c.prior_numbers, "min, max, mean, sd of each prior (as used by its kind)");
  Handle p = group(file, "posterior");
  doubles(p, "mean", {P}, c.post_mean, "posterior mean (optimize: the optimum)");
  doubles(p, "sd", {P}, c.post_sd, "posterior standard deviation (optimize: 0)");
  doubles(p, "q05", {P}, c.post_q05, "5 % quantile");
  doubles(p, "q50", {P}, c.post_q50, "median");
  doubles(p, "q95", {P}, c.post_q95, "95 % quantile");
  if (c.optimum.empty()) return;
  Handle o = group(file, "optimum");
  doubles(o, "theta", {P}, c.optimum, "the optimum's parameter values");
  attr_double(o, "distance", c.optimum_distance);
  doubles(o, "profile_x", {P, c.profile_points}, c.profile_x, "values of each parameter around the optimum");
  doubles(o, "profile_d", {P, c.profile_points}, c.profile_d, "distance there, the other parameters at the optimum");
}

void write_series(hid_t file, const CalibrationFile& c) {
  const hsize_t C = c.obs_value.size(), F = c.fc_period.size();
  Handle o = group(file, "observed");
  strings(o, "series", c.obs_series);
  strings(o, "product", c.obs_product);
  doubles(o, "period", {C}, c.obs_period, "period (0-based, in the data's unit)");
  doubles(o, "value", {C}, c.obs_value, "observed value");
  doubles(o, "training", {C}, c.obs_training, "1: in the training window (fitted), 0: held out");
  Handle f = group(file, "forecast");
  strings(f, "series", c.fc_series);
  strings(f, "product", c.fc_product);
  doubles(f, "period", {F}, c.fc_period, "period (0-based)");
  doubles(f, "first_day", {F}, c.fc_first_day, "first day of the period");
  doubles(f, "end_day", {F}, c.fc_end_day, "day after the period");
  doubles(f, "observed", {F}, c.fc_observed, "observed value (NaN: none)");
  doubles(f, "q05", {F}, c.fc_q05, "posterior predictive 5 % quantile");
  doubles(f, "q25", {F}, c.fc_q25, "25 %");
  doubles(f, "q50", {F}, c.fc_q50, "median");
  doubles(f, "q75", {F}, c.fc_q75, "75 %");
  doubles(f, "q95", {F}, c.fc_q95, "95 %");
  attr_double(f, "coverage50", c.coverage50);
  attr_double(f, "coverage90", c.coverage90);
  attr_double(f, "mape", c.mape);
  attr_int(f, "held_out", c.held_out);
}

}  // namespace

void write_calibration_file(const std::string& path, bool force, const std::string& command_line,
                            const CalibrationFile& c) {
  write_atomically(path, force, "motsim-calibration-1", command_line, [&](hid_t file) {
    attr_string(file, "spec", c.spec_text);
    attr_string(file, "spec_path", c.spec_path);
    attr_string(file, "method", c.method);
    attr_string(file, "stopped", c.stopped);
    attr_string(file, "distance", c.distance);
    attr_string(file, "period", c.period_kind);
    attr_int(file, "training_periods", c.training_periods);
    attr_int(file, "replicates", c.replicates);
    attr_int(file, "rng_streams", c.rng_streams);
    {
      Handle d = group(file, "data");
      strings(d, "file", c.data_files);
      strings(d, "text", c.data_texts);
    }
    write_parameters(file, c);
    if (!c.tolerance.empty()) write_generations(file, c);
    write_series(file, c);
  });
}

PosteriorPopulation read_posterior(const std::string& path) {
  Handle f = open_for_reading(path);
  const std::string fmt = read_attr_string(f, "format");
  if (fmt != "motsim-calibration-1")
    throw InputError(path + ": error: not a calibration file (format '" + fmt +
                     "'); --posterior takes the file of motsim calibrate");
  PosteriorPopulation out;
  out.method = read_attr_string(f, "method");
  out.names = read_strings(f, "/parameters/name");
  const std::size_t P = out.names.size();
  std::vector<hsize_t> dims;
  if (!exists(f, "/generations")) {
    const auto x = read_doubles(f, "/optimum/theta", dims);
    if (x.size() != P) throw InputError(path + ": error: /optimum/theta does not match /parameters/name");
    out.particles = {x};
    out.weights = {1.0};
    return out;
  }
  const auto parts = read_doubles(f, "/generations/particles", dims);
  if (dims.size() != 3 || dims[2] != P || dims[0] == 0)
    throw InputError(path + ": error: /generations/particles is not [generations, particles, parameters]");
  std::vector<hsize_t> wd;
  const auto w = read_doubles(f, "/generations/weights", wd);
  const std::size_t G = dims[0], N = dims[1], last = (G - 1) * N;
  for (std::size_t i = 0; i < N; ++i) {
    out.particles.emplace_back(parts.begin() + static_cast<std::ptrdiff_t>((last + i) * P),
                               parts.begin() + static_cast<std::ptrdiff_t>((last + i + 1) * P));
    out.weights.push_back(w[last + i]);
  }
  return out;
}

}  // namespace motsim
