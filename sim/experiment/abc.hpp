#pragma once
// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009, with
// the adaptive tolerances and the weighted-covariance kernel of Beaumont et al. 2009), for any
// distance function: no motsim run is needed, so it is tested on models whose posterior is
// known (tests/unit/experiment/test_abc.cpp). Written by hand: Debian packages no ABC library
// for C++.
//
// Determinism: every draw comes from a counter-based stream keyed by (seed, generation,
// attempt), attempts are evaluated in batches in parallel and accepted in attempt order, so the
// result is the same for any thread count.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace motsim {

class Rng;

// A prior on one parameter.
struct Prior {
  enum class Kind { Uniform, LogUniform, Normal, TruncatedNormal };
  Kind kind = Kind::Uniform;
  double min = 0, max = 1;  // Uniform, LogUniform, TruncatedNormal: the support
  double mean = 0, sd = 1;  // Normal, TruncatedNormal
  double sample(Rng& r) const;
  double density(double x) const;  // up to a constant; 0 outside the support
  bool inside(double x) const { return density(x) > 0; }
};
// "uniform", "log_uniform", "normal", "truncated_normal".
std::string prior_kind_name(Prior::Kind k);

struct AbcSettings {
  int particles = 200;
  int generations = 10;          // at most
  int batch = 0;                 // attempts evaluated together (0: particles)
  double quantile = 0.5;         // next tolerance: this quantile of the population's distances
  double min_acceptance = 0.02;  // stop when a generation accepts fewer of its attempts
  double target_tolerance = 0;   // stop once the tolerance is at or below it
  long long max_attempts = 0;    // per generation (0: 200 x particles)
  std::uint64_t seed = 1;
  int threads = 0;                          // 0: every core
  const std::atomic<bool>* stop = nullptr;  // when set: a generation is abandoned between batches
};

struct AbcGeneration {
  double tolerance = 0;                        // of this generation's acceptances (infinity: generation 0)
  std::vector<std::vector<double>> particles;  // [particle][parameter]
  std::vector<double> weights;                 // normalised
  std::vector<double> distances;
  long long attempts = 0;     // proposals drawn
  long long evaluations = 0;  // of which simulated (inside the prior's support)
  double acceptance = 1;      // accepted / attempts
  double ess = 0;             // effective sample size, 1 / sum w^2
};

struct AbcResult {
  std::vector<AbcGeneration> generations;
  std::string stopped;  // why it stopped: "target tolerance", "acceptance rate", "generations", "interrupted"
};

// distance(theta, evaluation id): the id is unique per (generation, attempt), for the model's
// random key when common random numbers are off. It may run on several threads at once.
using AbcDistance = std::function<double(const std::vector<double>& theta, std::uint64_t id)>;
// The distances of a batch of proposals at once (for instance spread over MPI ranks): element
// i is the distance of thetas[i] for evaluation id ids[i].
using AbcBatchDistance = std::function<std::vector<double>(const std::vector<std::vector<double>>& thetas,
                                                           const std::vector<std::uint64_t>& ids)>;
// Called after each generation; returning false stops (an interrupt).
using AbcProgress = std::function<bool(const AbcGeneration& g, int generation)>;

// Runs ABC-SMC from `start` (generations already done, e.g. read back for a resume; empty to
// begin), the distances of each batch on s.threads threads. Throws std::invalid_argument for
// settings out of range. When *s.stop becomes true, the generation under way is dropped (it is
// run again, identical, on a resume) and the result says "interrupted".
AbcResult abc_smc(const std::vector<Prior>& priors, const AbcSettings& s, const AbcDistance& distance,
                  const AbcProgress& progress = {}, std::vector<AbcGeneration> start = {});
// The same with the batches evaluated by `distances` (s.threads unused); for any way of
// evaluating a batch the result is the same.
AbcResult abc_smc_batch(const std::vector<Prior>& priors, const AbcSettings& s, const AbcBatchDistance& distances,
                        const AbcProgress& progress = {}, std::vector<AbcGeneration> start = {});

// Indices of `draws` members of a population with weights `w` (summing to 1), by systematic
// resampling: deterministic, draw d at cumulative weight (d + 0.5) / draws.
std::vector<std::size_t> systematic_resample(const std::vector<double>& w, int draws);

// Weighted mean, sd and quantile of one parameter of a population.
double weighted_mean(const std::vector<double>& x, const std::vector<double>& w);
double weighted_sd(const std::vector<double>& x, const std::vector<double>& w);
double weighted_quantile(std::vector<double> x, std::vector<double> w, double q);

}  // namespace motsim
