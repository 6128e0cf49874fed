// The CSV export (sim/io/export.cpp) of run and compare files: the files, their columns and
// rows, and the refusals.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/samples.hpp"
#include "sim/io/export.hpp"
#include "sim/io/h5util.hpp"

using namespace motsim;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> v;
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

TEST_CASE("export: a run file as timeseries, kpis and reviews") {
  Results r;
  const std::string h5 = test::write_small_run("export-run.h5", r);
  const std::string dir = test::scratch("run-csv");
  const auto written = export_csv(h5, dir, false);
  CHECK(written.size() == 3);
  CHECK(names_in(dir) == std::vector<std::string>{"kpis.csv", "reviews.csv", "timeseries.csv"});
  const auto ts = lines_of(dir + "/timeseries.csv");
  REQUIRE(ts.size() == 1 + static_cast<std::size_t>(r.days_done) * r.K);
  CHECK(ts[0].rfind("day,product,", 0) == 0);
  CHECK(ts[0].find(",stars_1,") != std::string::npos);  // rating_histogram, by star
  CHECK(ts[0].find(",experience_stars_5") != std::string::npos);
  CHECK(ts[1].rfind("0,A,", 0) == 0);
  CHECK(ts[2].rfind("0,B,", 0) == 0);
  const auto kp = lines_of(dir + "/kpis.csv");
  REQUIRE(kp.size() == 3);
  CHECK(kp[0].rfind("product,", 0) == 0);
  CHECK(kp[1].rfind("A,", 0) == 0);
  const auto rv = lines_of(dir + "/reviews.csv");
  REQUIRE(rv.size() == 1 + r.reviews.size());
  CHECK(rv[0] == "day,agent,product,stars,answered");
  CHECK(rv[1] == std::to_string(r.reviews[0].day) + "," + std::to_string(r.reviews[0].agent) + "," +
                     (r.reviews[0].product == 0 ? "A" : "B") + "," + std::to_string(r.reviews[0].stars) + "," +
                     std::to_string(r.reviews[0].answered));
}

TEST_CASE("export: a compare file as runs, summary, differences, series and stars") {
  const std::string h5 = test::scratch("export-compare.h5");
  const CompareFile c = test::small_compare();
  write_compare_file(h5, true, "test", c);
  const std::string dir = test::scratch("compare-csv");
  export_csv(h5, dir, false);
  CHECK(names_in(dir) ==
        std::vector<std::string>{"differences.csv", "runs.csv", "series.csv", "stars.csv", "summary.csv"});
  const std::size_t J = c.kpi_names.size();
  const auto runs = lines_of(dir + "/runs.csv");
  REQUIRE(runs.size() == 1 + 2 * 3 * 2);  // scenarios x replicates x (product + all)
  CHECK(runs[0].rfind("scenario,replicate,product,units,revenue,", 0) == 0);
  CHECK(runs[1].rfind("base,0,Nova,0.5,", 0) == 0);
  CHECK(runs[2].rfind("base,0,all products,", 0) == 0);
  CHECK(lines_of(dir + "/summary.csv").size() == 1 + 2 * 2 * J);
  const auto diff = lines_of(dir + "/differences.csv");
  REQUIRE(diff.size() == 1 + 2 * J);
  CHECK(diff[0] == "variant,base,product,kpi,difference,ci95_low,ci95_high,relative,significant");
  CHECK(diff[1] == "variant,base,Nova,units,-3,-4,-2,0.25,0");
  const auto series = lines_of(dir + "/series.csv");
  REQUIRE(series.size() == 1 + 2 * 4);
  CHECK(series[0] == "scenario,day,product,aware,purchases");
  CHECK(series[8] == "variant,3,Nova,7,107");
  const auto stars = lines_of(dir + "/stars.csv");
  REQUIRE(stars.size() == 1 + 2 * 5);
  CHECK(stars[1] == "base,Nova,1,1,7");
}

TEST_CASE("export: levers.csv and attribution.csv of an attributed comparison") {
  const std::string h5 = test::scratch("export-attributed.h5");
  const CompareFile c = test::small_compare_attributed();
  write_compare_file(h5, true, "test", c);
  const std::string dir = test::scratch("attributed-csv");
  export_csv(h5, dir, false);
  CHECK(names_in(dir) == std::vector<std::string>{"attribution.csv", "differences.csv", "levers.csv", "runs.csv",
                                                  "series.csv", "stars.csv", "summary.csv"});
  const auto lv = lines_of(dir + "/levers.csv");
  REQUIRE(lv.size() == 3);
  CHECK(lv[0] == "variant,base,key,base_value,variant_value");
  CHECK(lv[1] == "variant,base,product.Nova.claim,8,9.5");
  CHECK(lv[2] == "variant,base,campaign.0,(none),\"{ product = 'Nova', daily_reach = 0.03 }\"");
  const std::size_t J = c.kpi_names.size();
  const auto at = lines_of(dir + "/attribution.csv");
  REQUIRE(at.size() == 1 + 2 * 2 * J);  // levers x (product + all) x KPIs
  CHECK(at[0] == "variant,base,lever,product,kpi,shapley,ci95_low,ci95_high,sampling_se,main_effect,total,interaction");
  CHECK(at[1] == "variant,base,product.Nova.claim,Nova,units,1,0.5,1.5,0,2,10,-1");
}

TEST_CASE("export: no stars.csv without /stars, and existing files kept without force") {
  const std::string h5 = test::scratch("export-nostars.h5");
  write_compare_file(h5, true, "test", test::small_compare(false));
  const std::string dir = test::scratch("nostars-csv");
  CHECK(export_csv(h5, dir, false).size() == 4);
  CHECK_FALSE(fs::exists(dir + "/stars.csv"));
  CHECK_THROWS_AS(export_csv(h5, dir, false), InputError);
  CHECK(export_csv(h5, dir, true).size() == 4);
  CHECK(names_in(dir).size() == 4);  // no temporary file left
}

TEST_CASE("export: a foreign or incomplete file is refused and leaves nothing") {
  const std::string sweep = test::scratch("export-sweep.h5");
  h5::write_atomically(sweep, true, "motsim-sweep-1", "test", [](hid_t) {});
  CHECK_THROWS_WITH_AS(export_csv(sweep, test::scratch("x"), false),
                       (sweep + ": error: not a motsim run or compare file (format 'motsim-sweep-1')").c_str(),
                       InputError);
  const std::string empty = test::scratch("export-empty.h5");
  h5::write_atomically(empty, true, "motsim-run-1", "test", [](hid_t) {});
  const std::string dir = test::scratch("made/for/export");
  CHECK_THROWS_WITH_AS(export_csv(empty, dir, false),
                       (empty + ": error: no dataset /products/name (not a complete motsim file?)").c_str(),
                       InputError);
  CHECK_FALSE(fs::exists(test::scratch("made")));  // directories made for it removed
}

TEST_CASE("export: a compare file with /economics and /kpis/good adds economics.csv and kpis.csv") {
  CompareFile c = test::small_compare();
  for (const auto& k : compare_kpis()) c.kpi_good.push_back(k.good);
  c.has_economics = true;
  c.incremental_profit = {120, 100};
  c.incremental_profit_ci95 = {12, 10};
  c.incremental_spend = {40, 40};
  c.incremental_spend_ci95 = {1, 1};
  c.roi = {3, 2.5};
  c.payback_day = {17, NAN};
  const std::string h5 = test::scratch("export-economics.h5");
  write_compare_file(h5, true, "test", c);
  const std::string dir = test::scratch("economics-csv");
  export_csv(h5, dir, false);
  const auto ec = lines_of(dir + "/economics.csv");
  REQUIRE(ec.size() == 3);
  CHECK(ec[0] ==
        "variant,base,product,incremental_profit,profit_ci95_low,profit_ci95_high,incremental_spend,spend_ci95_low,"
        "spend_ci95_high,roi,payback_day");
  CHECK(ec[1] == "variant,base,Nova,120,108,132,40,39,41,3,17");
  CHECK(ec[2] == "variant,base,all products,100,90,110,40,39,41,2.5,");  // never paid back: empty
  const auto kp = lines_of(dir + "/kpis.csv");
  REQUIRE(kp.size() == 1 + c.kpi_names.size());
  CHECK(kp[1] == "units,1");
  CHECK(kp.back() == "lost_customer_value,-1");
}

TEST_CASE("export: a run's campaigns with their channels, as read back and as campaigns.csv") {
  const Scenario sc = test::scenario(std::string(test::kTwoProducts) + R"(
[[campaign]]
product = "A"
channel = "tv"
daily_reach = 0.05
end_day = 10
cost_per_exposure = 0.4
[[campaign]]
product = "B"
channel = "social"
start_day = 5
end_day = 15
daily_budget = 30
)",
                                     2000, 20);
  Simulation sim(sc, 2);
  sim.run();
  const Results& r = sim.results();
  const std::string h5 = test::scratch("export-campaigns.h5");
  write_run_file(h5, true, r, compute_kpis(r), RunInfo{scenario_to_toml(sc), "test.toml", "motsim run", "", ""},
                 &sim.world(), false);
  const RunFile f = read_run_file(h5);
  CHECK(f.campaigns.channel == std::vector<std::string>{"tv", "social"});
  CHECK(f.campaigns.product == std::vector<double>{0, 1});
  REQUIRE(f.campaigns.spend.size() == 20 * 2);
  CHECK(f.campaigns.spend[0 * 2 + 1] == 0);   // B's campaign starts on day 5
  CHECK(f.campaigns.spend[5 * 2 + 1] == 30);  // its daily budget
  CHECK(f.campaigns.spend[3 * 2 + 0] == doctest::Approx(0.4 * f.campaigns.exposures[3 * 2 + 0]));
  const std::string dir = test::scratch("campaigns-csv");
  export_csv(h5, dir, false);
  CHECK(names_in(dir) == std::vector<std::string>{"campaigns.csv", "kpis.csv", "reviews.csv", "timeseries.csv"});
  const auto cp = lines_of(dir + "/campaigns.csv");
  REQUIRE(cp.size() == 1 + 20 * 2);
  CHECK(cp[0] == "day,campaign,product,channel,exposures,spend");
  CHECK(cp[1].rfind("0,0,A,tv,", 0) == 0);
  CHECK(cp[2] == "0,1,B,social,0,0");
  CHECK(cp[1 + 5 * 2 + 1] ==
        "5,1,B,social," + std::to_string(static_cast<long>(f.campaigns.exposures[5 * 2 + 1])) + ",30");
}
