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
#include "sim/core/input_file.hpp"
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
    v.push_back(spec_field("second_order", SpecKind::Bool, &SweepSpec::second_order,
                           "sobol: add the BA_i blocks, N (2k + 2) runs, for second-order indices"));
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
// A string is quoted and escaped by toml++ (a literal '...' string where it can), so that
// quotes and backslashes inside it survive.
std::string literal(const toml::node& n) {
  std::ostringstream o;
  n.visit([&](auto&& v) { o << v; });
  return o.str();
}

// A value as plain text, as /sweep/levels stores it: a string without quotes or escapes.
std::string plain_text(const toml::node& n) { return n.is_string() ? n.as_string()->get() : literal(n); }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
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

// The scenario field `key` names (section.field, or section.NAME.field for products, segments
// and campaigns), or null.
const FieldDesc* scenario_field(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream ss(key);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  for (const auto& s : sections()) {
    if (parts.empty() || s.name != parts[0] || parts.size() != (s.is_array ? 3u : 2u)) continue;
    for (const auto& f : *s.fields)
      if (f.key == parts.back()) return &f;
  }
  return nullptr;
}

bool range_like(const toml::table& t) {
  return std::all_of(t.begin(), t.end(), [](auto&& kv) {
    const std::string_view n = kv.first.str();
    return n == "min" || n == "max" || n == "steps" || n == "log";
  });
}

// An unquoted dotted key (product.Nova.price = [...]) reads as nested tables: the dotted path of
// the first value inside `v`, following tables that are not ranges, and that value.
std::pair<std::string, const toml::node*> dotted_path(std::string key, const toml::node* v) {
  while (v->is_table() && !v->as_table()->empty() && !range_like(*v->as_table())) {
    const toml::node* first = nullptr;
    std::string name;
    for (auto&& [k, n] : *v->as_table())
      if (!first || n.source().begin.line < first->source().begin.line ||
          (n.source().begin.line == first->source().begin.line &&
           n.source().begin.column < first->source().begin.column)) {
        first = &n;
        name = std::string(k.str());
      }
    key += "." + name;
    v = first;
  }
  return {key, v};
}

// How a value looks after its quoted key, in a suggestion.
std::string sketch(const toml::node& v) {
  if (v.is_array()) return "[...]";
  if (v.is_table()) return "{ min = ..., max = ... }";
  return literal(v);
}

// A scenario key written unquoted: the spec's reading of it, and how to write it.
std::string quoting_hint(const std::string& key, const toml::node& v) {
  if (!v.is_table()) return "";
  const auto [path, leaf] = dotted_path(key, &v);
  if (path == key || !scenario_field(path)) return "";
  return "; TOML reads the unquoted dotted key " + path + " as nested tables: quote it, \"" + path +
         "\" = " + sketch(*leaf);
}

void check_keys(const SpecReader& r) {
  std::vector<std::string> keys;
  for (const auto& f : sweep_spec_fields()) keys.push_back(f.key);
  for (auto&& [k, v] : r.t) {
    const std::string key(k.str());
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    const std::string hint = did_you_mean(key, keys);
    std::string where_it_goes;  // a scenario key, above [parameters] or outside it
    if (scenario_field(key) || !quoting_hint(key, v).empty())
      where_it_goes = "; scenario keys go under [parameters], quoted: \"" + dotted_path(key, &v).first +
                      "\" = " + sketch(*dotted_path(key, &v).second);
    throw r.fail(&v, "unknown key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                         "; allowed: " + join(keys) + where_it_goes);
  }
}

// `base`: a scenario file, relative to the spec; read here, once.
void read_scenario(SpecReader& r, const SpecFieldDesc& f, const toml::node* n) {
  if (!n || !n->is_string()) throw r.fail(n, "'" + f.key + "' must name " + f.doc);
  std::string& target = *static_cast<std::string*>(f.ptr(r.sp));
  target = (fs::path(r.sp.base_dir) / n->as_string()->get()).string();
  if (!path_exists(target))
    throw r.fail(n, "'" + f.key + "' = \"" + n->as_string()->get() + "\": no such scenario " + target);
  if (const std::string kind = special_file_kind(target); !kind.empty())
    throw r.fail(n, "'" + f.key + "' = \"" + n->as_string()->get() + "\": " + target + " is " + kind +
                        "; expected a regular scenario file");
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
    r.sp.plain[p.values.back()] = plain_text(e);
    checks.emplace_back(&e, p.values.back());
  }
  p.integer = is_integer_key(key);
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
  p.integer = is_integer_key(key);
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

// Why the sweep cannot take `key` from the spec: it sets that key for every run itself, so a
// value there would be ignored (empty when it can).
std::string set_by_the_sweep(const std::string& key) {
  if (key == "simulation.seed")
    return "the sweep sets every run's seed itself; give the master seed as the spec's top-level 'seed = N' "
           "(for more random draws, raise 'replicates')";
  if (key == "simulation.replicate")
    return "the sweep sets every run's replicate key itself (the base scenario's simulation.replicate plus the "
           "replicate, or plus the run id with common_random_numbers = false); for more random draws, raise "
           "'replicates'";
  return "";
}

// A scalar is held, a list or a range is swept; the key must be one the base scenario accepts,
// and every value (both ends of a range) one it accepts.
void read_parameters(const SpecReader& r, const toml::node* params) {
  if (!params) return;
  if (!params->is_table()) throw r.fail(params, "'parameters' must be a table: [parameters]");
  for (const auto& [key, node] : in_spec_order(*params->as_table())) {
    const toml::node& v = *node;
    if (const std::string hint = quoting_hint(key, v); !hint.empty())
      throw r.fail(&v, "parameter '" + key + "' is a table, not a value, a list or a range" + hint);
    if (const std::string why = set_by_the_sweep(key); !why.empty())
      throw r.fail(&v, "parameter '" + key + "' cannot be swept or held: " + why);
    Checks checks;
    if (v.is_array()) {
      r.sp.swept.push_back(read_list(r, key, v, checks));
    } else if (v.is_table()) {
      r.sp.swept.push_back(read_range(r, key, v, checks));
    } else {
      checks.emplace_back(&v, literal(v));
      r.sp.held.push_back(key + "=" + literal(v));
      r.sp.plain[literal(v)] = plain_text(v);
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
  if (design == "sobol") return "base sample size N; runs = N (k + 2), N (2k + 2) with second_order";
  return "number of points";
}

// The design's requirements.
void check_design(const SpecReader& r) {
  const SweepSpec& sp = r.sp;
  const toml::node* params = r.t.get("parameters");
  if (sp.second_order && (sp.design != "sobol" || sp.swept.size() < 2))
    throw r.fail(r.t.get("second_order"),
                 "'second_order' = true needs design = \"sobol\" and at least two swept "
                 "parameters (it adds the BA_i blocks of Saltelli's scheme)");
  if (sp.design == "grid") {
    for (const auto& p : sp.swept)
      if (p.range && p.steps == 0)
        throw r.fail(params, "parameter '" + p.key + "': a grid needs 'steps' in its range, or a list of values");
    return;
  }
  for (const auto& p : sp.swept)
    if (p.steps != 0) {
      const toml::node* n = params->as_table()->get(p.key);
      throw r.fail(n && n->as_table() ? n->as_table()->get("steps") : params,
                   "parameter '" + p.key + "': 'steps' is for the grid design; design \"" + sp.design +
                       "\" draws values anywhere in [min, max] (remove 'steps', or use design = \"grid\")");
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
  if (sp.design == "sobol" && (sp.samples & (sp.samples - 1)) != 0) {
    int below = 1;
    while (below * 2 < sp.samples) below *= 2;
    r.sp.notes.push_back(where(*r.t.get("samples"), r.path) + ": warning: samples = " + std::to_string(sp.samples) +
                         " is not a power of two; a Sobol sequence is balanced (and its estimates converge " +
                         "fastest) at N = 2^m: use " + std::to_string(below) + " or " + std::to_string(below * 2));
  }
}

// ---- the size of the sweep ------------------------------------------------------------------

using RunCount = unsigned __int128;  // exact for any spec that can be written; saturates beyond
constexpr RunCount kSaturated = ~RunCount(0);

RunCount times(RunCount a, RunCount b) {
  RunCount r = 0;
  return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

std::string count_text(RunCount v) {
  if (v == kSaturated) return "more than 3.4e38";
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v);
  return s;
}

// What multiplies into the number of runs: a factor, the key it comes from and where it is.
struct SizeFactor {
  RunCount count;
  std::string key;
  const toml::node* node;
  std::string value;  // the key's value, when it is not the count (samples)
};

std::vector<SizeFactor> size_factors(const SweepSpec& sp, const toml::table* t) {
  std::vector<SizeFactor> f;
  const toml::table* params = t && t->get("parameters") ? t->get("parameters")->as_table() : nullptr;
  const auto k = static_cast<RunCount>(sp.swept.size());
  const toml::node* samples = t ? t->get("samples") : nullptr;
  if (sp.design == "grid") {
    for (const auto& p : sp.swept) {
      const toml::node* n = params ? params->get(p.key) : nullptr;
      if (n && p.range && n->as_table()) n = n->as_table()->get("steps");
      f.push_back({p.range ? static_cast<RunCount>(p.steps) : p.values.size(),
                   (p.range ? "'steps' of '" : "the list of '") + p.key + "'", n, ""});
    }
  } else {
    const RunCount per = sp.design == "morris"  ? k + 1
                         : sp.design == "sobol" ? (sp.second_order ? 2 * k + 2 : k + 2)
                                                : 1;
    f.push_back({times(static_cast<RunCount>(sp.samples), per), "'samples'", samples,
                 per > 1 ? std::to_string(sp.samples) + ", " + count_text(per) + " points each" : ""});
  }
  f.push_back({static_cast<RunCount>(sp.replicates), "'replicates'", t ? t->get("replicates") : nullptr, ""});
  return f;
}

RunCount point_count(const std::vector<SizeFactor>& f) {
  RunCount points = 1;
  for (std::size_t i = 0; i + 1 < f.size(); ++i) points = times(points, f[i].count);
  return points;
}

std::string size_keys(const std::vector<SizeFactor>& f) {
  std::vector<SizeFactor> by_size(f);
  std::stable_sort(by_size.begin(), by_size.end(), [](auto& a, auto& b) { return a.count > b.count; });
  std::vector<std::string> parts;
  for (const auto& x : by_size)
    if (x.count > 1) parts.push_back(x.key + " (" + (x.value.empty() ? count_text(x.count) : x.value) + ")");
  if (parts.empty()) return "'replicates'";
  std::string s = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) s += (i + 1 == parts.size() ? " or " : ", ") + parts[i];
  return s;
}

// The runs, computed exactly before any point is made: a design too large for the sweep is
// refused with its numbers, at the key that contributes most.
void check_size(const SpecReader& r) {
  const auto f = size_factors(r.sp, &r.t);
  const RunCount points = point_count(f), runs = times(points, f.back().count);
  if (runs <= kMaxSweepRuns) return;
  std::string breakdown;
  for (std::size_t i = 0; i + 1 < f.size() && r.sp.design == "grid"; ++i)
    breakdown += (breakdown.empty() ? "" : " x ") + count_text(f[i].count);
  if (f.size() > 2 && r.sp.design == "grid") breakdown += " = ";
  const auto largest = std::max_element(f.begin(), f.end(), [](auto& a, auto& b) { return a.count < b.count; });
  throw r.fail(largest->node, "the sweep has " + breakdown + count_text(points) + " points x " +
                                  count_text(f.back().count) + " replicates = " + count_text(runs) +
                                  " runs; a sweep holds at most " + std::to_string(kMaxSweepRuns) +
                                  " runs (2^31 - 1); reduce " + size_keys(f));
}

}  // namespace

std::uint64_t sweep_point_count(const SweepSpec& sp) {
  const RunCount p = point_count(size_factors(sp, nullptr));
  return p > kMaxSweepRuns ? kMaxSweepRuns + 1 : static_cast<std::uint64_t>(p);
}

std::string sweep_size_keys(const SweepSpec& sp) { return size_keys(size_factors(sp, nullptr)); }

SweepSpec load_sweep_spec(const std::string& path) {
  SweepSpec sp;
  sp.path = path;
  sp.base_dir = fs::path(path).parent_path().string();
  sp.text = read_regular_file(path, "sweep spec");
  const toml::table t = tomlu::parse_text(sp.text, path);
  std::ostringstream canonical;  // keys in order, no comments or layout: what the spec says
  canonical << t;
  sp.canonical = canonical.str();
  SpecReader r{path, t, sp, nullptr};
  check_keys(r);
  for (const auto& f : sweep_spec_fields()) read_field(r, f);
  check_design(r);
  check_size(r);
  // A base scenario that cannot be read and no parameter to report it: as it is.
  if (r.base_error) std::rethrow_exception(r.base_error);
  return sp;
}

}  // namespace motsim
