// The compare file (sim/io/compare_file.cpp): written from plain data, read back, described.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <string>

#include "io/samples.hpp"
#include "sim/core/errors.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/io/describe.hpp"
#include "sim/io/h5util.hpp"

using namespace motsim;

namespace {
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}
}  // namespace

TEST_CASE("compare file: every exported part is read back as written") {
  const CompareFile w = test::small_compare();
  const std::string path = test::scratch("compare.h5");
  write_compare_file(path, true, "motsim compare a b", w);
  const CompareFile r = read_compare_file(path);
  CHECK(r.scenario_names == w.scenario_names);
  CHECK(r.products == w.products);
  CHECK(r.kpi_names == w.kpi_names);
  CHECK(r.runs_per_scenario == 3);
  CHECK(same(r.runs, w.runs));
  CHECK(same(r.mean, w.mean));
  CHECK(same(r.ci95, w.ci95));
  CHECK(same(r.diff_mean, w.diff_mean));
  CHECK(same(r.diff_ci95, w.diff_ci95));
  CHECK(same(r.diff_relative, w.diff_relative));
  CHECK(same(r.diff_significant, w.diff_significant));
  CHECK(r.series_days == 4);
  CHECK(r.series_names == w.series_names);
  REQUIRE(r.series.size() == 2);
  CHECK(same(r.series[1], w.series[1]));
  CHECK(r.has_stars);
  CHECK(same(r.displayed_stars, w.displayed_stars));
  CHECK(same(r.experience_stars, w.experience_stars));
}

TEST_CASE("compare file: titles, questions, /levers and /attribution read back, and older files have none") {
  const CompareFile w = test::small_compare_attributed();
  const std::string path = test::scratch("attributed.h5");
  write_compare_file(path, true, "motsim compare a b --attribute", w);
  const CompareFile r = read_compare_file(path);
  CHECK(r.scenario_titles == w.scenario_titles);
  CHECK(r.scenario_questions == w.scenario_questions);
  REQUIRE(r.has_levers);
  CHECK(r.levers.scenario == w.levers.scenario);
  CHECK(r.levers.key == w.levers.key);
  CHECK(r.levers.base == w.levers.base);
  CHECK(r.levers.variant == w.levers.variant);
  REQUIRE(r.has_attribution);
  const CompareAttribution &a = r.attribution, &b = w.attribution;
  CHECK(a.levers == b.levers);
  CHECK(a.method == "exact");
  CHECK(a.permutations == 2);
  CHECK(a.coalitions == 4);
  CHECK(a.sum_residual == b.sum_residual);
  CHECK(same(a.shapley, b.shapley));
  CHECK(same(a.shapley_ci95, b.shapley_ci95));
  CHECK(same(a.shapley_se, b.shapley_se));
  CHECK(same(a.main_effect, b.main_effect));
  CHECK(same(a.total, b.total));
  CHECK(same(a.interaction, b.interaction));
  CHECK(same(a.total_ci95, b.total_ci95));
  CHECK(same(a.interaction_ci95, b.interaction_ci95));
  // Written without: no /levers, no /attribution, titles empty.
  const std::string plain = test::scratch("plain.h5");
  write_compare_file(plain, true, "motsim compare a b", test::small_compare());
  const CompareFile p = read_compare_file(plain);
  CHECK_FALSE(p.has_levers);
  CHECK_FALSE(p.has_attribution);
  CHECK(p.scenario_titles == std::vector<std::string>{"", ""});
}

TEST_CASE("compare file: the attributes and scenarios as documented, and a file without /stars") {
  const std::string path = test::scratch("attrs.h5");
  write_compare_file(path, true, "motsim compare a b", test::small_compare(false));
  h5::Handle f = h5::open_for_reading(path);
  CHECK(h5::read_attr_string(f, "format") == "motsim-compare-1");
  CHECK(h5::read_attr_string(f, "command_line") == "motsim compare a b");
  CHECK(h5::read_attr_int(f, "replicates") == 3);
  CHECK(h5::read_attr_int(f, "seed") == 11);
  CHECK(h5::read_attr_int(f, "first_replicate") == 2);
  CHECK(h5::read_attr_int(f, "days") == 4);
  CHECK(h5::read_strings(f, "/scenarios/path") == std::vector<std::string>{"a/base.toml", "b/variant.toml"});
  std::vector<hsize_t> dims;
  CHECK(h5::read_doubles(f, "/scenarios/agents", dims) == std::vector<double>{100, 200});
  CHECK(h5::read_doubles(f, "/kpis/diff_significant", dims)[3] == 1);
  CHECK(dims == std::vector<hsize_t>{1, compare_kpis().size(), 2});
  CHECK_FALSE(h5::exists(f, "/stars"));
  CHECK_FALSE(read_compare_file(path).has_stars);
}

TEST_CASE("compare file: the summary and motsim info") {
  const std::string path = test::scratch("info.h5");
  write_compare_file(path, true, "motsim compare a b", test::small_compare());
  const CompareFile s = read_compare_summary(path);
  CHECK(s.format == "motsim-compare-1");
  CHECK(s.replicates == 3);
  CHECK(s.seed == 11);
  CHECK(s.days == 4);
  CHECK(s.runs.empty());  // the summary reads only what info shows
  const std::string d = describe_compare_file(path);
  CHECK(d.rfind(path + "\n  format motsim-compare-1, motsim ", 0) == 0);
  CHECK(d.find("  seed 11, 4 days\n  compare of 2 scenarios x 3 replicates; all products, mean +- 95% CI:\n") !=
        std::string::npos);
  // units is KPI 0: the "all" column of scenario 0 is mean[1] = 1001, ci95[1] = 11.
  CHECK(d.find("\n  base" + std::string(20 + 14, ' ') + "1001 +- 11") != std::string::npos);
  CHECK(describe_results(path) == d);
}

TEST_CASE("compare file: a missing or malformed part is named") {
  const std::string empty = test::scratch("not-compare.h5");
  h5::write_atomically(empty, true, "motsim-compare-1", "test", [](hid_t) {});
  CHECK_THROWS_WITH_AS(read_compare_file(empty), "no dataset /scenarios/name", h5::Error);
  CHECK_THROWS_WITH_AS(describe_compare_file(empty),
                       (empty + ": error: no dataset /scenarios/name (truncated or corrupt compare file?)").c_str(),
                       InputError);
  // The names, and /kpis/runs of the wrong rank; /kpis/mean and ci95 without the KPI units.
  const std::string bad = test::scratch("bad.h5");
  h5::write_atomically(bad, true, "motsim-compare-1", "test", [](hid_t f) {
    using namespace h5;
    Handle s = group(f, "scenarios"), p = group(f, "products"), k = group(f, "kpis");
    strings(s, "name", {"base", "variant"});
    strings(p, "name", {"Nova"});
    strings(k, "name", {"revenue"});
    const std::vector<double> v(4, 1.0);
    dataset(k, "runs", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2, 2}, v.data());
    dataset(k, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2, 1, 2}, v.data());
    dataset(k, "ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2, 1, 2}, v.data());
  });
  CHECK_THROWS_WITH_AS(read_compare_file(bad), "/kpis/runs has an unexpected shape", h5::Error);
  CHECK_THROWS_WITH_AS(describe_compare_file(bad),
                       (bad + ": error: no KPI units (truncated or corrupt compare file?)").c_str(), InputError);
}

TEST_CASE("compare file: /economics and /kpis/good are read back, and files without them still read") {
  CompareFile w = test::small_compare();
  for (const auto& k : compare_kpis()) w.kpi_good.push_back(k.good);
  w.has_economics = true;  // one variant, two columns (Nova, all)
  w.incremental_profit = {120, 100};
  w.incremental_profit_ci95 = {12, 10};
  w.incremental_spend = {40, 40};
  w.incremental_spend_ci95 = {1, 1};
  w.roi = {3, 2.5};
  w.payback_day = {17, NAN};
  const std::string path = test::scratch("compare-economics.h5");
  write_compare_file(path, true, "motsim compare a b", w);
  const CompareFile r = read_compare_file(path);
  CHECK(r.kpi_good == w.kpi_good);
  REQUIRE(r.has_economics);
  CHECK(r.incremental_profit == w.incremental_profit);
  CHECK(r.incremental_spend_ci95 == w.incremental_spend_ci95);
  CHECK(r.roi == w.roi);
  CHECK(r.payback_day[0] == 17);
  CHECK(std::isnan(r.payback_day[1]));
  {
    h5::Handle f = h5::open_for_reading(path);
    std::vector<hsize_t> dims;
    h5::read_doubles(f, "/economics/roi", dims);
    CHECK(dims == std::vector<hsize_t>{1, 2});
  }
  const std::string old = test::scratch("compare-no-economics.h5");
  write_compare_file(old, true, "motsim compare a b", test::small_compare());
  const CompareFile o = read_compare_file(old);
  CHECK_FALSE(o.has_economics);
  CHECK(o.kpi_good.empty());
}
