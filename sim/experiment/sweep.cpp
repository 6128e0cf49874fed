#include "sim/experiment/sweep.hpp"
#include "sim/core/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#if MOTSIM_HAVE_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

#include "motsim/version.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/experiment/design.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/scenario.hpp"
#include "sim/input/toml_util.hpp"
#include "sim/io/h5io.hpp"
#include "sim/io/h5util.hpp"

namespace fs = std::filesystem;

namespace motsim {
namespace {

// ---- spec -------------------------------------------------------------------------------

using tomlu::where;

// A value as TOML text, as `--set key=value` takes it (arrays included): not tomlu::show, which
// names tables and arrays for messages.
std::string literal(const toml::node& n) {
  std::ostringstream o;
  if (n.is_string())
    o << '"' << n.as_string()->get() << '"';
  else
    n.visit([&](auto&& v) { o << v; });
  return o.str();
}

bool integer_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  if (parts.empty()) return false;
  for (const auto& s : sections())
    if (s.name == parts[0])
      for (const auto& f : *s.fields)
        if (f.key == parts.back()) return f.kind == FieldKind::Int;
  return false;
}

const std::vector<std::string> kTopKeys = {"base",        "design",      "replicates", "samples",
                                           "levels",      "design_seed", "seed",       "common_random_numbers",
                                           "keep_series", "keep",        "parameters"};

}  // namespace

SweepSpec load_sweep_spec(const std::string& path) {
  SweepSpec sp;
  sp.path = path;
  sp.base_dir = fs::path(path).parent_path().string();
  std::ifstream in(path, std::ios::binary);
  std::error_code dir_ec;
  if (!in || fs::is_directory(path, dir_ec)) throw InputError(path + ": error: cannot read sweep spec");
  std::ostringstream o;
  o << in.rdbuf();
  sp.text = o.str();
  const toml::table t = tomlu::parse_text(sp.text, path);
  auto fail = [&](const toml::node* n, const std::string& msg) -> InputError {
    return InputError((n ? where(*n, path) : path) + ": error: " + msg);
  };
  auto get_int = [&](const char* key, long long lo, long long hi, long long def) -> long long {
    const auto* n = t.get(key);
    if (!n) return def;
    if (!n->is_integer())
      throw fail(n, std::string("'") + key + "' = " + literal(*n) + " must be an integer in [" + std::to_string(lo) +
                        ", " + std::to_string(hi) + "]");
    const long long v = n->as_integer()->get();
    if (v < lo || v > hi)
      throw fail(n, std::string("'") + key + "' = " + std::to_string(v) + " is out of range; expected [" +
                        std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  };
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    if (std::find(kTopKeys.begin(), kTopKeys.end(), key) == kTopKeys.end()) {
      const std::string hint = did_you_mean(key, kTopKeys);
      std::string all;
      for (auto& x : kTopKeys) all += (all.empty() ? "" : ", ") + x;
      throw fail(&v, "unknown key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                         "; allowed: " + all);
    }
  }
  const auto* base = t.get("base");
  if (!base || !base->is_string())
    throw fail(base, "'base' must name the base scenario file, e.g. base = \"baseline.toml\"");
  sp.base = (fs::path(sp.base_dir) / base->as_string()->get()).string();
  if (!path_exists(sp.base))
    throw fail(base, "'base' = \"" + base->as_string()->get() + "\": no such scenario " + sp.base);
  if (const auto* d = t.get("design")) {
    const std::vector<std::string> designs = {"grid", "random", "lhs", "morris", "sobol"};
    if (!d->is_string() || std::find(designs.begin(), designs.end(), d->as_string()->get()) == designs.end())
      throw fail(d, "'design' = " + literal(*d) +
                        " is not allowed; expected one of \"grid\" \"random\" \"lhs\" \"morris\" \"sobol\"");
    sp.design = d->as_string()->get();
  }
  sp.replicates = static_cast<int>(get_int("replicates", 1, 100000, 1));
  sp.samples = static_cast<int>(get_int("samples", 1, 10000000, 0));
  sp.levels = static_cast<int>(get_int("levels", 2, 100, 4));
  sp.design_seed = get_int("design_seed", 0, (1ll << 62), 1);
  sp.seed = get_int("seed", 0, (1ll << 62), -1);
  if (const auto* c = t.get("common_random_numbers")) {
    if (!c->is_boolean()) throw fail(c, "'common_random_numbers' must be true or false");
    sp.common_random_numbers = c->as_boolean()->get();
  }
  // What to keep: KPIs always; daily series on request ("keep" is accepted as another name).
  const auto* ks = t.get("keep_series");
  const char* ks_name = "keep_series";
  if (const auto* k2 = t.get("keep")) {
    if (ks) throw fail(k2, "give 'keep_series' or 'keep', not both");
    ks = k2;
    ks_name = "keep";
  }
  if (ks) {
    const std::string kn = ks_name;
    if (!ks->is_array())
      throw fail(ks, "'" + kn + "' must be an array of series names, e.g. [\"purchases\", \"aware\"]");
    const auto allowed = daily_series_names();
    std::string all;
    for (const auto& x : allowed) all += (all.empty() ? "" : ", ") + x;
    for (const auto& e : *ks->as_array()) {
      if (!e.is_string()) throw fail(&e, "'" + kn + "' entries must be strings");
      const std::string s = e.as_string()->get();
      if (s == "kpis") continue;  // always kept
      if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        const std::string hint = did_you_mean(s, allowed);
        throw fail(&e, "'" + kn + "' has \"" + s + "\", not a daily series" +
                           (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") + "; allowed: " + all);
      }
      if (std::find(sp.keep_series.begin(), sp.keep_series.end(), s) != sp.keep_series.end())
        throw fail(&e, "'" + kn + "' names \"" + s + "\" twice");
      sp.keep_series.push_back(s);
    }
  }
  const auto* params = t.get("parameters");
  if (params && !params->is_table()) throw fail(params, "'parameters' must be a table: [parameters]");
  // Parameters in the order the spec lists them (a TOML table iterates sorted by key).
  std::vector<std::pair<std::string, const toml::node*>> ordered;
  if (params)
    for (auto&& [k, v] : *params->as_table()) ordered.emplace_back(std::string(k.str()), &v);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    const auto &x = a.second->source().begin, &y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  for (const auto& entry : ordered) {
    const std::string& key = entry.first;
    const toml::node& v = *entry.second;
    std::vector<std::pair<const toml::node*, std::string>> checks;  // values the base scenario must accept
    if (v.is_array()) {
      SweepParam p;
      p.key = key;
      if (v.as_array()->empty()) throw fail(&v, "parameter '" + key + "' has an empty list of values");
      for (const auto& e : *v.as_array()) {
        if (e.is_array() || e.is_table())
          throw fail(&e, "parameter '" + key + "': list values must be numbers, booleans or strings");
        p.values.push_back(literal(e));
        checks.emplace_back(&e, p.values.back());
      }
      p.integer = integer_key(key);
      sp.swept.push_back(p);
    } else if (v.is_table()) {
      SweepParam p;
      p.key = key;
      p.range = true;
      p.integer = integer_key(key);
      const auto& r = *v.as_table();
      for (auto&& [rk, rv] : r) {
        const std::string n(rk.str());
        if (n != "min" && n != "max" && n != "steps" && n != "log") {
          const std::string hint = did_you_mean(n, {"min", "max", "steps", "log"});
          throw fail(&rv, "parameter '" + key + "': unknown range key '" + n + "'" +
                              (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                              "; allowed: min, max, steps, log");
        }
      }
      const auto* mn = r.get("min");
      const auto* mx = r.get("max");
      const toml::node* whole = &v;  // clang 14 cannot capture a structured binding
      auto number = [&](const toml::node* n, const char* what) {
        if (!n || !(n->is_integer() || n->is_floating_point()))
          throw fail(n ? n : whole,
                     "parameter '" + key + "': a range needs numeric '" + what + "', e.g. { min = 0.01, max = 0.2 }");
        return n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
      };
      p.min = number(mn, "min");
      p.max = number(mx, "max");
      if (!(p.min < p.max)) throw fail(&v, "parameter '" + key + "': min must be below max");
      if (const auto* st = r.get("steps")) {
        if (!st->is_integer() || st->as_integer()->get() < 2 || st->as_integer()->get() > 100000)
          throw fail(st, "parameter '" + key + "': 'steps' must be an integer in [2, 100000]");
        p.steps = static_cast<int>(st->as_integer()->get());
      }
      if (const auto* lg = r.get("log")) {
        if (!lg->is_boolean()) throw fail(lg, "parameter '" + key + "': 'log' must be true or false");
        p.log = lg->as_boolean()->get();
        if (p.log && p.min <= 0) throw fail(lg, "parameter '" + key + "': a log range needs min > 0");
      }
      // Both ends, as the runs will see them (integer keys rounded).
      for (const auto& [n, x] : {std::pair{mn, p.min}, std::pair{mx, p.max}}) {
        char b[40];
        if (p.integer)
          std::snprintf(b, sizeof b, "%lld", static_cast<long long>(std::llround(x)));
        else
          std::snprintf(b, sizeof b, "%.10g", x);
        checks.emplace_back(n, b);
      }
      sp.swept.push_back(p);
    } else {
      checks.emplace_back(&v, literal(v));
      sp.held.push_back(key + "=" + literal(v));
    }
    // The key must be one the base scenario accepts, and every value one it accepts.
    for (const auto& [node, value] : checks) {
      try {
        load_scenario(sp.base, {key + "=" + value});
      } catch (const InputError& e) {
        std::string why = e.what();
        const auto at = why.find(": error: ");
        if (at != std::string::npos) why = why.substr(at + 9);  // the base scenario's own location adds nothing
        throw fail(node, "parameter '" + key + "' = " + value + ": " + why);
      }
    }
  }
  // The design's requirements.
  const bool any_list = std::any_of(sp.swept.begin(), sp.swept.end(), [](auto& p) { return !p.range; });
  if (sp.design == "grid") {
    for (const auto& p : sp.swept)
      if (p.range && p.steps == 0)
        throw fail(params, "parameter '" + p.key + "': a grid needs 'steps' in its range, or a list of values");
  } else {
    if (sp.samples <= 0)
      throw fail(nullptr, "design \"" + sp.design + "\" needs 'samples' (" +
                              (sp.design == "morris"  ? std::string("number of trajectories")
                               : sp.design == "sobol" ? std::string("base sample size N; runs = N (k + 2)")
                                                      : std::string("number of points")) +
                              ")");
    if ((sp.design == "morris" || sp.design == "sobol") && any_list)
      throw fail(params, "design \"" + sp.design + "\" needs ranges { min, max } for every swept parameter, not lists");
    if (sp.swept.empty()) throw fail(params, "design \"" + sp.design + "\" needs at least one swept parameter");
    if (sp.design == "morris" && sp.levels % 2)
      throw fail(t.get("levels"), "'levels' must be even for the Morris design");
    // Saltelli's design uses two Sobol dimensions per parameter (tests/reliability/corpus/
    // sweep_sobol_too_many.toml pins the message).
    constexpr int kSobolMaxParams = design::kSobolMaxDim / 2;
    if (sp.design == "sobol" && static_cast<int>(sp.swept.size()) > kSobolMaxParams)
      throw fail(params, "design \"sobol\" supports up to " + std::to_string(kSobolMaxParams) + " swept parameters");
  }
  return sp;
}

namespace {

// ---- the runs ----------------------------------------------------------------------------

struct Point {
  std::vector<std::string> sets;  // key=value for this point
  std::vector<double> values;     // numeric value (or list index) per swept parameter
  double trajectory = -1, step = -1, changed = -1, block = -1, row = -1;
};

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

Point make_point(const SweepSpec& sp, const std::vector<double>& u) {
  Point pt;
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

std::vector<Point> points_of(const SweepSpec& sp) {
  std::vector<Point> pts;
  const int k = static_cast<int>(sp.swept.size());
  if (sp.design == "grid") {
    std::vector<int> levels;
    for (const auto& p : sp.swept) levels.push_back(p.range ? p.steps : static_cast<int>(p.values.size()));
    for (const auto& idx : design::grid(levels)) {
      std::vector<double> u(k);
      for (int j = 0; j < k; ++j) {
        const auto& p = sp.swept[j];
        u[j] = p.range ? static_cast<double>(idx[j]) / (p.steps - 1)
                       : (idx[j] + 0.5) / static_cast<double>(p.values.size());
      }
      pts.push_back(make_point(sp, u));
    }
  } else if (sp.design == "random" || sp.design == "lhs") {
    const auto m = sp.design == "random"
                       ? design::random(sp.samples, k, static_cast<std::uint64_t>(sp.design_seed))
                       : design::latin_hypercube(sp.samples, k, static_cast<std::uint64_t>(sp.design_seed));
    for (const auto& u : m) pts.push_back(make_point(sp, u));
  } else if (sp.design == "morris") {
    for (const auto& mp : design::morris(sp.samples, k, sp.levels, static_cast<std::uint64_t>(sp.design_seed))) {
      Point pt = make_point(sp, mp.x);
      pt.trajectory = mp.trajectory;
      pt.step = mp.step;
      pt.changed = mp.changed;
      pts.push_back(pt);
    }
  } else {
    for (const auto& s : design::saltelli(sp.samples, k)) {
      Point pt = make_point(sp, s.x);
      pt.block = s.block;
      pt.row = s.row;
      pts.push_back(pt);
    }
  }
  return pts;
}

struct Plan {
  SweepSpec spec;
  std::vector<Point> points;
  Scenario base;     // with held values
  Scenario largest;  // the point that needs the most memory (swept agents, degree, days)
  long long seed = 0;
  int K = 0, D = 0;
  std::vector<std::string> products, kpi_columns;
  std::size_t values_per_run = 0;  // kpis + series
  std::uint64_t hash = 0;
  std::size_t runs() const { return points.size() * static_cast<std::size_t>(spec.replicates); }
  std::size_t point_of(std::size_t run) const { return run / spec.replicates; }
  int replicate_of(std::size_t run) const { return static_cast<int>(run % spec.replicates); }
  long long key_of(std::size_t run) const {
    return base.simulation.replicate + (spec.common_random_numbers ? replicate_of(run) : static_cast<long long>(run));
  }
};

std::uint64_t fnv(const std::string& s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

Plan make_plan(const std::string& spec_path) {
  Plan pl;
  pl.spec = load_sweep_spec(spec_path);
  pl.points = points_of(pl.spec);
  pl.base = load_scenario(pl.spec.base, pl.spec.held);
  pl.seed = pl.spec.seed >= 0 ? pl.spec.seed : pl.base.simulation.seed;
  pl.K = static_cast<int>(pl.base.products.size());
  pl.D = static_cast<int>(pl.base.simulation.days);
  for (const auto& p : pl.base.products) pl.products.push_back(p.name);
  for (const auto& k : compare_kpis()) {
    for (const auto& p : pl.products) pl.kpi_columns.push_back(std::string(k.name) + "." + p);
    pl.kpi_columns.push_back(std::string(k.name) + ".all");
  }
  pl.values_per_run = pl.kpi_columns.size() + pl.spec.keep_series.size() * static_cast<std::size_t>(pl.D) * pl.K;
  if (!pl.spec.keep_series.empty())
    for (const auto& p : pl.spec.swept)
      if (p.key == "simulation.days")
        throw InputError(spec_path + ": error: sweeping simulation.days cannot keep daily series (keep_series)");
  for (const auto& p : pl.spec.swept)
    if (p.key.rfind("product.", 0) == 0 && p.key.size() > 8 && p.key.substr(p.key.rfind('.') + 1) == "name")
      throw InputError(spec_path + ": error: product names cannot be swept");
  // Every point must be a valid scenario (cross-field rules, e.g. network.degree below the
  // agents), checked before the first run rather than failing halfway through the sweep.
  std::uint64_t largest_bytes = 0;
  for (std::size_t i = 0; i < pl.points.size(); ++i) {
    std::vector<std::string> sets = pl.spec.held;
    sets.insert(sets.end(), pl.points[i].sets.begin(), pl.points[i].sets.end());
    try {
      Scenario sc = load_scenario(pl.spec.base, sets);
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
  // Everything that defines the results: the spec text and the resolved base scenario.
  pl.hash = fnv(scenario_to_toml(pl.base), fnv(pl.spec.text));
  return pl;
}

std::vector<double> compute_run(const Plan& pl, std::size_t run, int threads, const std::atomic<bool>* stop) {
  std::vector<std::string> sets = pl.spec.held;
  const auto& pt = pl.points[pl.point_of(run)];
  sets.insert(sets.end(), pt.sets.begin(), pt.sets.end());
  sets.push_back("simulation.seed=" + std::to_string(pl.seed));
  sets.push_back("simulation.replicate=" + std::to_string(pl.key_of(run)));
  const Scenario sc = load_scenario(pl.spec.base, sets);
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

// ---- journal: one line per finished run, flushed to disk, so a killed sweep resumes ------

class Journal {
 public:
  Journal(std::string path, const Plan& pl, bool resume) : path_(std::move(path)), pl_(pl) {
    char head[128];
    std::snprintf(head, sizeof head, "motsim-sweep-journal-1 %016llx %zu %zu", static_cast<unsigned long long>(pl.hash),
                  pl.runs(), pl.values_per_run);
    header_ = head;
    const bool exists = path_exists(path_);
    if (exists && !resume)
      throw InputError(path_ +
                       ": error: an unfinished sweep left this journal; use --resume to continue it, or "
                       "delete it to start again");
    if (exists) load();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd_ < 0) throw InputError(path_ + ": error: cannot write the sweep journal");
    if (!exists || done_.empty()) {
      if (exists && ::ftruncate(fd_, 0) != 0) throw std::runtime_error("cannot reset " + path_);
      write_line(header_);
    } else if (::ftruncate(fd_, static_cast<off_t>(whole_lines_)) != 0) {
      // Drop a last line cut by the crash, so that the next line starts on a line of its own.
      throw std::runtime_error("cannot repair " + path_);
    }
  }
  ~Journal() {
    if (fd_ >= 0) {
      ::fsync(fd_);
      ::close(fd_);
    }
  }
  const std::map<std::size_t, std::vector<double>>& done() const { return done_; }

  void record(std::size_t run, const std::vector<double>& v) {
    std::string line = std::to_string(run);
    char b[40];
    for (double x : v) {
      std::snprintf(b, sizeof b, " %a", x);
      line += b;
    }
    std::snprintf(b, sizeof b, " #%016llx", static_cast<unsigned long long>(fnv(line)));
    line += b;
    std::lock_guard<std::mutex> lock(m_);
    write_line(line);
    done_[run] = v;
  }
  void remove() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::remove(path_, ec);
  }

 private:
  // Every line goes to the kernel at once (a killed process, even kill -9, loses nothing);
  // fsync at most once a second (a machine that goes down loses at most the last second's
  // runs), because an fsync per run would serialise short runs on a slow disk.
  void write_line(const std::string& l) {
    const std::string s = l + "\n";
    if (::write(fd_, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
      throw std::runtime_error("cannot write the sweep journal " + path_ + " (disk full?)");
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sync_ >= std::chrono::seconds(1)) {
      if (::fsync(fd_) != 0) throw std::runtime_error("cannot write the sweep journal " + path_ + " (disk full?)");
      last_sync_ = now;
    }
  }
  void load() {
    std::ifstream in(path_);
    std::string line;
    if (!std::getline(in, line) || line != header_)
      throw InputError(path_ +
                       ": error: this journal belongs to another sweep spec or base scenario; delete it or "
                       "restore the spec it was made with");
    whole_lines_ = line.size() + 1;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // a last line without its newline was cut by a crash
      whole_lines_ += line.size() + 1;
      const auto hashpos = line.rfind(" #");
      if (hashpos == std::string::npos) continue;
      const std::string body = line.substr(0, hashpos);
      if (std::strtoull(line.c_str() + hashpos + 2, nullptr, 16) != fnv(body)) continue;
      std::istringstream ss(body);
      std::size_t run;
      ss >> run;
      std::vector<double> v;
      std::string tok;
      while (ss >> tok) v.push_back(std::strtod(tok.c_str(), nullptr));
      if (run < pl_.runs() && v.size() == pl_.values_per_run) done_[run] = std::move(v);
    }
  }
  std::string path_, header_;
  const Plan& pl_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_sync_{};
  std::size_t whole_lines_ = 0;  // bytes of the complete lines read on resume
  std::mutex m_;
  std::map<std::size_t, std::vector<double>> done_;
};

// ---- the file ----------------------------------------------------------------------------

void write_sweep_file(const std::string& out, bool force, const Plan& pl,
                      const std::map<std::size_t, std::vector<double>>& done, const std::string& command_line,
                      int task_index, int task_count) {
  using namespace h5;
  write_atomically(out, force, "motsim-sweep-1", command_line, [&](hid_t file) {
    const bool complete = done.size() == pl.runs();
    {
      Handle g = group(file, "products");
      strings(g, "name", pl.products);
    }
    Handle sw = group(file, "sweep");
    attr_string(sw, "spec", pl.spec.text);
    {
      std::error_code ec;  // absolute, so that motsim merge finds the spec from any directory
      const fs::path abs = fs::absolute(pl.spec.path, ec);
      attr_string(sw, "spec_path", ec ? pl.spec.path : abs.lexically_normal().string());
    }
    attr_string(sw, "base_scenario", scenario_to_toml(pl.base));
    attr_string(sw, "design", pl.spec.design);
    attr_int(sw, "replicates", pl.spec.replicates);
    attr_int(sw, "points", static_cast<long long>(pl.points.size()));
    attr_int(sw, "runs", static_cast<long long>(pl.runs()));
    attr_int(sw, "complete", complete ? 1 : 0);
    attr_int(sw, "task_index", task_index);
    attr_int(sw, "task_count", task_count);
    char hash[24];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(pl.hash));
    attr_string(sw, "spec_hash", hash);
    std::vector<std::string> pnames;
    for (const auto& p : pl.spec.swept) pnames.push_back(p.key);
    strings(sw, "parameters", pnames);
    // Held parameters (scalars in the spec) are columns too, so that every row carries every
    // parameter value: a number as itself, anything else as index 0 of /sweep/levels/<key>.
    std::vector<std::string> hnames;
    std::vector<double> hvalues;
    std::vector<std::pair<std::string, std::string>> hlevels;
    for (const auto& h : pl.spec.held) {
      const auto eq = h.find('=');
      const std::string key = h.substr(0, eq), value = h.substr(eq + 1);
      char* end = nullptr;
      const double x = std::strtod(value.c_str(), &end);
      hnames.push_back(key);
      if (!value.empty() && end && *end == '\0' && std::isfinite(x)) {
        hvalues.push_back(x);
      } else {
        hvalues.push_back(0);
        hlevels.emplace_back(key, value);
      }
    }
    strings(sw, "held_parameters", hnames);
    {
      Handle lv = group(sw, "levels");
      for (std::size_t j = 0; j < pl.spec.swept.size(); ++j)
        if (!pl.spec.swept[j].range) strings(lv, pl.spec.swept[j].key.c_str(), pl.spec.swept[j].values);
      for (const auto& [key, value] : hlevels) strings(lv, key.c_str(), {value});
    }
    std::vector<std::string> pcols = {"run", "point", "replicate", "seed", "replicate_key"};
    pcols.insert(pcols.end(), pnames.begin(), pnames.end());
    pcols.insert(pcols.end(), hnames.begin(), hnames.end());
    for (const char* c : {"trajectory", "step", "changed", "block", "row"}) pcols.push_back(c);
    const std::size_t R = pl.runs(), PC = pcols.size();
    std::vector<double> pts(R * PC);
    for (std::size_t run = 0; run < R; ++run) {
      const auto& pt = pl.points[pl.point_of(run)];
      double* row = &pts[run * PC];
      std::size_t c = 0;
      row[c++] = static_cast<double>(run);
      row[c++] = static_cast<double>(pl.point_of(run));
      row[c++] = pl.replicate_of(run);
      row[c++] = static_cast<double>(pl.seed);
      row[c++] = static_cast<double>(pl.key_of(run));
      for (double v : pt.values) row[c++] = v;
      for (double v : hvalues) row[c++] = v;
      for (double v : {pt.trajectory, pt.step, pt.changed, pt.block, pt.row}) row[c++] = v;
    }
    strings(sw, "point_columns", pcols);
    dataset(sw, "points", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {R, PC}, pts.data(),
            "one row per run: run, point, replicate, seed, replicate_key, each swept parameter, then each held "
            "parameter (a value that is not a number: its index in /sweep/levels/<key>), and the design's trajectory, "
            "step, changed (Morris) and block, row "
            "(Sobol/Saltelli), -1 when not used");
    const std::size_t KC = pl.kpi_columns.size();
    std::vector<double> kp(R * KC, NAN);
    std::vector<std::uint8_t> mask(R, 0);
    for (const auto& [run, v] : done) {
      std::copy(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(KC),
                kp.begin() + static_cast<std::ptrdiff_t>(run * KC));
      mask[run] = 1;
    }
    strings(sw, "kpi_columns", pl.kpi_columns);
    dataset(sw, "kpis", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {R, KC}, kp.data(),
            "one row per run, columns in /sweep/kpi_columns (KPI.product, KPI.all); NaN for runs not done");
    dataset(sw, "done", H5T_STD_U8LE, H5T_NATIVE_UINT8, {R}, mask.data(), "1 for runs this file holds");
    if (!pl.spec.keep_series.empty()) {
      Handle ts = group(sw, "timeseries");
      const std::size_t DK = static_cast<std::size_t>(pl.D) * pl.K;
      for (std::size_t m = 0; m < pl.spec.keep_series.size(); ++m) {
        std::vector<double> s(R * DK, NAN);
        for (const auto& [run, v] : done)
          std::copy(v.begin() + static_cast<std::ptrdiff_t>(KC + m * DK),
                    v.begin() + static_cast<std::ptrdiff_t>(KC + (m + 1) * DK),
                    s.begin() + static_cast<std::ptrdiff_t>(run * DK));
        dataset(ts, pl.spec.keep_series[m].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                {R, static_cast<hsize_t>(pl.D), static_cast<hsize_t>(pl.K)}, s.data(), "[run, day, product]");
      }
    }
  });
}

bool under_mpi() {
#if MOTSIM_HAVE_MPI
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
#endif
  return false;
}

}  // namespace

int run_sweep(const SweepOptions& opt, const std::string& command_line) {
  if (opt.task_count < 0 || (opt.task_count > 0 && (opt.task_index < 0 || opt.task_index >= opt.task_count)) ||
      (opt.task_count == 0 && opt.task_index >= 0))
    throw InputError("sweep: error: --task-index I --task-count N need 0 <= I < N");
  int rank = 0, size = 1;
  const bool mpi = under_mpi();
#if MOTSIM_HAVE_MPI
  if (mpi) {
    int provided;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  struct Finalize {
    bool on;
    ~Finalize() {
      if (on) MPI_Finalize();
    }
  } finalize{mpi};
#endif
  const bool quiet = opt.quiet || rank != 0;
  Plan pl;
  try {
    pl = make_plan(opt.spec);
  } catch (...) {
    if (rank != 0) return 2;  // every rank reads the same spec; rank 0 reports the error
    throw;
  }
  if (rank == 0) print_notes(pl.base);
  const std::string out = opt.out;
  if (out.empty()) throw InputError("sweep: error: --out FILE is required");
  // Rank 0 owns the files.
  std::unique_ptr<Journal> journal;
  std::vector<std::size_t> pending;
  if (rank == 0) {
    try {
      check_output_path(out, opt.force);
      // Every point must fit, as many at once as runs go in parallel here (one per worker
      // thread; under MPI one per rank, and the ranks of a node share its memory).
      const int at_once =
          mpi && size > 1 ? 1 : static_cast<int>(std::min<std::size_t>(par::threads_or_all(opt.threads), pl.runs()));
      check_memory(pl.largest, false, at_once);
      journal = std::make_unique<Journal>(out + ".journal", pl, opt.resume);
    } catch (...) {
#if MOTSIM_HAVE_MPI
      if (mpi && size > 1) {
        try {
          throw;
        } catch (const std::exception& e) {
          std::fprintf(stderr, "motsim: %s\n", e.what());
        }
        MPI_Abort(MPI_COMM_WORLD, 2);
      }
#endif
      throw;
    }
    for (std::size_t r = 0; r < pl.runs(); ++r)
      if ((opt.task_count == 0 || static_cast<int>(r % opt.task_count) == opt.task_index) && !journal->done().count(r))
        pending.push_back(r);
    if (!quiet)
      std::fprintf(stderr, "sweep %s: design %s, %zu points x %d replicates = %zu runs; %zu to do%s%s\n",
                   opt.spec.c_str(), pl.spec.design.c_str(), pl.points.size(), pl.spec.replicates, pl.runs(),
                   pending.size(), journal->done().empty() ? "" : " (resumed from the journal)",
                   mpi && size > 1 ? (", " + std::to_string(size - 1) + " MPI workers").c_str() : "");
  }
  install_interrupt_handlers();
  std::mutex io;
  std::size_t finished = 0;
  auto report = [&](std::size_t run) {
    if (quiet) return;
    std::lock_guard<std::mutex> lock(io);
    ++finished;
    std::fprintf(stderr, "run %zu done (%zu/%zu)\n", run, finished, pending.size());
  };

#if MOTSIM_HAVE_MPI
  if (mpi && size > 1) {
    // Dynamic load balancing: rank 0 hands out one run at a time to whichever worker asks.
    const int kWork = 1, kResult = 2;
    try {
      if (rank == 0) {
        std::size_t next = 0;
        int active = size - 1;
        std::vector<double> buf(pl.values_per_run + 1);
        while (active > 0) {
          // Poll with a short sleep rather than MPI_Probe: Open MPI's blocking calls spin, and a
          // spinning coordinator would take a core from the workers on its node.
          MPI_Status st;
          int flag = 0;
          for (int nap_us = 50;; nap_us = std::min(2 * nap_us, 5000)) {
            MPI_Iprobe(MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &flag, &st);
            if (flag) break;
            std::this_thread::sleep_for(std::chrono::microseconds(nap_us));
          }
          int count;
          MPI_Get_count(&st, MPI_DOUBLE, &count);
          buf.resize(static_cast<std::size_t>(std::max(count, 1)));
          MPI_Recv(buf.data(), count, MPI_DOUBLE, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          if (count > 1) {  // a finished run: [run, values...]
            const auto run = static_cast<std::size_t>(buf[0]);
            journal->record(run, std::vector<double>(buf.begin() + 1, buf.end()));
            report(run);
          }
          long long work = -1;
          if (next < pending.size() && !stop_requested()) work = static_cast<long long>(pending[next++]);
          MPI_Send(&work, 1, MPI_LONG_LONG, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
          if (work < 0) --active;
        }
      } else {
        double hello = -1;
        MPI_Send(&hello, 1, MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
        while (true) {
          long long work;
          MPI_Recv(&work, 1, MPI_LONG_LONG, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          if (work < 0) break;
          std::vector<double> msg{static_cast<double>(work)};
          const auto v = compute_run(pl, static_cast<std::size_t>(work), 1, &stop_flag());
          msg.insert(msg.end(), v.begin(), v.end());
          if (stop_requested()) msg.resize(1), msg[0] = -1;  // interrupted: the run is not kept
          MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
        }
        return 0;
      }
    } catch (const std::exception& e) {
      // A failed rank must not leave the others waiting for it: end the whole job. Finished
      // runs are in the journal.
      std::fprintf(stderr, "motsim: rank %d: %s; finished runs are kept in %s.journal (rerun with --resume)\n", rank,
                   e.what(), out.c_str());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  } else
#endif
  {
    // One machine: one run per worker thread, every core busy; results keyed by run id.
    const int threads = par::threads_or_all(opt.threads);
    par::Arena arena(threads);
    std::exception_ptr error;
    arena.execute([&] {
      par::for_range<std::size_t>(
          0, pending.size(), 1,
          [&](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i != hi; ++i) {
              if (stop_requested()) return;
              try {
                const auto v = compute_run(pl, pending[i], 1, &stop_flag());
                if (stop_requested()) return;  // cut short: not kept
                journal->record(pending[i], v);
                report(pending[i]);
              } catch (...) {
                std::lock_guard<std::mutex> lock(io);
                if (!error) error = std::current_exception();
                return;
              }
            }
          },
          true);
    });
    if (error) std::rethrow_exception(error);
  }
  if (stop_requested()) {
    std::fprintf(stderr,
                 "motsim: sweep interrupted by signal %d; %zu runs are kept in %s.journal; rerun with --resume to "
                 "finish; %s %s\n",
                 interrupt_signal(), journal->done().size(), out.c_str(), out.c_str(),
                 path_exists(out) ? "left as it was" : "not created");
    return kExitInterrupted;
  }
  write_sweep_file(out, opt.force, pl, journal->done(), command_line, opt.task_index, opt.task_count);
  journal->remove();
  if (!quiet)
    std::fprintf(stderr, "wrote %s (%zu of %zu runs%s)\n", out.c_str(), journal->done().size(), pl.runs(),
                 opt.task_count > 0 ? ", a slice: join the slices with motsim merge" : "");
  return 0;
}

int run_merge(const std::string& out, const std::vector<std::string>& slices, bool force) {
  if (slices.empty()) throw InputError("merge: error: give the output file and at least one slice file");
  check_output_path(out, force);
  std::string spec_hash, spec_path;
  std::map<std::size_t, std::vector<double>> done;
  std::unique_ptr<Plan> plan;
  for (const auto& s : slices) {
    h5::Handle f = h5::open_for_reading(s);
    if (h5::read_attr_string(f, "format") != "motsim-sweep-1") throw InputError(s + ": error: not a motsim sweep file");
    try {
      h5::Handle sw(H5Gopen2(f, "/sweep", H5P_DEFAULT), H5Gclose);
      if (sw < 0) throw h5::Error("no /sweep");
      const std::string hash = h5::read_attr_string(sw, "spec_hash");
      if (spec_hash.empty()) {
        spec_hash = hash;
        spec_path = h5::read_attr_string(sw, "spec_path");
        // Rebuild the plan from the spec file the slice names, and check that it is still the
        // spec (and base scenario) the slice was made with.
        const std::string text = h5::read_attr_string(sw, "spec");
        if (!path_exists(spec_path))
          throw InputError(s + ": error: merge rebuilds the sweep from its spec " + spec_path +
                           ", which is not there; run merge where the slices were made, or restore the spec");
        plan = std::make_unique<Plan>(make_plan(spec_path));
        char h[24];
        std::snprintf(h, sizeof h, "%016llx", static_cast<unsigned long long>(plan->hash));
        if (h != hash || text != plan->spec.text)
          throw InputError(s + ": error: the spec " + spec_path +
                           " or its base scenario changed since this slice was made");
      } else if (hash != spec_hash) {
        throw InputError(s + ": error: this slice belongs to another sweep (spec hash " + hash + " vs " + spec_hash +
                         ")");
      }
      std::vector<hsize_t> dims;
      const auto kp = h5::read_doubles(f, "/sweep/kpis", dims);
      const auto mask = h5::read_doubles(f, "/sweep/done", dims);
      const std::size_t R = plan->runs(), KC = plan->kpi_columns.size(),
                        DK = static_cast<std::size_t>(plan->D) * plan->K;
      if (mask.size() != R || kp.size() != R * KC) throw h5::Error("/sweep/kpis does not match the spec");
      std::vector<std::vector<double>> series;
      for (const auto& m : plan->spec.keep_series) {
        series.push_back(h5::read_doubles(f, "/sweep/timeseries/" + m, dims));
        if (series.back().size() != R * DK) throw h5::Error("/sweep/timeseries/" + m + " does not match the spec");
      }
      for (std::size_t r = 0; r < R; ++r) {
        if (mask[r] == 0 || done.count(r)) continue;
        std::vector<double> v(kp.begin() + static_cast<std::ptrdiff_t>(r * KC),
                              kp.begin() + static_cast<std::ptrdiff_t>((r + 1) * KC));
        for (const auto& sv : series)
          v.insert(v.end(), sv.begin() + static_cast<std::ptrdiff_t>(r * DK),
                   sv.begin() + static_cast<std::ptrdiff_t>((r + 1) * DK));
        done[r] = std::move(v);
      }
    } catch (const h5::Error& e) {
      throw InputError(s + ": error: " + e.what() + " (truncated or corrupt slice?)");
    }
  }
  if (done.size() != plan->runs()) {
    std::size_t missing = 0;
    for (std::size_t r = 0; r < plan->runs(); ++r) missing += !done.count(r);
    throw InputError("merge: error: the slices hold " + std::to_string(done.size()) + " of " +
                     std::to_string(plan->runs()) + " runs; " + std::to_string(missing) +
                     " are missing (run the missing --task-index values)");
  }
  write_sweep_file(out, force, *plan, done, "motsim merge", -1, 0);
  std::fprintf(stderr, "wrote %s (%zu runs from %zu slices)\n", out.c_str(), done.size(), slices.size());
  return 0;
}

}  // namespace motsim
