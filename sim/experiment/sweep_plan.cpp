#include "sim/experiment/sweep_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sim/engine/engine.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/results.hpp"
#include "sim/experiment/design.hpp"

namespace motsim {

namespace {

// ---- the points ---------------------------------------------------------------------------

std::string format_value(const SweepParam& p, double u) {
  double x = p.log ? std::exp(std::log(p.min) + u * (std::log(p.max) - std::log(p.min))) : p.min + u * (p.max - p.min);
  if (p.integer) return std::to_string(static_cast<long long>(std::llround(x)));
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", x);
  return b;
}

double numeric(const std::string& literal_value, std::size_t index) {
  char* end = nullptr;
  const double v = std::strtod(literal_value.c_str(), &end);
  if (end && *end == '\0' && !literal_value.empty()) return v;
  if (literal_value == "true") return 1;
  if (literal_value == "false") return 0;
  return static_cast<double>(index);  // a string: its index in the list
}

// The point at `u` in the unit hypercube (one coordinate per swept parameter).
SweepPoint make_point(const SweepSpec& sp, const std::vector<double>& u) {
  SweepPoint pt;
  for (std::size_t j = 0; j < sp.swept.size(); ++j) {
    const auto& p = sp.swept[j];
    std::string v;
    if (p.range) {
      v = format_value(p, u[j]);
      pt.values.push_back(std::strtod(v.c_str(), nullptr));
    } else {
      const std::size_t i = std::min(p.values.size() - 1, static_cast<std::size_t>(u[j] * p.values.size()));
      v = p.values[i];
      pt.values.push_back(numeric(v, i));
    }
    pt.sets.push_back(p.key + "=" + v);
  }
  return pt;
}

std::vector<SweepPoint> grid_points(const SweepSpec& sp) {
  const int k = static_cast<int>(sp.swept.size());
  std::vector<int> levels;
  for (const auto& p : sp.swept) levels.push_back(p.range ? p.steps : static_cast<int>(p.values.size()));
  std::vector<SweepPoint> pts;
  for (const auto& idx : design::grid(levels)) {
    std::vector<double> u(k);
    for (int j = 0; j < k; ++j) {
      const auto& p = sp.swept[j];
      u[j] =
          p.range ? static_cast<double>(idx[j]) / (p.steps - 1) : (idx[j] + 0.5) / static_cast<double>(p.values.size());
    }
    pts.push_back(make_point(sp, u));
  }
  return pts;
}

std::vector<SweepPoint> sampled_points(const SweepSpec& sp) {
  const int k = static_cast<int>(sp.swept.size());
  const auto seed = static_cast<std::uint64_t>(sp.design_seed);
  const auto m =
      sp.design == "random" ? design::random(sp.samples, k, seed) : design::latin_hypercube(sp.samples, k, seed);
  std::vector<SweepPoint> pts;
  for (const auto& u : m) pts.push_back(make_point(sp, u));
  return pts;
}

std::vector<SweepPoint> morris_points(const SweepSpec& sp) {
  const int k = static_cast<int>(sp.swept.size());
  std::vector<SweepPoint> pts;
  for (const auto& mp : design::morris(sp.samples, k, sp.levels, static_cast<std::uint64_t>(sp.design_seed))) {
    SweepPoint pt = make_point(sp, mp.x);
    pt.trajectory = mp.trajectory;
    pt.step = mp.step;
    pt.changed = mp.changed;
    pts.push_back(pt);
  }
  return pts;
}

std::vector<SweepPoint> saltelli_points(const SweepSpec& sp) {
  std::vector<SweepPoint> pts;
  for (const auto& s : design::saltelli(sp.samples, static_cast<int>(sp.swept.size()))) {
    SweepPoint pt = make_point(sp, s.x);
    pt.block = s.block;
    pt.row = s.row;
    pts.push_back(pt);
  }
  return pts;
}

// ---- the plan -----------------------------------------------------------------------------

// Products, KPI columns and the values a run yields, from the base scenario.
void set_columns(SweepPlan& pl) {
  pl.K = static_cast<int>(pl.base.products.size());
  pl.D = static_cast<int>(pl.base.simulation.days);
  for (const auto& p : pl.base.products) pl.products.push_back(p.name);
  for (const auto& k : compare_kpis()) {
    for (const auto& p : pl.products) pl.kpi_columns.push_back(std::string(k.name) + "." + p);
    pl.kpi_columns.push_back(std::string(k.name) + ".all");
  }
  pl.values_per_run = pl.kpi_columns.size() + pl.spec.keep_series.size() * static_cast<std::size_t>(pl.D) * pl.K;
}

// Keys a sweep cannot vary: the days when series are kept (their shape), the products' names.
void check_swept_keys(const SweepPlan& pl, const std::string& spec_path) {
  if (!pl.spec.keep_series.empty())
    for (const auto& p : pl.spec.swept)
      if (p.key == "simulation.days")
        throw InputError(spec_path + ": error: sweeping simulation.days cannot keep daily series (keep_series)");
  for (const auto& p : pl.spec.swept)
    if (p.key.rfind("product.", 0) == 0 && p.key.size() > 8 && p.key.substr(p.key.rfind('.') + 1) == "name")
      throw InputError(spec_path + ": error: product names cannot be swept");
}

std::vector<std::string> point_sets(const SweepPlan& pl, const SweepPoint& pt) {
  std::vector<std::string> sets = pl.spec.held;
  sets.insert(sets.end(), pt.sets.begin(), pt.sets.end());
  return sets;
}

// Every point must be a valid scenario (cross-field rules, e.g. network.degree below the
// agents), checked before the first run rather than failing halfway through the sweep; the
// largest is kept for the memory check.
void check_points(SweepPlan& pl, const std::string& spec_path) {
  std::uint64_t largest_bytes = 0;
  for (std::size_t i = 0; i < pl.points.size(); ++i) {
    try {
      Scenario sc = pl.spec.base_scenario.with(point_sets(pl, pl.points[i]));
      const std::uint64_t bytes = estimate_memory(sc, false).total();
      if (i == 0 || bytes > largest_bytes) {
        largest_bytes = bytes;
        pl.largest = std::move(sc);
      }
    } catch (const InputError& e) {
      std::string why = e.what(), at;
      const auto cut = why.find(": error: ");
      if (cut != std::string::npos) why = why.substr(cut + 9);
      for (const auto& s : pl.points[i].sets) at += (at.empty() ? "" : ", ") + s;
      throw InputError(spec_path + ": error: point " + std::to_string(i) + " (" + at +
                       ") is not a valid scenario: " + why);
    }
  }
}

}  // namespace

std::vector<SweepPoint> sweep_points(const SweepSpec& sp) {
  if (sp.design == "grid") return grid_points(sp);
  if (sp.design == "random" || sp.design == "lhs") return sampled_points(sp);
  if (sp.design == "morris") return morris_points(sp);
  return saltelli_points(sp);
}

SweepPlan make_plan(const std::string& spec_path) {
  SweepPlan pl;
  pl.spec = load_sweep_spec(spec_path);
  pl.points = sweep_points(pl.spec);
  pl.base = pl.spec.base_scenario.with(pl.spec.held);
  pl.seed = pl.spec.seed >= 0 ? pl.spec.seed : pl.base.simulation.seed;
  set_columns(pl);
  check_swept_keys(pl, spec_path);
  check_points(pl, spec_path);
  // Everything that defines the results: the spec text and the resolved base scenario.
  pl.hash = fnv1a(scenario_to_toml(pl.base), fnv1a(pl.spec.text));
  return pl;
}

std::vector<std::size_t> pending_runs(const SweepPlan& pl, int task_index, int task_count, const SweepRuns& done) {
  std::vector<std::size_t> pending;
  for (std::size_t r = 0; r < pl.runs(); ++r)
    if ((task_count == 0 || static_cast<int>(r % task_count) == task_index) && !done.count(r)) pending.push_back(r);
  return pending;
}

std::vector<double> compute_run(const SweepPlan& pl, std::size_t run, int threads, const std::atomic<bool>* stop) {
  std::vector<std::string> sets = point_sets(pl, pl.points[pl.point_of(run)]);
  sets.push_back("simulation.seed=" + std::to_string(pl.seed));
  sets.push_back("simulation.replicate=" + std::to_string(pl.key_of(run)));
  const Scenario sc = pl.spec.base_scenario.with(sets);
  if (static_cast<int>(sc.products.size()) != pl.K || (!pl.spec.keep_series.empty() && sc.simulation.days != pl.D))
    throw InputError(pl.spec.path + ": error: run " + std::to_string(run) + " changes the products or days");
  Simulation sim(sc, threads);
  sim.run({}, false, stop);
  const Results& r = sim.results();
  std::vector<double> v = kpi_values(r);
  for (const auto& name : pl.spec.keep_series) {
    const auto s = daily_series(r, name);  // [days_done * K]; days not run (interrupted) are NaN
    v.insert(v.end(), s.begin(), s.end());
    v.resize(v.size() + (static_cast<std::size_t>(pl.D) * pl.K - s.size()), NAN);
  }
  return v;
}

SweepLayout sweep_layout(const SweepPlan& pl) {
  SweepLayout l;
  l.spec_text = pl.spec.text;
  l.spec_path = pl.spec.path;
  l.base_scenario = scenario_to_toml(pl.base);
  l.design = pl.spec.design;
  l.spec_hash = pl.hash;
  l.replicates = pl.spec.replicates;
  l.seed = pl.seed;
  l.days = pl.D;
  l.products = pl.products;
  l.kpi_columns = pl.kpi_columns;
  l.keep_series = pl.spec.keep_series;
  for (const auto& p : pl.spec.swept) {
    l.parameters.push_back(p.key);
    if (!p.range) l.lists.push_back({p.key, p.values});
  }
  l.held = pl.spec.held;
  for (const auto& pt : pl.points)
    l.points.push_back({pt.values, pt.trajectory, pt.step, pt.changed, pt.block, pt.row});
  for (std::size_t run = 0; run < pl.runs(); ++run) l.replicate_keys.push_back(pl.key_of(run));
  return l;
}

}  // namespace motsim
