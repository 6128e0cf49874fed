// Reading a calibration spec (docs/calibration.md, "The spec").
#include <filesystem>
#include <set>
#include <sstream>

#include "sim/core/input_file.hpp"
#include "sim/experiment/calibrate.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/toml_util.hpp"

namespace motsim {
namespace {

namespace fs = std::filesystem;
using tomlu::where;

struct Spec {
  const std::string& path;
  const toml::table& t;
  InputError fail(const toml::node* n, const std::string& msg) const {
    return InputError((n ? where(*n, path) : path) + ": error: " + msg);
  }
  void only(const toml::table& tab, const std::vector<std::string>& keys, const std::string& in) const {
    for (auto&& [k, v] : tab) {
      const std::string n(k.str());
      if (std::find(keys.begin(), keys.end(), n) != keys.end()) continue;
      std::string allowed, hint = did_you_mean(n, keys);
      for (const auto& a : keys) allowed += (allowed.empty() ? "" : ", ") + a;
      throw fail(&v, "unknown key '" + n + "'" + in + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                         "; allowed: " + allowed);
    }
  }
  double number(const toml::table& tab, const std::string& key, double def, double lo, double hi) const {
    const toml::node* n = tab.get(key);
    if (!n) return def;
    char range[80];
    std::snprintf(range, sizeof range, "[%.10g, %.10g]", lo, hi);
    if (!n->is_integer() && !n->is_floating_point())
      throw fail(n, "'" + key + "' = " + tomlu::show(*n) + " must be a number in " + range);
    const double v = n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
    if (!(v >= lo && v <= hi)) throw fail(n, "'" + key + "' = " + tomlu::show(*n) + " is outside " + range);
    return v;
  }
  int whole(const toml::table& tab, const std::string& key, int def, int lo, int hi) const {
    const toml::node* n = tab.get(key);
    if (n && !n->is_integer())
      throw fail(n, "'" + key + "' = " + tomlu::show(*n) + " must be a whole number in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
    return static_cast<int>(number(tab, key, def, lo, hi));
  }
  std::string text(const toml::table& tab, const std::string& key, const std::string& def,
                   const std::vector<std::string>& choices = {}) const {
    const toml::node* n = tab.get(key);
    if (!n) return def;
    if (!n->is_string()) throw fail(n, "'" + key + "' = " + tomlu::show(*n) + " must be a \"quoted string\"");
    std::string v = n->as_string()->get();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string allowed;
      for (const auto& a : choices) allowed += (allowed.empty() ? "" : ", ") + a;
      throw fail(n, "'" + key + "' = \"" + v + "\" is not one of " + allowed);
    }
    return v;
  }
  std::vector<std::string> strings(const toml::table& tab, const std::string& key) const {
    std::vector<std::string> v;
    const toml::node* n = tab.get(key);
    if (!n) return v;
    if (!n->is_array()) throw fail(n, "'" + key + "' must be an array of \"quoted strings\"");
    for (const auto& e : *n->as_array()) {
      if (!e.is_string()) throw fail(&e, "'" + key + "': every element must be a \"quoted string\"");
      v.push_back(e.as_string()->get());
    }
    return v;
  }
};

Prior read_prior(const Spec& s, const std::string& key, const toml::node& v) {
  if (!v.is_table())
    throw s.fail(&v, "parameter '" + key + "' needs a prior table, e.g. { prior = \"uniform\", min = 5, max = 9 }");
  const auto& t = *v.as_table();
  const std::string in = " in the prior of '" + key + "'";
  s.only(t, {"prior", "min", "max", "mean", "sd"}, in);
  Prior p;
  const std::string kind = s.text(t, "prior", "uniform", {"uniform", "log_uniform", "normal", "truncated_normal"});
  p.kind = kind == "uniform"       ? Prior::Kind::Uniform
           : kind == "log_uniform" ? Prior::Kind::LogUniform
           : kind == "normal"      ? Prior::Kind::Normal
                                   : Prior::Kind::TruncatedNormal;
  const bool bounded = p.kind != Prior::Kind::Normal,
             gaussian = p.kind == Prior::Kind::Normal || p.kind == Prior::Kind::TruncatedNormal;
  for (const char* k : {"min", "max"})
    if (bounded && !t.get(k)) throw s.fail(&v, "the " + kind + " prior of '" + key + "' needs '" + k + "'");
  for (const char* k : {"mean", "sd"})
    if (gaussian && !t.get(k)) throw s.fail(&v, "the " + kind + " prior of '" + key + "' needs '" + k + "'");
  p.min = s.number(t, "min", 0, -1e300, 1e300);
  p.max = s.number(t, "max", 0, -1e300, 1e300);
  p.mean = s.number(t, "mean", 0, -1e300, 1e300);
  p.sd = s.number(t, "sd", 1, 1e-300, 1e300);
  if (bounded && !(p.min < p.max)) throw s.fail(&v, "the prior of '" + key + "': min must be below max");
  if (p.kind == Prior::Kind::LogUniform && p.min <= 0)
    throw s.fail(&v, "the log_uniform prior of '" + key + "' needs min > 0");
  return p;
}

// Each parameter's every possible value must be accepted by the base scenario: its support's
// ends (a normal prior's mean) are tried with --set.
void check_param(const Spec& s, const CalibrationSpec& sp, const CalibParam& c, const toml::node& v) {
  if (c.key == "scale") {
    if (c.prior.kind == Prior::Kind::Normal || c.prior.min <= 0)
      throw s.fail(&v, "'scale' (consumers per agent) needs a prior on positive values (min > 0)");
    return;
  }
  std::vector<double> tries = {c.prior.mean};
  if (c.prior.kind != Prior::Kind::Normal) tries = {c.prior.min, c.prior.max};
  for (double x : tries) {
    const std::string b = set_literal(c.key, x);
    try {
      auto sets = sp.sets;
      sets.push_back(c.key + "=" + b);
      (void)sp.base_scenario.with(sets);
    } catch (const InputError& e) {
      std::string why = e.what();
      const auto at = why.find(": error: ");
      throw s.fail(&v, "parameter '" + c.key + "' = " + b + " (from its prior) is refused by the base scenario: " +
                           (at == std::string::npos ? why : why.substr(at + 9)));
    }
  }
}

void read_params(const Spec& s, CalibrationSpec& sp) {
  const toml::node* n = s.t.get("parameters");
  if (!n || !n->is_table() || n->as_table()->empty())
    throw s.fail(n, "the spec needs [parameters]: scenario keys to fit, each with a prior");
  for (auto&& [k, v] : *n->as_table()) {
    CalibParam c;
    c.key = std::string(k.str());
    if (c.key == "simulation.rng_streams")
      throw s.fail(&v,
                   "simulation.rng_streams is the version of the random streams, not a parameter to fit; set it "
                   "in the base scenario or with set = [\"simulation.rng_streams=1\"]");
    c.prior = read_prior(s, c.key, v);
    check_param(s, sp, c, v);
    sp.params.push_back(c);
  }
}

void read_series(const Spec& s, CalibrationSpec& sp) {
  const toml::node* n = s.t.get("series");
  std::set<std::string> present;
  for (const auto& c : sp.data.cells) present.insert(observed_series_names()[static_cast<std::size_t>(c.series)]);
  if (!n) {
    for (const auto& name : observed_series_names())
      if (present.count(name)) sp.weights.emplace_back(name, 1.0);
    return;
  }
  if (!n->is_table()) throw s.fail(n, "[series] must be a table of weights, e.g. units = 1");
  s.only(*n->as_table(), observed_series_names(), " in [series]");
  for (auto&& [k, v] : *n->as_table()) {
    const std::string name(k.str());
    const double w = s.number(*n->as_table(), name, 1, 0, 1e6);
    if (!present.count(name)) throw s.fail(&v, "series '" + name + "' has a weight but no data in the data files");
    if (w > 0) sp.weights.emplace_back(name, w);
  }
  if (sp.weights.empty()) throw s.fail(n, "every series weight is 0: nothing to fit");
}

void read_data(const Spec& s, CalibrationSpec& sp, const std::string& dir) {
  const toml::node* n = s.t.get("data");
  if (!n || !n->is_table()) throw s.fail(n, "the spec needs [data] with files = [\"...csv\"]");
  const auto& d = *n->as_table();
  s.only(d, {"files", "start_date", "training_periods"}, " in [data]");
  for (const auto& f : s.strings(d, "files")) sp.data_files.push_back((fs::path(dir) / f).lexically_normal().string());
  if (sp.data_files.empty()) throw s.fail(n, "[data] needs files = [\"...csv\"] (at least one)");
  sp.start_date = s.text(d, "start_date", "");
  sp.data = read_observed(sp.data_files, sp.products, sp.days, sp.start_date);
  sp.training_periods = s.whole(d, "training_periods", 0, 0, 1000000);
  if (sp.training_periods > sp.data.periods)
    throw s.fail(d.get("training_periods"), "training_periods = " + std::to_string(sp.training_periods) +
                                                " is beyond the data's last period (" +
                                                std::to_string(sp.data.periods) + ")");
  if (sp.training_periods == 0) sp.training_periods = sp.data.periods;
}

void read_method(const Spec& s, CalibrationSpec& sp) {
  sp.method = s.text(s.t, "method", "abc-smc", {"abc-smc", "optimize"});
  sp.distance = s.text(s.t, "distance", "nrmse", {"nrmse", "nmae"});
  sp.replicates = s.whole(s.t, "replicates", 1, 1, 1000);
  sp.predictive_draws = s.whole(s.t, "predictive_draws", 100, 1, 100000);
  // By default optimize keeps chance fixed (a smooth, deterministic distance to minimise), and
  // ABC-SMC draws it afresh per evaluation, so that its posterior holds the model's noise
  // (docs/calibration.md, "Parameter recovery": with common random numbers its intervals are
  // conditional on one realisation and too narrow).
  sp.common_random_numbers = sp.method == "optimize";
  if (const auto* c = s.t.get("common_random_numbers")) {
    if (!c->is_boolean()) throw s.fail(c, "'common_random_numbers' must be true or false");
    sp.common_random_numbers = c->as_boolean()->get();
  }
  AbcSettings& a = sp.abc;
  a.particles = s.whole(s.t, "particles", 200, 2, 1000000);
  a.generations = s.whole(s.t, "generations", 10, 1, 1000);
  a.quantile = s.number(s.t, "quantile", 0.5, 0.01, 0.99);
  a.min_acceptance = s.number(s.t, "min_acceptance", 0.02, 0, 1);
  a.target_tolerance = s.number(s.t, "target_tolerance", 0, 0, 1e300);
  a.batch = s.whole(s.t, "batch", 0, 0, 1000000);
  a.seed = static_cast<std::uint64_t>(s.number(s.t, "seed", 1, 0, 4.6e18));
  sp.evaluations = s.whole(s.t, "evaluations", 400, 10, 10000000);
}

}  // namespace

CalibrationSpec load_calibration_spec(const std::string& path) {
  CalibrationSpec sp;
  sp.path = path;
  sp.text = read_regular_file(path, "calibration spec");
  const toml::table t = tomlu::parse_text(sp.text, path);
  const Spec s{path, t};
  std::ostringstream canon;
  canon << t;
  sp.canonical = canon.str();
  s.only(t,
         {"base", "set", "method", "distance", "replicates", "common_random_numbers", "particles", "generations",
          "quantile", "min_acceptance", "target_tolerance", "batch", "seed", "evaluations", "predictive_draws", "data",
          "series", "parameters"},
         "");
  const std::string dir = fs::path(path).parent_path().string();
  const std::string base = s.text(t, "base", "");
  if (base.empty()) throw s.fail(nullptr, "the spec needs base = \"SCENARIO.toml\" (the market to calibrate)");
  sp.base = (fs::path(dir) / base).lexically_normal().string();
  sp.sets = s.strings(t, "set");
  sp.base_scenario = ParsedScenario(sp.base);
  const Scenario sc = sp.base_scenario.with(sp.sets);
  for (const auto& p : sc.products) sp.products.push_back(p.name);
  sp.days = static_cast<int>(sc.simulation.days);
  read_method(s, sp);
  read_data(s, sp, dir);
  read_series(s, sp);
  read_params(s, sp);
  return sp;
}

}  // namespace motsim
