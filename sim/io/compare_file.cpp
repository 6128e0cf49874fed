#include "sim/io/compare_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"

namespace motsim {
using namespace h5;
namespace {

void write_scenarios(hid_t file, const CompareFile& c) {
  Handle g = group(file, "scenarios");
  strings(g, "name", c.scenario_names);
  strings(g, "path", c.scenario_paths);
  strings(g, "scenario", c.scenario_tomls);
  std::vector<std::string> none(c.scenario_names.size());
  strings(g, "title", c.scenario_titles.empty() ? none : c.scenario_titles);
  strings(g, "question", c.scenario_questions.empty() ? none : c.scenario_questions);
  dataset(g, "agents", H5T_STD_I64LE, H5T_NATIVE_INT64, {static_cast<hsize_t>(c.scenario_agents.size())},
          c.scenario_agents.data());
}

void write_kpis(hid_t file, const CompareFile& c) {
  Handle g = group(file, "kpis");
  strings(g, "name", c.kpi_names);
  strings(g, "description", c.kpi_descriptions);
  const hsize_t hs = c.scenario_names.size(), hr = c.runs_per_scenario, hj = c.kpi_names.size(),
                hk = c.products.size() + 1;
  dataset(g, "runs", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hr, hj, hk}, c.runs.data(),
          "KPI of every run [scenario, replicate, kpi, product]; the last product column is all products");
  dataset(g, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hj, hk}, c.mean.data(), "mean over replicates");
  dataset(g, "ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hj, hk}, c.ci95.data(),
          "half-width of the 95% Student-t confidence interval of the mean");
  dataset(g, "diff_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, c.diff_mean.data(),
          "variant minus base, mean of the paired differences [variant, kpi, product]");
  dataset(g, "diff_ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, c.diff_ci95.data(),
          "half-width of the 95% confidence interval of the paired difference");
  dataset(g, "diff_relative", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, c.diff_relative.data(),
          "diff_mean / base mean (NaN when the base mean is 0)");
  if (!c.kpi_good.empty()) {
    std::vector<std::int8_t> good(c.kpi_good.begin(), c.kpi_good.end());
    dataset(g, "good", H5T_STD_I8LE, H5T_NATIVE_INT8, {hj}, good.data(),
            "which way is good for each KPI: +1 higher is better, -1 lower is better, 0 neither");
  }
  std::vector<std::uint8_t> sig(c.diff_significant.size());
  for (std::size_t i = 0; i < sig.size(); ++i) sig[i] = c.diff_significant[i] != 0;
  dataset(g, "diff_significant", H5T_STD_U8LE, H5T_NATIVE_UINT8, {hs - 1, hj, hk}, sig.data(),
          "1 when the paired 95% interval excludes 0");
}

void write_series(hid_t file, const CompareFile& c) {
  Handle g = group(file, "series");
  const std::vector<hsize_t> dims = {c.scenario_names.size(), c.series_days, c.products.size()};
  for (std::size_t m = 0; m < c.series_names.size(); ++m)
    dataset(g, c.series_names[m].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, c.series[m].data(),
            "daily series, mean over replicates [scenario, day, product]");
}

void write_stars(hid_t file, const CompareFile& c) {
  Handle g = group(file, "stars");
  const std::vector<hsize_t> dims = {c.scenario_names.size(), c.products.size(), 5};
  dataset(g, "displayed", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, c.displayed_stars.data(),
          "reviews displayed at the end by stars 1..5, mean over replicates [scenario, product, star]");
  dataset(g, "experience", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, c.experience_stars.data(),
          "experiences of the run by the stars their remembered satisfaction maps to, mean over replicates "
          "[scenario, product, star]");
}

// /economics: is it worth doing? [S - 1, K + 1] each (docs/hdf5-compare.md).
void write_economics(hid_t file, const CompareFile& c) {
  Handle g = group(file, "economics");
  const std::vector<hsize_t> dims = {c.scenario_names.size() - 1, c.products.size() + 1};
  const std::pair<const char*, const std::vector<double>*> parts[] = {
      {"incremental_profit", &c.incremental_profit},
      {"incremental_profit_ci95", &c.incremental_profit_ci95},
      {"incremental_spend", &c.incremental_spend},
      {"incremental_spend_ci95", &c.incremental_spend_ci95},
      {"roi", &c.roi},
      {"payback_day", &c.payback_day}};
  const char* docs[] = {"variant minus base profit, mean of the paired differences [variant, product] (currency)",
                        "half-width of its 95% confidence interval",
                        "variant minus base discretionary spend (KPI spend), mean of the paired differences (currency)",
                        "half-width of its 95% confidence interval",
                        "incremental_profit / incremental_spend (NaN when incremental_spend <= 0)",
                        "first day from which the mean cumulative incremental profit stays >= 0 (NaN: never)"};
  for (std::size_t i = 0; i < 6; ++i)
    dataset(g, parts[i].first, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, parts[i].second->data(), docs[i]);
}

void write_levers(hid_t file, const CompareLevers& l) {
  Handle g = group(file, "levers");
  dataset(g, "scenario", H5T_STD_I64LE, H5T_NATIVE_INT64, {static_cast<hsize_t>(l.scenario.size())}, l.scenario.data(),
          "the variant (index into /scenarios) whose resolved scenario differs from the base's");
  strings(g, "key", l.key);
  strings(g, "base", l.base);
  strings(g, "variant", l.variant);
}

void write_attribution(hid_t file, const CompareFile& c) {
  const CompareAttribution& a = c.attribution;
  Handle g = group(file, "attribution");
  attr_string(g, "method", a.method);
  attr_int(g, "permutations", a.permutations);
  attr_int(g, "coalitions", a.coalitions);
  attr_double(g, "max_error", a.max_error);
  attr_double(g, "sum_residual", a.sum_residual);
  strings(g, "levers", a.levers);
  const hsize_t hl = a.levers.size(), hj = c.kpi_names.size(), hk = c.products.size() + 1;
  dataset(g, "shapley", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hl, hj, hk}, a.shapley.data(),
          "Shapley value of each lever, mean over replicates [lever, kpi, product]");
  dataset(g, "shapley_ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hl, hj, hk}, a.shapley_ci95.data(),
          "half-width of its 95% Student-t confidence interval over replicates");
  dataset(g, "shapley_se", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hl, hj, hk}, a.shapley_se.data(),
          "standard error of the Shapley value over the sampled permutations (0 when exact)");
  dataset(g, "main_effect", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hl, hj, hk}, a.main_effect.data(),
          "the lever alone: base with only this lever minus base, mean over replicates");
  dataset(g, "interaction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hj, hk}, a.interaction.data(),
          "total minus the sum of the main effects [kpi, product]");
  dataset(g, "interaction_ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hj, hk}, a.interaction_ci95.data(),
          "half-width of its 95% Student-t confidence interval over replicates");
  dataset(g, "total", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hj, hk}, a.total.data(),
          "variant minus base [kpi, product] (the sum of the Shapley values)");
  dataset(g, "total_ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hj, hk}, a.total_ci95.data(),
          "half-width of its 95% Student-t confidence interval over replicates");
}

}  // namespace

void write_compare_file(const std::string& path, bool force, const std::string& command_line, const CompareFile& c) {
  write_atomically(path, force, "motsim-compare-1", command_line, [&](hid_t file) {
    attr_int(file, "replicates", c.replicates);
    attr_int(file, "seed", c.seed);
    attr_int(file, "rng_streams", c.rng_streams);
    attr_int(file, "first_replicate", c.first_replicate);
    if (!c.posterior.empty()) attr_string(file, "posterior", c.posterior);
    attr_int(file, "days", c.days);
    write_scenarios(file, c);
    {
      Handle g = group(file, "products");
      strings(g, "name", c.products);
    }
    write_kpis(file, c);
    write_series(file, c);
    if (c.has_stars) write_stars(file, c);
    if (c.has_economics) write_economics(file, c);
    if (c.has_levers) write_levers(file, c.levers);  // compare always has them
    if (c.has_attribution) write_attribution(file, c);
  });
}

namespace {

// /kpis/runs: [S, R, J, K + 1]; R is taken from the file.
void read_runs(hid_t f, CompareFile& c) {
  const std::size_t S = c.scenario_names.size(), K1 = c.products.size() + 1, J = c.kpi_names.size();
  std::vector<hsize_t> dims;
  c.runs = read_doubles(f, "/kpis/runs", dims);
  if (dims.size() != 4 || dims[0] != S || dims[2] != J || dims[3] != K1)
    throw Error("/kpis/runs has an unexpected shape");
  c.runs_per_scenario = dims[1];
}

void read_summary(hid_t f, CompareFile& c) {
  const std::size_t S = c.scenario_names.size(), K1 = c.products.size() + 1, J = c.kpi_names.size();
  std::vector<hsize_t> dims;
  c.mean = read_doubles(f, "/kpis/mean", dims);
  c.ci95 = read_doubles(f, "/kpis/ci95", dims);
  if (c.mean.size() != S * J * K1 || c.ci95.size() != c.mean.size()) throw Error("/kpis/mean has an unexpected shape");
}

void read_differences(hid_t f, CompareFile& c) {
  const std::size_t S = c.scenario_names.size(), K1 = c.products.size() + 1, J = c.kpi_names.size();
  std::vector<hsize_t> dims;
  c.diff_mean = read_doubles(f, "/kpis/diff_mean", dims);
  c.diff_ci95 = read_doubles(f, "/kpis/diff_ci95", dims);
  c.diff_relative = read_doubles(f, "/kpis/diff_relative", dims);
  c.diff_significant = read_doubles(f, "/kpis/diff_significant", dims);
  const std::size_t n = S > 0 ? (S - 1) * J * K1 : 0;
  if (c.diff_mean.size() != n || c.diff_ci95.size() != n || c.diff_relative.size() != n ||
      c.diff_significant.size() != n)
    throw Error("/kpis/diff_* have an unexpected shape");
}

// /series: [S, D, K] each, the same D for all.
void read_series(hid_t f, CompareFile& c) {
  const std::size_t S = c.scenario_names.size(), K = c.products.size();
  std::vector<hsize_t> dims;
  c.series_names = members(f, "/series");
  for (const auto& n : c.series_names) {
    c.series.push_back(read_doubles(f, "/series/" + n, dims));
    if (dims.size() != 3 || dims[0] != S || dims[2] != K || (c.series.size() > 1 && dims[1] != c.series_days))
      throw Error("/series/" + n + " has an unexpected shape");
    c.series_days = dims[1];
  }
}

void read_stars(hid_t f, CompareFile& c) {
  c.has_stars = exists(f, "/stars");
  if (!c.has_stars) return;
  std::vector<hsize_t> dims;
  c.displayed_stars = read_doubles(f, "/stars/displayed", dims);
  if (dims.size() != 3 || dims[0] != c.scenario_names.size() || dims[1] != c.products.size() || dims[2] != 5)
    throw Error("/stars/displayed has an unexpected shape");
  c.experience_stars = read_doubles(f, "/stars/experience", dims);
  if (c.experience_stars.size() != c.displayed_stars.size()) throw Error("/stars/experience has an unexpected shape");
}

// /kpis/good, when the file has it: one value per KPI.
void read_good(hid_t f, CompareFile& c) {
  if (!exists(f, "/kpis/good")) return;
  std::vector<hsize_t> dims;
  c.kpi_good = read_doubles(f, "/kpis/good", dims);
  if (c.kpi_good.size() != c.kpi_names.size()) throw Error("/kpis/good does not match /kpis/name");
}

// /economics, when the file has it: [S - 1, K + 1] each.
void read_economics(hid_t f, CompareFile& c) {
  c.has_economics = exists(f, "/economics");
  if (!c.has_economics) return;
  const std::size_t S = c.scenario_names.size(), n = S > 0 ? (S - 1) * (c.products.size() + 1) : 0;
  const std::pair<const char*, std::vector<double>*> parts[] = {{"incremental_profit", &c.incremental_profit},
                                                                {"incremental_profit_ci95", &c.incremental_profit_ci95},
                                                                {"incremental_spend", &c.incremental_spend},
                                                                {"incremental_spend_ci95", &c.incremental_spend_ci95},
                                                                {"roi", &c.roi},
                                                                {"payback_day", &c.payback_day}};
  std::vector<hsize_t> dims;
  for (const auto& [name, v] : parts) {
    *v = read_doubles(f, std::string("/economics/") + name, dims);
    if (v->size() != n) throw Error(std::string("/economics/") + name + " has an unexpected shape");
  }
}

// /scenarios/title and /question (files written before them have none: "" each).
void read_titles(hid_t f, CompareFile& c) {
  const std::size_t S = c.scenario_names.size();
  c.scenario_titles = exists(f, "/scenarios/title") ? read_strings(f, "/scenarios/title") : std::vector<std::string>(S);
  c.scenario_questions =
      exists(f, "/scenarios/question") ? read_strings(f, "/scenarios/question") : std::vector<std::string>(S);
  if (c.scenario_titles.size() != S || c.scenario_questions.size() != S)
    throw Error("/scenarios/title or /scenarios/question has an unexpected shape");
}

void read_levers(hid_t f, CompareFile& c) {
  c.has_levers = exists(f, "/levers");
  if (!c.has_levers) return;
  CompareLevers& l = c.levers;
  std::vector<hsize_t> dims;
  for (double v : read_doubles(f, "/levers/scenario", dims)) l.scenario.push_back(static_cast<std::int64_t>(v));
  l.key = read_strings(f, "/levers/key");
  l.base = read_strings(f, "/levers/base");
  l.variant = read_strings(f, "/levers/variant");
  const std::size_t L = l.scenario.size();
  if (l.key.size() != L || l.base.size() != L || l.variant.size() != L) throw Error("/levers has an unexpected shape");
  for (auto s : l.scenario)
    if (s < 1 || static_cast<std::size_t>(s) >= c.scenario_names.size())
      throw Error("/levers/scenario names no variant");
}

std::vector<double> read_shaped(hid_t f, const std::string& path, const std::vector<hsize_t>& shape) {
  std::vector<hsize_t> dims;
  std::vector<double> v = read_doubles(f, path, dims);
  if (dims != shape) throw Error(path + " has an unexpected shape");
  return v;
}

void read_attribution(hid_t f, CompareFile& c) {
  c.has_attribution = exists(f, "/attribution");
  if (!c.has_attribution) return;
  CompareAttribution& a = c.attribution;
  a.levers = read_strings(f, "/attribution/levers");
  const hsize_t hl = a.levers.size(), hj = c.kpi_names.size(), hk = c.products.size() + 1;
  a.shapley = read_shaped(f, "/attribution/shapley", {hl, hj, hk});
  a.shapley_ci95 = read_shaped(f, "/attribution/shapley_ci95", {hl, hj, hk});
  a.shapley_se = read_shaped(f, "/attribution/shapley_se", {hl, hj, hk});
  a.main_effect = read_shaped(f, "/attribution/main_effect", {hl, hj, hk});
  a.interaction = read_shaped(f, "/attribution/interaction", {hj, hk});
  a.total = read_shaped(f, "/attribution/total", {hj, hk});
  a.interaction_ci95 = read_shaped(f, "/attribution/interaction_ci95", {hj, hk});
  a.total_ci95 = read_shaped(f, "/attribution/total_ci95", {hj, hk});
  Handle g(check(H5Gopen2(f, "/attribution", H5P_DEFAULT), "open /attribution"), H5Gclose);
  a.method = read_attr_string(g, "method");
  a.permutations = read_attr_int(g, "permutations");
  a.coalitions = read_attr_int(g, "coalitions");
  a.max_error = read_attr_double(g, "max_error");
  a.sum_residual = read_attr_double(g, "sum_residual");
}

}  // namespace

CompareFile read_compare_file(const std::string& path) {
  Handle f = open_for_reading(path);
  CompareFile c;
  c.scenario_names = read_strings(f, "/scenarios/name");
  c.products = read_strings(f, "/products/name");
  c.kpi_names = read_strings(f, "/kpis/name");
  read_runs(f, c);
  read_summary(f, c);
  read_differences(f, c);
  read_series(f, c);
  read_stars(f, c);
  read_good(f, c);
  read_economics(f, c);
  read_titles(f, c);
  read_levers(f, c);
  read_attribution(f, c);
  return c;
}

CompareFile read_compare_summary(const std::string& path) {
  Handle f = open_for_reading(path);
  CompareFile c;
  c.format = read_attr_string(f, "format");
  c.motsim_version = read_attr_string(f, "motsim_version");
  c.created = read_attr_string(f, "created");
  c.seed = read_attr_int(f, "seed");
  c.rng_streams = read_attr_int(f, "rng_streams");
  c.days = read_attr_int(f, "days");
  c.scenario_names = read_strings(f, "/scenarios/name");
  c.kpi_names = read_strings(f, "/kpis/name");
  c.products = read_strings(f, "/products/name");
  read_summary(f, c);
  c.replicates = read_attr_int(f, "replicates");
  return c;
}

namespace {

// Per scenario, the mean +- 95% CI of the main KPIs over all products.
std::string kpi_summary_table(const CompareFile& c) {
  const char* kpis[] = {"units", "net_revenue", "refunds", "lost_customers"};
  const std::size_t J = c.kpi_names.size(), K1 = c.products.size() + 1;
  std::ostringstream o;
  char line[256];
  std::snprintf(line, sizeof line, "  %-24s", "scenario");
  o << line;
  for (const char* k : kpis) {
    std::snprintf(line, sizeof line, "%24s", k);
    o << line;
  }
  o << '\n';
  for (std::size_t sc = 0; sc < c.scenario_names.size(); ++sc) {
    std::snprintf(line, sizeof line, "  %-24s", c.scenario_names[sc].c_str());
    o << line;
    for (const char* k : kpis) {
      const auto j =
          static_cast<std::size_t>(std::find(c.kpi_names.begin(), c.kpi_names.end(), k) - c.kpi_names.begin());
      if (j >= J) throw Error(std::string("no KPI ") + k);
      const std::size_t i = (sc * J + j) * K1 + (K1 - 1);
      std::snprintf(
          line, sizeof line, "%24s",
          (std::to_string(std::llround(c.mean[i])) + " +- " + std::to_string(std::llround(c.ci95[i]))).c_str());
      o << line;
    }
    o << '\n';
  }
  return o.str();
}

}  // namespace

std::string describe_compare_file(const std::string& path) {
  try {
    const CompareFile c = read_compare_summary(path);
    std::ostringstream o;
    o << describe_head(path, c.format, c.motsim_version, c.created) << "  seed " << c.seed << ", " << c.days
      << " days\n"
      << "  compare of " << c.scenario_names.size() << " scenarios x " << c.replicates
      << " replicates; all products, mean +- 95% CI:\n\n"
      << kpi_summary_table(c);
    return o.str();
  } catch (const Error& e) {
    throw InputError(path + ": error: " + e.what() + " (truncated or corrupt compare file?)");
  }
}

}  // namespace motsim
