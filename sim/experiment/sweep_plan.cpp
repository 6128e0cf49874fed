#include "sim/experiment/sweep_plan.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

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
  for (const auto& s : design::saltelli(sp.samples, static_cast<int>(sp.swept.size()), sp.second_order)) {
    SweepPoint pt = make_point(sp, s.x);
    pt.block = s.block;
    pt.row = s.row;
    pts.push_back(pt);
  }
  return pts;
}

// ---- the plan -----------------------------------------------------------------------------

std::vector<std::string> product_names(const Scenario& sc) {
  std::vector<std::string> names;
  for (const auto& p : sc.products) names.push_back(p.name);
  return names;
}

// Products, KPI columns and the values a run yields, from the base scenario.
void set_columns(SweepPlan& pl) {
  pl.K = static_cast<int>(pl.base.products.size());
  pl.D = static_cast<int>(pl.base.simulation.days);
  pl.products = product_names(pl.base);
  pl.kpi_columns = kpi_columns(pl.products);
  pl.values_per_run =
      pl.kpi_columns.size() + pl.spec.keep_series.size() * static_cast<std::size_t>(pl.D) * pl.K + 1;  // + seconds
}

// ---- sizes --------------------------------------------------------------------------------

// Saturating: a size beyond 64 bits stays the largest, never wraps to a small one.
std::uint64_t times(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}
std::uint64_t plus(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

// Bytes of one point while the plan is made: the point with its values and "key=value" strings
// (with the allocator's overhead), the design's row that makes it, and the layout's copy.
std::uint64_t bytes_per_point(const SweepSpec& sp) {
  const std::uint64_t k = sp.swept.size();
  std::uint64_t b = sizeof(SweepPoint) + 16 + 8 * k;
  for (const auto& p : sp.swept) {
    std::uint64_t longest = 24;  // a formatted number
    for (const auto& v : p.values) longest = std::max<std::uint64_t>(longest, v.size());
    b = plus(b, sizeof(std::string) + p.key.size() + longest + 32);
  }
  return plus(b, 40 + 16 * k + sizeof(SweepFilePoint) + 16 + 8 * k);
}

// A run's row travels as one MPI message (an int count) and one journal line.
void check_row(const SweepPlan& pl) {
  constexpr std::size_t kMaxRow = 2147483646;
  if (pl.values_per_run <= kMaxRow) return;
  throw InputError(pl.spec.path + ": error: each run's row would hold " + std::to_string(pl.values_per_run) +
                   " values (" + std::to_string(pl.kpi_columns.size()) + " KPI columns, then " +
                   std::to_string(pl.spec.keep_series.size()) + " series x " + std::to_string(pl.D) + " days x " +
                   std::to_string(pl.K) + " products); at most " + std::to_string(kMaxRow) +
                   "; keep fewer series (keep_series) or simulate fewer days");
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
      if (product_names(sc) != pl.products)
        throw InputError("its products differ from the base scenario's (a sweep file has one list of products)");
      if (!pl.spec.keep_series.empty() && sc.simulation.days != pl.D)
        throw InputError("its days differ from the base scenario's " + std::to_string(pl.D) +
                         " (kept series have one length)");
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
  pl.spec = load_sweep_spec(spec_path);  // at most kMaxSweepRuns runs
  pl.base = pl.spec.base_scenario.with(pl.spec.held);
  pl.seed = pl.spec.seed >= 0 ? pl.spec.seed : pl.base.simulation.seed;
  set_columns(pl);
  check_row(pl);
  check_sweep_memory(pl, sweep_needs(pl, 0), false, 0, 0);  // before the points are made
  check_swept_keys(pl, spec_path);
  pl.points = sweep_points(pl.spec);
  check_points(pl, spec_path);
  // Everything that defines the results: the spec text and the resolved base scenario.
  pl.hash = fnv1a(scenario_to_toml(pl.base), fnv1a(pl.spec.canonical));  // the parsed spec, not its text
  check_sweep_layout(sweep_layout(pl), spec_path);                       // what the file's writer needs, at the start
  return pl;
}

SweepNeeds sweep_needs(const SweepPlan& pl, std::uint64_t kept_runs) {
  SweepNeeds n;
  n.points = sweep_point_count(pl.spec);
  n.runs = times(n.points, static_cast<std::uint64_t>(pl.spec.replicates));
  const std::uint64_t V = pl.values_per_run, columns = 10 + pl.spec.swept.size() + pl.spec.held.size();
  // The points, and per run its replicate key, the pending list and the task's runs.
  n.plan_bytes = plus(times(n.points, bytes_per_point(pl.spec)), times(n.runs, 24));
  // Kept runs (a map node and a row each), and the largest buffer of the writer or of merge.
  n.results_bytes = plus(times(kept_runs, plus(times(V, 8), 96)), times(n.runs, times(std::max(columns, V + 1), 8)));
  // A journal line: the run id, the packed row (at most deflate's bound, 8 bytes a value and a
  // little, times 4/3 for base64: 11 bytes a value) and the checksum.
  n.journal_bytes = plus(128, times(kept_runs, plus(times(V, 11), 80)));
  const std::uint64_t texts = pl.spec.text.size() + 2 * scenario_to_toml(pl.base).size() + (1u << 20);
  n.file_bytes = plus(texts, times(n.runs, plus(times(columns + V, 8), 1)));
  return n;
}

void check_sweep_memory(const SweepPlan& pl, const SweepNeeds& n, bool results, std::uint64_t run_bytes, int at_once) {
  const std::uint64_t avail = available_memory();
  const std::uint64_t runs = times(run_bytes, static_cast<std::uint64_t>(std::max(at_once, 0)));
  const std::uint64_t need = plus(plus(n.plan_bytes, results ? n.results_bytes : 0), runs);
  if (avail == 0 || static_cast<double>(need) <= 0.9 * static_cast<double>(avail)) return;
  auto h = [](std::uint64_t b) { return human_bytes(static_cast<double>(b)); };
  std::string msg = pl.spec.path + ": error: the sweep needs about " + h(need) + " of memory: its plan " +
                    h(n.plan_bytes) + " (" + std::to_string(n.points) + " points of " +
                    std::to_string(pl.spec.swept.size()) + " parameters, " + std::to_string(n.runs) + " runs)";
  if (results)
    msg += ", the results kept until the file is written " + h(n.results_bytes) + " (" +
           std::to_string(pl.values_per_run) + " values per run)";
  if (runs) msg += ", " + std::to_string(at_once) + " runs at once " + h(runs);
  msg += "; " + h(avail) + " is available; reduce " + sweep_size_keys(pl.spec);
  if (results && !pl.spec.keep_series.empty()) msg += ", or keep fewer series (keep_series)";
  if (at_once > 1) msg += ", or run fewer at once (--threads)";
  throw InputError(msg);
}

namespace {

// Free bytes on the disk that holds `path`, or nothing when unknown.
std::optional<std::uint64_t> free_disk(const std::string& path) {
  if (const char* env = std::getenv("MOTSIM_DISK_LIMIT")) return std::strtoull(env, nullptr, 10);
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  struct statvfs v {};
  if (::statvfs(dir.c_str(), &v) != 0) return std::nullopt;
  return times(v.f_bavail, v.f_frsize);
}

}  // namespace

void check_sweep_disk(const SweepPlan& pl, const SweepNeeds& n, const std::string& out, bool journal) {
  std::uint64_t need = n.file_bytes;
  if (journal) {
    std::error_code ec;  // a journal resumed is on the disk already
    const auto there = std::filesystem::file_size(out + ".journal", ec);
    need = plus(need, n.journal_bytes - std::min<std::uint64_t>(ec ? 0 : there, n.journal_bytes));
  }
  const auto free = free_disk(out);
  if (!free || need <= *free) return;
  const std::uint64_t avail = *free;
  auto h = [](std::uint64_t b) { return human_bytes(static_cast<double>(b)); };
  throw InputError(out + ": error: the sweep needs up to " + h(need) + " on disk: its file " + h(n.file_bytes) + " (" +
                   std::to_string(n.runs) + " runs x " + std::to_string(pl.values_per_run) + " values, uncompressed)" +
                   (journal ? ", its journal up to " + h(n.journal_bytes) : "") + "; " + h(avail) +
                   " is free there; free some space, write elsewhere (--out) or reduce " + sweep_size_keys(pl.spec));
}

std::vector<std::size_t> pending_runs(const SweepPlan& pl, int task_index, int task_count, const SweepRuns& done) {
  std::vector<std::size_t> pending;
  for (std::size_t r = 0; r < pl.runs(); ++r)
    if ((task_count == 0 || static_cast<int>(r % task_count) == task_index) && !done.count(r)) pending.push_back(r);
  return pending;
}

std::vector<double> compute_run(const SweepPlan& pl, std::size_t run, int threads, const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> sets = point_sets(pl, pl.points[pl.point_of(run)]);
  sets.push_back("simulation.seed=" + std::to_string(pl.seed));
  sets.push_back("simulation.replicate=" + std::to_string(pl.key_of(run)));
  const Scenario sc = pl.spec.base_scenario.with(sets);
  if (static_cast<int>(sc.products.size()) != pl.K || (!pl.spec.keep_series.empty() && sc.simulation.days != pl.D))
    throw InputError(pl.spec.path + ": error: run " + std::to_string(run) + " changes the products or days");
  Simulation sim(sc, threads);
  sim.run({}, false, stop);
  std::vector<double> v = kept_values(sim.results(), pl.spec.keep_series, pl.D);              // days not run are NaN
  v.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());  // setup included
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
  l.rng_streams = pl.base.simulation.rng_streams;  // the held values are applied to the base
  for (const auto& p : pl.spec.swept)
    if (p.key == "simulation.rng_streams") l.rng_streams = 0;
  l.days = pl.D;
  l.products = pl.products;
  l.kpi_columns = pl.kpi_columns;
  l.keep_series = pl.spec.keep_series;
  for (const auto& p : pl.spec.swept) {
    l.parameters.push_back(p.key);
    if (!p.range) l.lists.push_back({p.key, p.values});
  }
  l.held = pl.spec.held;
  l.plain = pl.spec.plain;
  for (const auto& pt : pl.points)
    l.points.push_back({pt.values, pt.trajectory, pt.step, pt.changed, pt.block, pt.row});
  for (std::size_t run = 0; run < pl.runs(); ++run) l.replicate_keys.push_back(pl.key_of(run));
  return l;
}

}  // namespace motsim
