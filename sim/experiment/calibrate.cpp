#include "sim/experiment/calibrate.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlopt.hpp>
#include <numeric>
#include <stdexcept>

#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/results.hpp"
#include "sim/experiment/calibration_journal.hpp"
#include "sim/experiment/mpi.hpp"
#include "sim/input/param_table.hpp"
#include "sim/io/output.hpp"

namespace motsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// What one simulated cell is: a series of one product over a period's days.
struct Cell {
  int series, product, first_day, end_day;
};

double scale_of(const CalibrationSpec& sp, const std::vector<double>& theta) {
  for (std::size_t j = 0; j < sp.params.size(); ++j)
    if (sp.params[j].key == "scale") return theta[j];
  return 1.0;
}

// The scenario of parameter values theta, run for `days` (the training window's end, or the
// whole horizon for the forecast: day d's results never depend on later days).
Scenario scenario_of(const CalibrationSpec& sp, const std::vector<double>& theta, std::uint64_t replicate, int days) {
  auto sets = sp.sets;
  for (std::size_t j = 0; j < sp.params.size(); ++j) {
    if (sp.params[j].key == "scale") continue;
    sets.push_back(sp.params[j].key + "=" + set_literal(sp.params[j].key, theta[j]));
  }
  sets.push_back("simulation.replicate=" + std::to_string(replicate));
  sets.push_back("simulation.days=" + std::to_string(days));
  return sp.base_scenario.with(sets);
}

double period_sum(const std::vector<double>& daily, int K, int k, int first, int end) {
  double s = 0;
  for (int d = first; d < end; ++d) s += daily[static_cast<std::size_t>(d) * K + k];
  return s;
}

// The value of a cell in a run (docs/calibration.md, "What is compared").
double cell_value(const Results& r, const std::map<std::string, std::vector<double>>& daily, const Cell& c,
                  double scale) {
  const std::string& name = observed_series_names()[static_cast<std::size_t>(c.series)];
  const int K = r.K, last = c.end_day - 1;
  const std::size_t at = static_cast<std::size_t>(last) * K + c.product;
  if (name == "rating_mean") return r.rating_count[at] > 0 ? r.rating_mean[at] : kNaN;
  if (name == "awareness") return static_cast<double>(r.aware[at]) / r.agents;
  if (name == "market_share") {
    double all = 0;
    for (int k = 0; k < K; ++k) all += period_sum(daily.at("purchases"), K, k, c.first_day, c.end_day);
    return all > 0 ? period_sum(daily.at("purchases"), K, c.product, c.first_day, c.end_day) / all : 0;
  }
  if (name.rfind("stars_", 0) == 0) {
    const int s = name[6] - '1';
    const auto hist = [&](int d) {
      return d < 0 ? 0.0 : static_cast<double>(r.rating_hist[(static_cast<std::size_t>(d) * K + c.product) * 5 + s]);
    };
    return scale * (hist(last) - hist(c.first_day - 1));
  }
  const std::string src = name == "units" ? "purchases" : name;  // revenue, reviews
  return scale * period_sum(daily.at(src), K, c.product, c.first_day, c.end_day);
}

// Replicate-averaged values of `cells` for parameters theta (NaN where a run has none).
std::vector<double> simulate(const CalibrationSpec& sp, const std::vector<double>& theta, std::uint64_t id,
                             const std::vector<Cell>& cells, int replicates, bool common) {
  std::vector<double> sum(cells.size(), 0.0), n(cells.size(), 0.0);
  const double scale = scale_of(sp, theta);
  int days = 1;
  for (const auto& c : cells) days = std::max(days, c.end_day);
  for (int rep = 0; rep < replicates; ++rep) {
    const std::uint64_t key = common ? static_cast<std::uint64_t>(rep) : id * replicates + rep;
    Simulation sim(scenario_of(sp, theta, key, days), 1);
    sim.run();
    const Results& r = sim.results();
    std::map<std::string, std::vector<double>> daily;
    for (const char* s : {"purchases", "revenue", "reviews"}) daily[s] = daily_series(r, s);
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (const double v = cell_value(r, daily, cells[i], scale); !std::isnan(v)) sum[i] += v, n[i] += 1;
  }
  for (std::size_t i = 0; i < cells.size(); ++i) sum[i] = n[i] > 0 ? sum[i] / n[i] : kNaN;
  return sum;
}

std::vector<Cell> training_cells(const CalibrationSpec& sp, std::vector<double>& observed, std::vector<int>& group) {
  std::vector<Cell> cells;
  for (const auto& c : sp.data.cells) {
    if (c.period >= sp.training_periods) continue;
    const std::string& name = observed_series_names()[static_cast<std::size_t>(c.series)];
    for (std::size_t w = 0; w < sp.weights.size(); ++w)
      if (sp.weights[w].first == name) {
        cells.push_back({c.series, c.product, c.first_day, c.end_day});
        observed.push_back(c.value);
        group.push_back(static_cast<int>(w));
      }
  }
  return cells;
}

}  // namespace

double calibration_distance(const CalibrationSpec& sp, const std::vector<double>& theta, std::uint64_t id) {
  std::vector<double> obs;
  std::vector<int> group;
  const std::vector<Cell> cells = training_cells(sp, obs, group);
  const std::vector<double> sim = simulate(sp, theta, id, cells, sp.replicates, sp.common_random_numbers);
  const std::size_t S = sp.weights.size();
  std::vector<double> err(S, 0), norm(S, 0), n(S, 0);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto g = static_cast<std::size_t>(group[i]);
    const double e = std::isnan(sim[i]) ? std::abs(obs[i]) + 1 : sim[i] - obs[i];  // no simulated value: far
    err[g] += sp.distance == "nrmse" ? e * e : std::abs(e);
    norm[g] += sp.distance == "nrmse" ? obs[i] * obs[i] : std::abs(obs[i]);
    n[g] += 1;
  }
  double d = 0, wsum = 0;
  for (std::size_t g = 0; g < S; ++g) {
    if (n[g] == 0) continue;
    const double scale = norm[g] > 0 ? norm[g] : 1;
    d += sp.weights[g].second * (sp.distance == "nrmse" ? std::sqrt(err[g] / scale) : err[g] / scale);
    wsum += sp.weights[g].second;
  }
  return wsum > 0 ? d / wsum : 0;
}

namespace {

std::vector<Cell> forecast_cells(const CalibrationSpec& sp, CalibrationFile* f);

// What is simulated, as a task that can travel to another MPI rank: [kind, evaluation id,
// theta...]. A distance task's result is [distance], a predictive one's the value of every
// forecast cell.
enum TaskKind { kDistance = 0, kPredictive = 1 };

std::vector<double> task_of(TaskKind kind, std::uint64_t id, const std::vector<double>& theta) {
  std::vector<double> t{static_cast<double>(kind), static_cast<double>(id)};  // ids < 2^53: exact
  t.insert(t.end(), theta.begin(), theta.end());
  return t;
}

std::vector<double> evaluate_task(const CalibrationSpec& sp, const std::vector<Cell>& fc,
                                  const std::vector<double>& t) {
  const auto id = static_cast<std::uint64_t>(t[1]);
  const std::vector<double> theta(t.begin() + 2, t.end());
  if (static_cast<int>(t[0]) == kDistance) return {calibration_distance(sp, theta, id)};
  return simulate(sp, theta, id, fc, 1, false);  // each draw its own random key: chance is in the bands
}

// Evaluates batches of tasks, on this machine's threads or, in an MPI job, over its ranks (one
// task at a time to whichever rank is free). The results do not depend on which.
class Evaluator {
 public:
  Evaluator(const CalibrationSpec& sp, const CalibrationRun& run)
      : sp_(sp), threads_(run.threads), fc_(forecast_cells(sp, nullptr)) {
#if MOTSIM_HAVE_MPI
    if (run.job && run.job->distributed()) farm_ = std::make_unique<MpiFarm>(*run.job);
#endif
  }

  bool distributed() const {
#if MOTSIM_HAVE_MPI
    return farm_ != nullptr;
#else
    return false;
#endif
  }
  int threads() const { return par::threads_or_all(threads_); }
  // Seconds spent evaluating on this process's threads, summed over the threads.
  double busy_seconds() const { return 1e-9 * static_cast<double>(busy_ns_.load()); }

  // The results in task order; after an interrupt, the tasks not run have empty results.
  std::vector<std::vector<double>> run(const std::vector<std::vector<double>>& tasks) const {
    std::vector<std::vector<double>> out(tasks.size());
#if MOTSIM_HAVE_MPI
    if (farm_) {
      farm_->run(
          tasks, [&](std::size_t i, const std::vector<double>& r) { out[i] = r; }, true);
      return out;
    }
#endif
    par::Arena arena(par::threads_or_all(threads_));
    arena.execute([&] {
      par::for_range<std::size_t>(0, tasks.size(), 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i != hi; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          out[i] = evaluate_task(sp_, fc_, tasks[i]);
          busy_ns_ +=
              std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
        }
      });
    });
    return out;
  }

  std::vector<double> distances(const std::vector<std::vector<double>>& xs,
                                const std::vector<std::uint64_t>& ids) const {
    std::vector<std::vector<double>> tasks;
    tasks.reserve(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) tasks.push_back(task_of(kDistance, ids[i], xs[i]));
    std::vector<double> d;
    d.reserve(xs.size());
    for (const auto& r : run(tasks)) d.push_back(r.empty() ? kNaN : r[0]);
    return d;
  }

 private:
  const CalibrationSpec& sp_;
  int threads_;
  std::vector<Cell> fc_;
  mutable std::atomic<long long> busy_ns_{0};
#if MOTSIM_HAVE_MPI
  std::unique_ptr<MpiFarm> farm_;
#endif
};

}  // namespace

#if MOTSIM_HAVE_MPI
void serve_calibration(const CalibrationSpec& sp) {
  const std::vector<Cell> fc = forecast_cells(sp, nullptr);
  mpi_serve([&](const std::vector<double>& t) {
    if (stop_requested()) return std::vector<double>{};  // not computed
    return evaluate_task(sp, fc, t);
  });
}
#else
void serve_calibration(const CalibrationSpec&) {
  throw std::logic_error("motsim was built without MPI: there are no other ranks to serve");
}
#endif

namespace {

void summarise(const CalibrationSpec& sp, const std::vector<std::vector<double>>& xs, const std::vector<double>& w,
               CalibrationFile& f) {
  for (std::size_t j = 0; j < sp.params.size(); ++j) {
    std::vector<double> x;
    x.reserve(xs.size());
    for (const auto& p : xs) x.push_back(p[j]);
    f.post_mean.push_back(weighted_mean(x, w));
    f.post_sd.push_back(weighted_sd(x, w));
    f.post_q05.push_back(weighted_quantile(x, w, 0.05));
    f.post_q50.push_back(weighted_quantile(x, w, 0.5));
    f.post_q95.push_back(weighted_quantile(x, w, 0.95));
  }
}

void store_generations(const CalibrationSpec& sp, const AbcResult& r, const std::vector<double>& secs,
                       CalibrationFile& f) {
  f.particles = static_cast<std::size_t>(sp.abc.particles);
  for (std::size_t g = 0; g < r.generations.size(); ++g) {
    const auto& G = r.generations[g];
    f.tolerance.push_back(G.tolerance);
    f.acceptance.push_back(G.acceptance);
    f.ess.push_back(G.ess);
    f.attempts.push_back(static_cast<double>(G.attempts));
    f.evaluations.push_back(static_cast<double>(G.evaluations));
    f.seconds.push_back(secs[g]);
    for (std::size_t i = 0; i < G.particles.size(); ++i) {
      f.particles_flat.insert(f.particles_flat.end(), G.particles[i].begin(), G.particles[i].end());
      f.weights_flat.push_back(G.weights[i]);
      f.distances_flat.push_back(G.distances[i]);
    }
  }
}

std::vector<Prior> priors_of(const CalibrationSpec& sp) {
  std::vector<Prior> p;
  for (const auto& c : sp.params) p.push_back(c.prior);
  return p;
}

using Clock = std::chrono::steady_clock;

// ABC-SMC; returns the final population (particles, weights).
// What a journal must match: the spec, the data and the resolved base scenario.
std::string fingerprint(const CalibrationSpec& sp) {
  std::vector<std::string> t = {sp.canonical, scenario_to_toml(sp.base_scenario.with(sp.sets))};
  t.insert(t.end(), sp.data.texts.begin(), sp.data.texts.end());
  return fingerprint_of(t);
}

std::pair<std::vector<std::vector<double>>, std::vector<double>> run_abc(const CalibrationSpec& sp,
                                                                         const CalibrationRun& run, const Evaluator& ev,
                                                                         CalibrationFile& f) {
  AbcSettings s = sp.abc;
  s.stop = &stop_flag();
  std::unique_ptr<CalibrationJournal> journal;
  if (!run.journal.empty()) journal = std::make_unique<CalibrationJournal>(run.journal, fingerprint(sp), run.resume);
  std::vector<double> secs = journal ? journal->seconds() : std::vector<double>{};
  const auto& progress = run.progress;
  if (journal && !journal->done().empty() && progress)
    progress("resuming after generation " + std::to_string(journal->done().size() - 1) + " (" + run.journal + ")");
  auto t0 = Clock::now();
  const AbcBatchDistance dist = [&](const std::vector<std::vector<double>>& xs, const std::vector<std::uint64_t>& ids) {
    return ev.distances(xs, ids);
  };
  const AbcProgress report = [&](const AbcGeneration& g, int gen) {
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    secs.push_back(dt);
    if (journal) journal->record(g, dt);
    char line[300];
    int n = std::snprintf(
        line, sizeof line,
        "generation %d: tolerance %.4g, acceptance %.1f %%, ESS %.0f, %lld evaluations, %.1f evaluations/s", gen,
        g.tolerance, 100 * g.acceptance, g.ess, g.evaluations, g.evaluations / std::max(dt, 1e-9));
    // Time left: the generations still allowed at this one's pace (later ones accept less, so
    // take longer; a stop on tolerance or acceptance may end it sooner).
    if (const int left = s.generations - 1 - gen; left > 0 && n > 0)
      std::snprintf(line + n, sizeof line - n, "; at most %d generations to go, about %.0f s at this pace", left,
                    left * dt);
    if (progress) progress(line);
    return !stop_requested();
  };
  const AbcResult r =
      abc_smc_batch(priors_of(sp), s, dist, report, journal ? journal->done() : std::vector<AbcGeneration>{});
  f.stopped = r.stopped;
  if (stop_requested()) return {};
  if (r.generations.empty()) throw InputError(sp.path + ": error: ABC-SMC accepted no generation");
  store_generations(sp, r, secs, f);
  return {r.generations.back().particles, r.generations.back().weights};
}

std::pair<double, double> bounds_of(const Prior& p) {
  if (p.kind == Prior::Kind::Normal) return {p.mean - 4 * p.sd, p.mean + 4 * p.sd};
  return {p.min, p.max};
}

// The optimiser searches, and the profile steps, in the coordinate of each prior: the logarithm
// for a log-uniform prior (a parameter spanning decades, such as a daily rate), the value itself
// otherwise.
bool in_logs(const Prior& p) { return p.kind == Prior::Kind::LogUniform; }
double to_search(const Prior& p, double x) { return in_logs(p) ? std::log(x) : x; }
double from_search(const Prior& p, double u) { return in_logs(p) ? std::exp(u) : u; }

std::pair<double, double> search_bounds(const Prior& p) {
  const auto [a, b] = bounds_of(p);
  return {to_search(p, a), to_search(p, b)};
}

std::vector<double> from_search(const CalibrationSpec& sp, const std::vector<double>& u) {
  std::vector<double> x(u.size());
  for (std::size_t j = 0; j < u.size(); ++j) {
    const auto [a, b] = bounds_of(sp.params[j].prior);
    x[j] = std::clamp(from_search(sp.params[j].prior, u[j]), a, b);  // exp(log(b)) may pass b by an ulp
  }
  return x;
}

// NLopt: CRS2 (global, controlled random search with local mutation) for two thirds of the
// evaluations, then BOBYQA (local) from its best point; common random numbers throughout.
// A progress line every tenth of the evaluations allowed: the best distance so far and the time
// left at the mean pace (the search may stop sooner, on its own tolerance).
void report_optimize(const std::function<void(const std::string&)>& progress, int done, int total, double best,
                     Clock::time_point t0) {
  const int every = std::max(1, total / 10);
  if (!progress || done % every != 0 || done >= total) return;
  const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
  char line[200];
  std::snprintf(line, sizeof line,
                "optimize: %d of at most %d evaluations, best distance %.4g, %.1f evaluations/s, about %.0f s left",
                done, total, best, done / std::max(dt, 1e-9), (total - done) * dt / done);
  progress(line);
}

std::vector<double> run_optimize(const CalibrationSpec& sp, const Evaluator& ev,
                                 const std::function<void(const std::string&)>& progress, CalibrationFile& f) {
  const std::size_t P = sp.params.size();
  std::vector<double> lo(P), hi(P), u(P);
  for (std::size_t j = 0; j < P; ++j) {
    std::tie(lo[j], hi[j]) = search_bounds(sp.params[j].prior);
    u[j] = 0.5 * (lo[j] + hi[j]);
  }
  struct Data {
    const CalibrationSpec& sp;
    const Evaluator& ev;
    const std::function<void(const std::string&)>& progress;
    Clock::time_point t0 = Clock::now();
    int done = 0;
    double best = std::numeric_limits<double>::infinity();
  } data{sp, ev, progress};
  auto objective = [](const std::vector<double>& v, std::vector<double>&, void* d) {
    auto* in = static_cast<Data*>(d);
    if (stop_requested()) throw nlopt::forced_stop();
    const double dist = in->ev.distances({from_search(in->sp, v)}, {0})[0];
    if (std::isnan(dist)) throw nlopt::forced_stop();  // interrupted on a worker rank
    in->best = std::min(in->best, dist);
    report_optimize(in->progress, ++in->done, in->sp.evaluations, in->best, in->t0);
    return dist;
  };
  double best = 0;
  nlopt::srand(sp.abc.seed);
  for (auto [alg, share] : {std::pair{nlopt::GN_CRS2_LM, 2.0 / 3}, {nlopt::LN_BOBYQA, 1.0 / 3}}) {
    nlopt::opt o(alg, static_cast<unsigned>(P));
    o.set_lower_bounds(lo);
    o.set_upper_bounds(hi);
    o.set_min_objective(objective, &data);
    o.set_maxeval(std::max(5, static_cast<int>(sp.evaluations * share)));
    o.set_xtol_rel(1e-4);
    try {
      o.optimize(u, best);
    } catch (const nlopt::roundoff_limited&) {  // the best point so far stands
    } catch (const nlopt::forced_stop&) {       // interrupted: the caller sees stop_requested()
      break;
    }
  }
  f.optimum = from_search(sp, u);
  f.optimum_distance = best;
  f.stopped = "evaluations";
  return f.optimum;
}

// The distance along each parameter around the optimum (the others held there): 11 points over
// a fifth of the prior's range in the search coordinate, centred on the optimum.
void profile(const CalibrationSpec& sp, const std::vector<double>& x, const Evaluator& ev, CalibrationFile& f) {
  const std::size_t P = sp.params.size(), M = 11;
  f.profile_points = M;
  f.profile_x.assign(P * M, 0);
  std::vector<std::vector<double>> xs;
  for (std::size_t i = 0; i < P * M; ++i) {
    const std::size_t j = i / M, m = i % M;
    const Prior& pr = sp.params[j].prior;
    const auto [a, b] = search_bounds(pr);
    const auto [lo, hi] = bounds_of(pr);
    const double uj = std::clamp(to_search(pr, x[j]) + (b - a) * 0.2 * (static_cast<double>(m) / (M - 1) - 0.5), a, b);
    std::vector<double> th = x;
    th[j] = std::clamp(from_search(pr, uj), lo, hi);
    f.profile_x[i] = th[j];
    xs.push_back(th);
  }
  f.profile_d = ev.distances(xs, std::vector<std::uint64_t>(xs.size(), 0));
}

}  // namespace

namespace {
void forecast(const CalibrationSpec& sp, const std::vector<std::vector<double>>& xs, const std::vector<double>& w,
              const Evaluator& ev, CalibrationFile& f);
}  // namespace

namespace {
// Where the time went: the share of the threads' time not spent in simulations (the method's
// own work, waiting at the end of a batch, the distances, the forecast's quantiles).
std::string time_line(const Evaluator& ev, double wall) {
  const double cpu = wall * ev.threads(), outside = cpu > 0 ? 1 - ev.busy_seconds() / cpu : 0;
  char line[200];
  std::snprintf(line, sizeof line, "time: %.1f s wall on %d threads, %.1f s in simulations: %.1f %% outside them", wall,
                ev.threads(), ev.busy_seconds(), 100 * outside);
  return line;
}
}  // namespace

CalibrationFile run_calibration(const CalibrationSpec& sp, const CalibrationRun& run) {
  const auto t0 = Clock::now();
  const Evaluator ev(sp, run);
  const auto& progress = run.progress;
  CalibrationFile f;
  f.spec_text = sp.text;
  f.spec_path = sp.path;
  f.method = sp.method;
  f.distance = sp.distance;
  f.period_kind = sp.data.period_kind;
  f.data_files = sp.data.files;
  f.data_texts = sp.data.texts;
  f.training_periods = sp.training_periods;
  f.replicates = sp.replicates;
  for (const auto& c : sp.params) {
    f.param_names.push_back(c.key);
    f.prior_kinds.push_back(prior_kind_name(c.prior.kind));
    f.prior_numbers.insert(f.prior_numbers.end(), {c.prior.min, c.prior.max, c.prior.mean, c.prior.sd});
  }
  std::vector<std::vector<double>> xs;
  std::vector<double> w;
  if (sp.method == "abc-smc") {
    std::tie(xs, w) = run_abc(sp, run, ev, f);
    if (stop_requested()) return f;
  } else {
    xs = {run_optimize(sp, ev, progress, f)};
    w = {1.0};
    if (progress) progress("optimum: distance " + std::to_string(f.optimum_distance) + "; profiling");
    profile(sp, xs[0], ev, f);
  }
  summarise(sp, xs, w, f);
  if (progress) progress("forecast: " + std::to_string(sp.predictive_draws) + " simulations of the posterior");
  forecast(sp, xs, w, ev, f);
  if (progress && !ev.distributed()) progress(time_line(ev, std::chrono::duration<double>(Clock::now() - t0).count()));
  return f;
}

}  // namespace motsim

namespace motsim {
namespace {

double quantile_of(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

void store_observed(const CalibrationSpec& sp, CalibrationFile& f) {
  for (const auto& c : sp.data.cells) {
    f.obs_series.push_back(observed_series_names()[static_cast<std::size_t>(c.series)]);
    f.obs_product.push_back(sp.products[static_cast<std::size_t>(c.product)]);
    f.obs_period.push_back(c.period);
    f.obs_value.push_back(c.value);
    f.obs_training.push_back(c.period < sp.training_periods ? 1 : 0);
  }
}

// Every period of the horizon for each (series, product) the data holds; with f, these cells
// and the observed value there (NaN: none) are stored in it.
std::vector<Cell> forecast_cells(const CalibrationSpec& sp, CalibrationFile* f) {
  std::map<std::pair<int, int>, std::map<int, double>> seen;
  for (const auto& c : sp.data.cells) seen[{c.series, c.product}][c.period] = c.value;
  const long start = start_days_of(sp.start_date);
  std::vector<Cell> cells;
  for (const auto& [sk, values] : seen)
    for (int p = 0;; ++p) {
      const auto [first, end] = period_span(sp.data.period_kind == "date" ? "day" : sp.data.period_kind, p, start);
      if (end > sp.days) break;
      cells.push_back({sk.first, sk.second, static_cast<int>(first), static_cast<int>(end)});
      if (!f) continue;
      f->fc_series.push_back(observed_series_names()[static_cast<std::size_t>(sk.first)]);
      f->fc_product.push_back(sp.products[static_cast<std::size_t>(sk.second)]);
      f->fc_period.push_back(p);
      f->fc_first_day.push_back(static_cast<double>(first));
      f->fc_end_day.push_back(static_cast<double>(end));
      const auto it = values.find(p);
      f->fc_observed.push_back(it == values.end() ? kNaN : it->second);
    }
  return cells;
}

void score(const CalibrationSpec& sp, CalibrationFile& f) {
  double in50 = 0, in90 = 0, ape = 0, n = 0, n_ape = 0;
  for (std::size_t i = 0; i < f.fc_period.size(); ++i) {
    const double o = f.fc_observed[i];
    if (std::isnan(o) || f.fc_period[i] < sp.training_periods || std::isnan(f.fc_q50[i])) continue;
    n += 1;
    in50 += o >= f.fc_q25[i] && o <= f.fc_q75[i];
    in90 += o >= f.fc_q05[i] && o <= f.fc_q95[i];
    if (o != 0) ape += std::abs(f.fc_q50[i] - o) / std::abs(o), n_ape += 1;
  }
  f.held_out = static_cast<long long>(n);
  f.coverage50 = n > 0 ? in50 / n : kNaN;
  f.coverage90 = n > 0 ? in90 / n : kNaN;
  f.mape = n_ape > 0 ? ape / n_ape : kNaN;
}

// The posterior predictive: draws of the final population by systematic resampling, each
// simulated over the whole horizon; the bands are quantiles over the draws.
void forecast(const CalibrationSpec& sp, const std::vector<std::vector<double>>& xs, const std::vector<double>& w,
              const Evaluator& ev, CalibrationFile& f) {
  store_observed(sp, f);
  const std::vector<Cell> cells = forecast_cells(sp, &f);
  const std::vector<std::size_t> pick = systematic_resample(w, sp.predictive_draws);
  std::vector<std::vector<double>> tasks;
  tasks.reserve(pick.size());
  for (std::size_t d = 0; d < pick.size(); ++d) tasks.push_back(task_of(kPredictive, (1ull << 40) + d, xs[pick[d]]));
  const std::vector<std::vector<double>> runs = ev.run(tasks);
  if (stop_requested()) return;  // interrupted: some draws were not run
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::vector<double> v;
    v.reserve(runs.size());
    for (const auto& r : runs) v.push_back(r[i]);
    f.fc_q05.push_back(quantile_of(v, 0.05));
    f.fc_q25.push_back(quantile_of(v, 0.25));
    f.fc_q50.push_back(quantile_of(v, 0.5));
    f.fc_q75.push_back(quantile_of(v, 0.75));
    f.fc_q95.push_back(quantile_of(v, 0.95));
  }
  score(sp, f);
}

}  // namespace

bool calibrate_into_file(const CalibrationSpec& sp, const std::string& out, bool force, CalibrationRun run,
                         const std::string& command_line, CalibrationFile& file) {
  std::vector<std::string> inputs = sp.data_files;
  inputs.push_back(sp.path);
  inputs.push_back(sp.base);
  check_output_path(out, force, inputs);
  run.journal = out + ".journal";
  file = run_calibration(sp, run);
  file.rng_streams = sp.base_scenario.with(sp.sets).simulation.rng_streams;  // never fitted (calibration_spec)
  if (stop_requested()) return false;  // every complete generation stays in the journal
  write_calibration_file(out, force, command_line, file);
  std::remove(run.journal.c_str());
  return true;
}

}  // namespace motsim
