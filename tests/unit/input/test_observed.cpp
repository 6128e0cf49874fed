// Observed data files for a calibration (sim/input/observed.cpp): periods and every refusal.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "scratch.hpp"
#include "sim/core/errors.hpp"
#include "sim/input/observed.hpp"

using namespace motsim;

namespace {
std::string file_with(const std::string& name, const std::string& text) {
  const std::string p = test::scratch(name);
  std::ofstream(p) << text;
  return p;
}
std::string error_of(const std::string& text, const std::string& start = "") {
  try {
    read_observed({file_with("bad.csv", text)}, {"Nova", "Orbit"}, 365, start);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("observed data: weeks, months and dates become day ranges, and blanks are missing values") {
  const auto d = read_observed({file_with("w.csv", "week,product,units,rating_mean\n1,Nova,120,4.5\n2,Orbit,,\n")},
                               {"Nova", "Orbit"}, 365, "");
  REQUIRE(d.cells.size() == 2);
  CHECK(d.period_kind == "week");
  CHECK(d.cells[0].first_day == 0);
  CHECK(d.cells[0].end_day == 7);
  CHECK(d.cells[1].value == 4.5);
  CHECK(d.periods == 1);
  const auto m = read_observed({file_with("m.csv", "month,product,units\n2,Nova,10\n")}, {"Nova"}, 365, "2026-01-15");
  CHECK(m.cells[0].first_day == 17);  // February 1st is 17 days after January 15th
  CHECK(m.cells[0].end_day == 45);
  const auto t = read_observed({file_with("t.csv", "date,product,awareness\n2026-01-17,Nova,0.25\n")}, {"Nova"}, 365,
                               "2026-01-15");
  CHECK(t.cells[0].first_day == 2);
}

TEST_CASE("observed data: every bad cell names file, line, column and value") {
  CHECK(error_of("week,product,units\n1,Zed,3\n").find("bad.csv:2:2: error: column 'product': unknown product 'Zed'") !=
        std::string::npos);
  CHECK(error_of("week,product,units\n1,Nova,-3\n").find("bad.csv:2:3: error: column 'units': '-3' is negative") !=
        std::string::npos);
  CHECK(error_of("week,product,market_share\n1,Nova,1.5\n").find("outside [0, 1]") != std::string::npos);
  CHECK(error_of("week,product,units\n60,Nova,3\n").find("ends after the scenario's horizon") != std::string::npos);
  CHECK(error_of("week,product,units\n1,Nova,3\n1,Nova,4\n").find("a second value for Nova in week 1") !=
        std::string::npos);
  CHECK(error_of("product,units\nNova,3\n").find("no period column") != std::string::npos);
  CHECK(error_of("week,units\n1,3\n").find("no 'product' column") != std::string::npos);
  CHECK(error_of("week,product,units\n1,Nova,lots\n").find("'lots' is not a number") != std::string::npos);
  CHECK(error_of("week,product,unit\n1,Nova,3\n").find("did you mean 'units'?") != std::string::npos);
  CHECK(error_of("month,product,units\n1,Nova,3\n").find("needs data.start_date") != std::string::npos);
  CHECK(error_of("date,product,units\n2026-02-30,Nova,3\n", "2026-01-01").find("not an ISO date") != std::string::npos);
  CHECK(error_of("week,product,units\n1,Nova\n").find("the row has 2 cells, the header 3") != std::string::npos);
  CHECK(error_of("").find("the file is empty") != std::string::npos);
}
