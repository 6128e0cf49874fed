#include "sim/experiment/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "sim/core/files.hpp"
#include "sim/engine/results.hpp"
#include "sim/experiment/design.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/toml_util.hpp"

namespace fs = std::filesystem;

namespace motsim {

namespace {

template <class T>
SpecFieldDesc spec_field(const char* key, SpecKind kind, T SweepSpec::*member, const char* doc) {
  SpecFieldDesc d;
  d.key = key;
  d.kind = kind;
  d.doc = doc;
  d.ptr = [member](SweepSpec& s) -> void* { return &(s.*member); };
  return d;
}

SpecFieldDesc int_field(const char* key, int SweepSpec::*member, long long min, long long max, const char* doc) {
  SpecFieldDesc d = spec_field(key, SpecKind::Int, member, doc);
  d.min = min;
  d.max = max;
  return d;
}

SpecFieldDesc int64_field(const char* key, long long SweepSpec::*member, long long min, long long max,
                          const char* doc) {
  SpecFieldDesc d = spec_field(key, SpecKind::Int64, member, doc);
  d.min = min;
  d.max = max;
  return d;
}

}  // namespace

const std::vector<SpecFieldDesc>& sweep_spec_fields() {
  static const std::vector<SpecFieldDesc> f = [] {
    std::vector<SpecFieldDesc> v;
    v.push_back(spec_field("base", SpecKind::Scenario, &SweepSpec::base,
                           "the base scenario file, e.g. base = \"baseline.toml\""));
    v.push_back(spec_field("design", SpecKind::Choice, &SweepSpec::design, "how points are chosen"));
    v.back().choices = {"grid", "random", "lhs", "morris", "sobol"};
    v.push_back(int_field("replicates", &SweepSpec::replicates, 1, 100000, "runs per point"));
    v.push_back(int_field("samples", &SweepSpec::samples, 1, 10000000,
                          "random/lhs: points; morris: trajectories; sobol: base size N"));
    v.push_back(int_field("levels", &SweepSpec::levels, 2, 100, "morris: levels of the grid (even)"));
    v.push_back(int64_field("design_seed", &SweepSpec::design_seed, 0, 1ll << 62, "random, lhs and morris draws"));
    v.push_back(int64_field("seed", &SweepSpec::seed, 0, 1ll << 62, "master seed (default: the base scenario's)"));
    v.push_back(spec_field("common_random_numbers", SpecKind::Bool, &SweepSpec::common_random_numbers,
                           "replicate r uses the same random key at every point"));
    v.push_back(spec_field("keep_series", SpecKind::SeriesList, &SweepSpec::keep_series,
                           "daily series to keep, [run, day, product]"));
    v.push_back(spec_field("keep", SpecKind::SeriesList, &SweepSpec::keep_series, "another name of keep_series"));
    v.back().alias_of = "keep_series";
    SpecFieldDesc params;
    params.key = "parameters";
    params.kind = SpecKind::Parameters;
    params.doc = "scenario keys: a scalar is held, a list or a range is swept";
    v.push_back(params);
    return v;
  }();
  return f;
}

namespace {

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

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
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

// The message of a scenario's InputError without its location (which adds nothing here).
std::string reason(const InputError& e) {
  std::string why = e.what();
  const auto at = why.find(": error: ");
  return at == std::string::npos ? why : why.substr(at + 9);
}

// Reading one spec: its table, where messages point, and the spec being filled.
struct SpecReader {
  const std::string& path;
  const toml::table& t;
  SweepSpec& sp;
  std::exception_ptr base_error;  // the base scenario could not be read (reported as a value check)

  InputError fail(const toml::node* n, const std::string& msg) const {
    return InputError((n ? where(*n, path) : path) + ": error: " + msg);
  }

  // The base scenario must accept `key` = `value`, given alone.
  void check_value(const std::string& key, const toml::node* node, const std::string& value) const {
    try {
      if (base_error) std::rethrow_exception(base_error);
      sp.base_scenario.with({key + "=" + value});
    } catch (const InputError& e) {
      throw fail(node, "parameter '" + key + "' = " + value + ": " + reason(e));
    }
  }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code dir_ec;
  if (!in || fs::is_directory(path, dir_ec)) throw InputError(path + ": error: cannot read sweep spec");
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

void check_keys(const SpecReader& r) {
  std::vector<std::string> keys;
  for (const auto& f : sweep_spec_fields()) keys.push_back(f.key);
  for (auto&& [k, v] : r.t) {
    const std::string key(k.str());
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    const std::string hint = did_you_mean(key, keys);
    throw r.fail(&v, "unknown key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                         "; allowed: " + join(keys));
  }
}

// `base`: a scenario file, relative to the spec; read here, once.
void read_scenario(SpecReader& r, const SpecFieldDesc& f, const toml::node* n) {
  if (!n || !n->is_string()) throw r.fail(n, "'" + f.key + "' must name " + f.doc);
  std::string& target = *static_cast<std::string*>(f.ptr(r.sp));
  target = (fs::path(r.sp.base_dir) / n->as_string()->get()).string();
  if (!path_exists(target))
    throw r.fail(n, "'" + f.key + "' = \"" + n->as_string()->get() + "\": no such scenario " + target);
  try {
    r.sp.base_scenario = ParsedScenario(target);
  } catch (const InputError&) {
    r.base_error = std::current_exception();
  }
}

void read_choice(const SpecReader& r, const SpecFieldDesc& f, const toml::node& n) {
  if (!n.is_string() || std::find(f.choices.begin(), f.choices.end(), n.as_string()->get()) == f.choices.end()) {
    std::string expected;
    for (const auto& c : f.choices) expected += " \"" + c + "\"";
    throw r.fail(&n, "'" + f.key + "' = " + literal(n) + " is not allowed; expected one of" + expected);
  }
  *static_cast<std::string*>(f.ptr(r.sp)) = n.as_string()->get();
}

void read_int(const SpecReader& r, const SpecFieldDesc& f, const toml::node& n) {
  const std::string range = "[" + std::to_string(f.min) + ", " + std::to_string(f.max) + "]";
  if (!n.is_integer()) throw r.fail(&n, "'" + f.key + "' = " + literal(n) + " must be an integer in " + range);
  const long long v = n.as_integer()->get();
  if (v < f.min || v > f.max)
    throw r.fail(&n, "'" + f.key + "' = " + std::to_string(v) + " is out of range; expected " + range);
  if (f.kind == SpecKind::Int)
    *static_cast<int*>(f.ptr(r.sp)) = static_cast<int>(v);
  else
    *static_cast<long long*>(f.ptr(r.sp)) = v;
}

void read_bool(const SpecReader& r, const SpecFieldDesc& f, const toml::node& n) {
  if (!n.is_boolean()) throw r.fail(&n, "'" + f.key + "' must be true or false");
  *static_cast<bool*>(f.ptr(r.sp)) = n.as_boolean()->get();
}

// What to keep: KPIs always ("kpis" is accepted and ignored); daily series on request.
void read_series(const SpecReader& r, const SpecFieldDesc& f, const toml::node& n) {
  if (!n.is_array())
    throw r.fail(&n, "'" + f.key + "' must be an array of series names, e.g. [\"purchases\", \"aware\"]");
  const auto allowed = daily_series_names();
  auto& kept = *static_cast<std::vector<std::string>*>(f.ptr(r.sp));
  for (const auto& e : *n.as_array()) {
    if (!e.is_string()) throw r.fail(&e, "'" + f.key + "' entries must be strings");
    const std::string s = e.as_string()->get();
    if (s == "kpis") continue;  // always kept
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      const std::string hint = did_you_mean(s, allowed);
      throw r.fail(&e, "'" + f.key + "' has \"" + s + "\", not a daily series" +
                           (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") + "; allowed: " + join(allowed));
    }
    if (std::find(kept.begin(), kept.end(), s) != kept.end())
      throw r.fail(&e, "'" + f.key + "' names \"" + s + "\" twice");
    kept.push_back(s);
  }
}

// ---- parameters ---------------------------------------------------------------------------

using Checks = std::vector<std::pair<const toml::node*, std::string>>;  // values the base must accept

SweepParam read_list(const SpecReader& r, const std::string& key, const toml::node& v, Checks& checks) {
  SweepParam p;
  p.key = key;
  if (v.as_array()->empty()) throw r.fail(&v, "parameter '" + key + "' has an empty list of values");
  for (const auto& e : *v.as_array()) {
    if (e.is_array() || e.is_table())
      throw r.fail(&e, "parameter '" + key + "': list values must be numbers, booleans or strings");
    p.values.push_back(literal(e));
    checks.emplace_back(&e, p.values.back());
  }
  p.integer = integer_key(key);
  return p;
}

void check_range_keys(const SpecReader& r, const std::string& key, const toml::table& range) {
  for (auto&& [rk, rv] : range) {
    const std::string n(rk.str());
    if (n == "min" || n == "max" || n == "steps" || n == "log") continue;
    const std::string hint = did_you_mean(n, {"min", "max", "steps", "log"});
    throw r.fail(&rv, "parameter '" + key + "': unknown range key '" + n + "'" +
                          (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed: min, max, steps, log");
  }
}

double range_end(const SpecReader& r, const std::string& key, const toml::node& whole, const char* what) {
  const toml::node* n = whole.as_table()->get(what);
  if (!n || !(n->is_integer() || n->is_floating_point()))
    throw r.fail(n ? n : &whole,
                 "parameter '" + key + "': a range needs numeric '" + what + "', e.g. { min = 0.01, max = 0.2 }");
  return n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
}

// A range's end as the runs will see it (integer keys rounded).
std::string end_value(const SweepParam& p, double x) {
  char b[40];
  if (p.integer)
    std::snprintf(b, sizeof b, "%lld", static_cast<long long>(std::llround(x)));
  else
    std::snprintf(b, sizeof b, "%.10g", x);
  return b;
}

SweepParam read_range(const SpecReader& r, const std::string& key, const toml::node& v, Checks& checks) {
  SweepParam p;
  p.key = key;
  p.range = true;
  p.integer = integer_key(key);
  const auto& t = *v.as_table();
  check_range_keys(r, key, t);
  p.min = range_end(r, key, v, "min");
  p.max = range_end(r, key, v, "max");
  if (!(p.min < p.max)) throw r.fail(&v, "parameter '" + key + "': min must be below max");
  if (const auto* st = t.get("steps")) {
    if (!st->is_integer() || st->as_integer()->get() < 2 || st->as_integer()->get() > 100000)
      throw r.fail(st, "parameter '" + key + "': 'steps' must be an integer in [2, 100000]");
    p.steps = static_cast<int>(st->as_integer()->get());
  }
  if (const auto* lg = t.get("log")) {
    if (!lg->is_boolean()) throw r.fail(lg, "parameter '" + key + "': 'log' must be true or false");
    p.log = lg->as_boolean()->get();
    if (p.log && p.min <= 0) throw r.fail(lg, "parameter '" + key + "': a log range needs min > 0");
  }
  checks.emplace_back(t.get("min"), end_value(p, p.min));
  checks.emplace_back(t.get("max"), end_value(p, p.max));
  return p;
}

// Parameters in the order the spec lists them (a TOML table iterates sorted by key).
std::vector<std::pair<std::string, const toml::node*>> in_spec_order(const toml::table& params) {
  std::vector<std::pair<std::string, const toml::node*>> ordered;
  for (auto&& [k, v] : params) ordered.emplace_back(std::string(k.str()), &v);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    const auto &x = a.second->source().begin, &y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return ordered;
}

// A scalar is held, a list or a range is swept; the key must be one the base scenario accepts,
// and every value (both ends of a range) one it accepts.
void read_parameters(const SpecReader& r, const toml::node* params) {
  if (!params) return;
  if (!params->is_table()) throw r.fail(params, "'parameters' must be a table: [parameters]");
  for (const auto& [key, node] : in_spec_order(*params->as_table())) {
    const toml::node& v = *node;
    Checks checks;
    if (v.is_array()) {
      r.sp.swept.push_back(read_list(r, key, v, checks));
    } else if (v.is_table()) {
      r.sp.swept.push_back(read_range(r, key, v, checks));
    } else {
      checks.emplace_back(&v, literal(v));
      r.sp.held.push_back(key + "=" + literal(v));
    }
    for (const auto& [n, value] : checks) r.check_value(key, n, value);
  }
}

// ---- the spec -----------------------------------------------------------------------------

void read_field(SpecReader& r, const SpecFieldDesc& f) {
  const toml::node* n = r.t.get(f.key);
  for (const auto& other : sweep_spec_fields())
    if (other.alias_of == f.key && n && r.t.get(other.key))
      throw r.fail(r.t.get(other.key), "give '" + f.key + "' or '" + other.key + "', not both");
  if (f.kind == SpecKind::Scenario) return read_scenario(r, f, n);
  if (f.kind == SpecKind::Parameters) return read_parameters(r, n);
  if (!n) return;  // the default
  switch (f.kind) {
    case SpecKind::Choice:
      return read_choice(r, f, *n);
    case SpecKind::Int:
    case SpecKind::Int64:
      return read_int(r, f, *n);
    case SpecKind::Bool:
      return read_bool(r, f, *n);
    default:
      return read_series(r, f, *n);
  }
}

std::string samples_meaning(const std::string& design) {
  if (design == "morris") return "number of trajectories";
  if (design == "sobol") return "base sample size N; runs = N (k + 2)";
  return "number of points";
}

// The design's requirements.
void check_design(const SpecReader& r) {
  const SweepSpec& sp = r.sp;
  const toml::node* params = r.t.get("parameters");
  if (sp.design == "grid") {
    for (const auto& p : sp.swept)
      if (p.range && p.steps == 0)
        throw r.fail(params, "parameter '" + p.key + "': a grid needs 'steps' in its range, or a list of values");
    return;
  }
  const bool any_list = std::any_of(sp.swept.begin(), sp.swept.end(), [](auto& p) { return !p.range; });
  if (sp.samples <= 0)
    throw r.fail(nullptr, "design \"" + sp.design + "\" needs 'samples' (" + samples_meaning(sp.design) + ")");
  if ((sp.design == "morris" || sp.design == "sobol") && any_list)
    throw r.fail(params, "design \"" + sp.design + "\" needs ranges { min, max } for every swept parameter, not lists");
  if (sp.swept.empty()) throw r.fail(params, "design \"" + sp.design + "\" needs at least one swept parameter");
  if (sp.design == "morris" && sp.levels % 2)
    throw r.fail(r.t.get("levels"), "'levels' must be even for the Morris design");
  // Saltelli's design uses two Sobol dimensions per parameter (tests/reliability/corpus/
  // sweep_sobol_too_many.toml pins the message).
  constexpr int kSobolMaxParams = design::kSobolMaxDim / 2;
  if (sp.design == "sobol" && static_cast<int>(sp.swept.size()) > kSobolMaxParams)
    throw r.fail(params, "design \"sobol\" supports up to " + std::to_string(kSobolMaxParams) + " swept parameters");
}

}  // namespace

SweepSpec load_sweep_spec(const std::string& path) {
  SweepSpec sp;
  sp.path = path;
  sp.base_dir = fs::path(path).parent_path().string();
  sp.text = read_text(path);
  const toml::table t = tomlu::parse_text(sp.text, path);
  SpecReader r{path, t, sp, nullptr};
  check_keys(r);
  for (const auto& f : sweep_spec_fields()) read_field(r, f);
  check_design(r);
  // A base scenario that cannot be read and no parameter to report it: as it is.
  if (r.base_error) std::rethrow_exception(r.base_error);
  return sp;
}

}  // namespace motsim
