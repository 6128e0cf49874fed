#include "sim/experiment/abc.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"

namespace motsim {

double Prior::sample(Rng& r) const {
  switch (kind) {
    case Kind::Uniform:
      return min + r.uniform() * (max - min);
    case Kind::LogUniform:
      return std::exp(std::log(min) + r.uniform() * (std::log(max) - std::log(min)));
    case Kind::Normal:
      return r.normal(mean, sd);
    case Kind::TruncatedNormal:
      // Rejection from the normal; a support far in a tail falls back to a uniform draw on it.
      for (int i = 0; i < 10000; ++i)
        if (const double x = r.normal(mean, sd); x >= min && x <= max) return x;
      return min + r.uniform() * (max - min);
  }
  return min;
}

double Prior::density(double x) const {
  if (!std::isfinite(x)) return 0;
  const double z = (x - mean) / sd;
  switch (kind) {
    case Kind::Uniform:
      return x >= min && x <= max ? 1 / (max - min) : 0;
    case Kind::LogUniform:
      return x >= min && x <= max ? 1 / (x * (std::log(max) - std::log(min))) : 0;
    case Kind::Normal:
      return std::exp(-0.5 * z * z) / sd;
    case Kind::TruncatedNormal:
      return x >= min && x <= max ? std::exp(-0.5 * z * z) / sd : 0;
  }
  return 0;
}

std::string prior_kind_name(Prior::Kind k) {
  switch (k) {
    case Prior::Kind::Uniform:
      return "uniform";
    case Prior::Kind::LogUniform:
      return "log_uniform";
    case Prior::Kind::Normal:
      return "normal";
    case Prior::Kind::TruncatedNormal:
      return "truncated_normal";
  }
  return "?";
}

double weighted_mean(const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0, t = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += w[i] * x[i], t += w[i];
  return t > 0 ? s / t : std::numeric_limits<double>::quiet_NaN();
}

double weighted_sd(const std::vector<double>& x, const std::vector<double>& w) {
  const double m = weighted_mean(x, w);
  double s = 0, t = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += w[i] * (x[i] - m) * (x[i] - m), t += w[i];
  return t > 0 ? std::sqrt(s / t) : std::numeric_limits<double>::quiet_NaN();
}

// The smallest x whose cumulative weight reaches q of the total.
double weighted_quantile(std::vector<double> x, std::vector<double> w, double q) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  double c = 0;
  for (std::size_t i : order)
    if ((c += w[i]) >= q * total) return x[i];
  return order.empty() ? std::numeric_limits<double>::quiet_NaN() : x[order.back()];
}

std::vector<std::size_t> systematic_resample(const std::vector<double>& w, int draws) {
  std::vector<std::size_t> out;
  out.reserve(static_cast<std::size_t>(std::max(draws, 0)));
  double c = 0;
  std::size_t i = 0;
  for (int d = 0; d < draws; ++d) {
    const double u = (d + 0.5) / draws;
    while (i + 1 < w.size() && c + w[i] < u) c += w[i++];
    out.push_back(i);
  }
  return out;
}

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// The perturbation kernel of a population: N(0, 2 x its weighted covariance) (Beaumont et
// al. 2009), as its Cholesky factor and the inverse for the kernel density.
struct Kernel {
  Matrix chol, inverse;
  double log_norm = 0;  // log of 1 / sqrt(det(2 pi cov)), omitted constants cancel between particles
};

Kernel kernel_of(const AbcGeneration& g) {
  const std::size_t n = g.particles.size(), k = g.particles[0].size();
  Vector mean = Vector::Zero(static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) mean[j] += g.weights[i] * g.particles[i][j];
  Matrix cov = Matrix::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  for (std::size_t i = 0; i < n; ++i) {
    Vector d(static_cast<Eigen::Index>(k));
    for (std::size_t j = 0; j < k; ++j) d[j] = g.particles[i][j] - mean[j];
    cov += g.weights[i] * d * d.transpose();
  }
  cov *= 2.0;
  for (std::size_t j = 0; j < k; ++j)  // a collapsed dimension keeps a little spread
    cov(j, j) += 1e-12 * (1 + mean[j] * mean[j]);
  Eigen::LLT<Matrix> llt(cov);
  if (llt.info() != Eigen::Success) {
    cov = Matrix(cov.diagonal().asDiagonal());
    llt.compute(cov);
  }
  Kernel K;
  K.chol = llt.matrixL();
  K.inverse = llt.solve(Matrix::Identity(cov.rows(), cov.cols()));
  return K;
}

double prior_density(const std::vector<Prior>& priors, const std::vector<double>& x) {
  double d = 1;
  for (std::size_t j = 0; j < priors.size(); ++j) d *= priors[j].density(x[j]);
  return d;
}

// One attempt's proposal: from the prior (generation 0) or a perturbed particle of `prev`.
std::vector<double> propose(const std::vector<Prior>& priors, const AbcSettings& s, int gen, std::uint64_t attempt,
                            const AbcGeneration* prev, const Kernel* K) {
  Rng r(s.seed, static_cast<std::uint64_t>(gen), attempt, 0, static_cast<std::uint64_t>(Stream::Abc));
  std::vector<double> x(priors.size());
  if (!prev) {
    for (std::size_t j = 0; j < priors.size(); ++j) x[j] = priors[j].sample(r);
    return x;
  }
  const double u = r.uniform();
  double c = 0;
  std::size_t parent = prev->weights.size() - 1;
  for (std::size_t i = 0; i < prev->weights.size(); ++i)
    if ((c += prev->weights[i]) > u) {
      parent = i;
      break;
    }
  Vector z(static_cast<Eigen::Index>(priors.size()));
  for (auto& v : z) v = r.normal();
  const Vector step = K->chol * z;
  for (std::size_t j = 0; j < priors.size(); ++j) x[j] = prev->particles[parent][j] + step[j];
  return x;
}

// The importance weight of an accepted particle: prior / mixture of kernels around `prev`.
double weight_of(const std::vector<Prior>& priors, const std::vector<double>& x, const AbcGeneration& prev,
                 const Kernel& K) {
  double mix = 0;
  Vector d(static_cast<Eigen::Index>(x.size()));
  for (std::size_t i = 0; i < prev.particles.size(); ++i) {
    for (std::size_t j = 0; j < x.size(); ++j) d[j] = x[j] - prev.particles[i][j];
    mix += prev.weights[i] * std::exp(-0.5 * d.dot(K.inverse * d));
  }
  return mix > 0 ? prior_density(priors, x) / mix : 0;
}

void check_settings(const std::vector<Prior>& priors, const AbcSettings& s) {
  if (priors.empty()) throw std::invalid_argument("ABC-SMC needs at least one parameter");
  if (s.particles < 2) throw std::invalid_argument("ABC-SMC needs at least 2 particles");
  if (s.generations < 1) throw std::invalid_argument("ABC-SMC needs at least 1 generation");
  if (!(s.quantile > 0 && s.quantile < 1)) throw std::invalid_argument("the tolerance quantile must be in (0, 1)");
}

// Proposes attempts [first, first + n) of generation `gen` and evaluates those inside the prior
// in one batch; NaN: outside the prior.
void evaluate_batch(const std::vector<Prior>& priors, const AbcSettings& s, int gen, std::uint64_t first, std::size_t n,
                    const AbcGeneration* prev, const Kernel* K, const AbcBatchDistance& distances,
                    std::vector<std::vector<double>>& xs, std::vector<double>& ds) {
  xs.assign(n, {});
  ds.assign(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::vector<double>> inside;
  std::vector<std::uint64_t> ids;
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i < n; ++i) {
    xs[i] = propose(priors, s, gen, first + i, prev, K);
    if (prior_density(priors, xs[i]) <= 0) continue;
    inside.push_back(xs[i]);
    ids.push_back((static_cast<std::uint64_t>(gen) << 40) + first + i);
    at.push_back(i);
  }
  if (inside.empty()) return;
  const std::vector<double> d = distances(inside, ids);
  if (d.size() != inside.size()) throw std::logic_error("ABC-SMC: a batch returned the wrong number of distances");
  for (std::size_t j = 0; j < at.size(); ++j) ds[at[j]] = d[j];
}

// The quantile of the population's distances; when distances are discrete and the quantile
// does not fall below the current tolerance, the largest distance below it, so that the
// tolerance always decreases.
double next_tolerance(const AbcGeneration& prev, double q) {
  const double e = weighted_quantile(prev.distances, prev.weights, q);
  if (e < prev.tolerance) return e;
  double below = -1;
  for (double d : prev.distances)
    if (d < prev.tolerance) below = std::max(below, d);
  return below >= 0 ? below : e;
}

enum class GenerationEnd { Complete, OutOfAttempts, Stopped };

// One generation: attempts in batches, accepted in attempt order until `particles` are in.
GenerationEnd run_generation(const std::vector<Prior>& priors, const AbcSettings& s, int gen, const AbcGeneration* prev,
                             const AbcBatchDistance& distances, AbcGeneration& g) {
  const Kernel K = prev ? kernel_of(*prev) : Kernel{};
  g.tolerance = prev ? next_tolerance(*prev, s.quantile) : std::numeric_limits<double>::infinity();
  const std::size_t batch = static_cast<std::size_t>(s.batch > 0 ? s.batch : s.particles);
  const long long cap = s.max_attempts > 0 ? s.max_attempts : 200LL * s.particles;
  std::vector<std::vector<double>> xs;
  std::vector<double> ds;
  while (static_cast<int>(g.particles.size()) < s.particles) {
    if (g.attempts >= cap) return GenerationEnd::OutOfAttempts;
    evaluate_batch(priors, s, gen, static_cast<std::uint64_t>(g.attempts), batch, prev, prev ? &K : nullptr, distances,
                   xs, ds);
    if (s.stop && s.stop->load()) return GenerationEnd::Stopped;
    for (std::size_t i = 0; i < batch && static_cast<int>(g.particles.size()) < s.particles; ++i) {
      ++g.attempts;
      if (std::isnan(ds[i])) continue;
      ++g.evaluations;
      if (!(ds[i] <= g.tolerance)) continue;
      g.particles.push_back(xs[i]);
      g.distances.push_back(ds[i]);
      g.weights.push_back(prev ? weight_of(priors, xs[i], *prev, K) : 1.0);
    }
  }
  const double total = std::accumulate(g.weights.begin(), g.weights.end(), 0.0);
  double sq = 0;
  for (auto& w : g.weights) {
    w /= total;
    sq += w * w;
  }
  g.ess = 1 / sq;
  g.acceptance = static_cast<double>(g.particles.size()) / static_cast<double>(g.attempts);
  return GenerationEnd::Complete;
}

}  // namespace

AbcResult abc_smc(const std::vector<Prior>& priors, const AbcSettings& s, const AbcDistance& distance,
                  const AbcProgress& progress, std::vector<AbcGeneration> start) {
  const AbcBatchDistance on_threads = [&](const std::vector<std::vector<double>>& xs,
                                          const std::vector<std::uint64_t>& ids) {
    std::vector<double> d(xs.size());
    par::Arena arena(par::threads_or_all(s.threads));
    arena.execute([&] {
      par::for_range<std::size_t>(0, xs.size(), 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i != hi; ++i) d[i] = distance(xs[i], ids[i]);
      });
    });
    return d;
  };
  return abc_smc_batch(priors, s, on_threads, progress, std::move(start));
}

AbcResult abc_smc_batch(const std::vector<Prior>& priors, const AbcSettings& s, const AbcBatchDistance& distances,
                        const AbcProgress& progress, std::vector<AbcGeneration> start) {
  check_settings(priors, s);
  AbcResult out;
  out.generations = std::move(start);
  out.stopped = "generations";
  for (int gen = static_cast<int>(out.generations.size()); gen < s.generations; ++gen) {
    AbcGeneration g;
    const AbcGeneration* prev = gen > 0 ? &out.generations.back() : nullptr;
    const GenerationEnd end = run_generation(priors, s, gen, prev, distances, g);
    if (end != GenerationEnd::Complete) {
      out.stopped = end == GenerationEnd::Stopped ? "interrupted" : "acceptance rate";
      break;
    }
    out.generations.push_back(std::move(g));
    const AbcGeneration& done = out.generations.back();
    if (progress && !progress(done, gen)) {
      out.stopped = "interrupted";
      break;
    }
    if (gen > 0 && done.acceptance < s.min_acceptance) {
      out.stopped = "acceptance rate";
      break;
    }
    if (done.tolerance <= s.target_tolerance) {
      out.stopped = "target tolerance";
      break;
    }
  }
  return out;
}

}  // namespace motsim
