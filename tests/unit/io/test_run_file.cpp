// The run file (sim/io/run_file.cpp): a small run written, read back and described.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "io/samples.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/io/describe.hpp"
#include "sim/io/h5util.hpp"
#include "sim/io/output.hpp"
#include "sim/io/run_file.hpp"

using namespace motsim;

namespace {
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
}  // namespace

TEST_CASE("run file: what is written is read back (products, series, every KPI, reviews)") {
  Results r;
  const std::string path = test::write_small_run("run.h5", r);
  const RunFile f = read_run_file(path);
  CHECK(f.products == r.products);
  REQUIRE(f.day.size() == static_cast<std::size_t>(r.days_done));
  CHECK(f.day.back() == r.days_done - 1);
  const std::size_t DK = static_cast<std::size_t>(r.days_done) * r.K;
  bool saw_purchases = false, saw_histogram = false;
  for (const auto& s : f.timeseries) {
    CHECK(s.values.size() == DK * (s.bins ? s.bins : 1));
    if (s.name == "purchases") {
      saw_purchases = true;
      CHECK(s.values == daily_series(r, "purchases"));
    }
    if (s.name == "rating_histogram") {
      saw_histogram = true;
      CHECK(s.bins == 5);
    }
  }
  CHECK(saw_purchases);
  CHECK(saw_histogram);
  const Kpis k = compute_kpis(r);
  REQUIRE(f.kpi_names.size() == k.names.size());  // sorted by name in the file
  for (std::size_t i = 0; i < f.kpi_names.size(); ++i) {
    const auto it = std::find(k.names.begin(), k.names.end(), f.kpi_names[i]);
    REQUIRE(it != k.names.end());
    const auto& want = k.values[static_cast<std::size_t>(it - k.names.begin())];
    for (int p = 0; p < r.K; ++p) CHECK(same(f.kpi_values[i][p], want[p]));
  }
  REQUIRE(f.reviews.day.size() == r.reviews.size());
  CHECK(r.reviews.size() > 0);
  for (std::size_t i = 0; i < r.reviews.size(); ++i) {
    CHECK(f.reviews.day[i] == r.reviews[i].day);
    CHECK(f.reviews.agent[i] == r.reviews[i].agent);
    CHECK(f.reviews.product[i] == r.reviews[i].product);
    CHECK(f.reviews.stars[i] == r.reviews[i].stars);
  }
}

TEST_CASE("run file: the summary holds the attributes and the compared KPIs, and info describes it") {
  Results r;
  const std::string path = test::write_small_run("summary.h5", r);
  const RunFile f = read_run_summary(path);
  CHECK(f.format == "motsim-run-1");
  CHECK(f.scenario_path == "test.toml");
  CHECK(f.seed == 7);
  CHECK(f.agents == 2000);
  CHECK(f.days == 30);
  REQUIRE(f.kpi_names.size() == compare_kpis().size());
  for (std::size_t j = 0; j < f.kpi_names.size(); ++j) CHECK(f.kpi_names[j] == compare_kpis()[j].name);
  const std::string d = describe_run_file(path);
  CHECK(d.rfind(path + "\n  format motsim-run-1, motsim ", 0) == 0);
  CHECK(d.find("  scenario test.toml, seed 7, replicate 0, 2000 agents, 30 days\n") != std::string::npos);
  CHECK(d.find("units") != std::string::npos);
  CHECK(d.find("refunded_amount") == std::string::npos);  // only the compared KPIs
  CHECK(describe_results(path) == d);                     // the dispatcher picks the run file
}

TEST_CASE("run file: with --save-agents it holds /agents, and it is never replaced without force") {
  Results r;
  const std::string path = test::write_small_run("agents.h5", r, true);
  h5::Handle f = h5::open_for_reading(path);
  std::vector<hsize_t> dims;
  CHECK(h5::read_doubles(f, "/agents/belief", dims).size() == 2000u * 2);
  CHECK(dims == std::vector<hsize_t>{2000, 2});
  CHECK_THROWS_AS(check_output_path(path, false, {}), InputError);
  CHECK_NOTHROW(check_output_path(path, true, {}));
}

TEST_CASE("run file: a missing part is named, and a foreign file refused") {
  const std::string empty = test::scratch("empty.h5");
  h5::write_atomically(empty, true, "motsim-run-1", "test", [](hid_t) {});
  try {
    read_run_file(empty);
    FAIL("no error");
  } catch (const h5::Error& e) {
    CHECK(std::string(e.what()) == "no dataset /products/name");
  }
  CHECK_THROWS_WITH_AS(describe_run_file(empty),
                       (empty + ": error: no dataset /products/name (truncated or corrupt results file?)").c_str(),
                       InputError);
  CHECK_THROWS_AS(read_run_file(test::scratch("none.h5")), InputError);
  const std::string foreign = test::scratch("foreign.h5");
  h5::write_atomically(foreign, true, "other-1", "test", [](hid_t) {});
  CHECK_THROWS_WITH_AS(describe_results(foreign),
                       (foreign + ": error: not a motsim results file (no 'format' attribute)").c_str(), InputError);
}
