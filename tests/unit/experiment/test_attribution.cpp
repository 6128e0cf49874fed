// `motsim compare BASE VARIANT --attribute` (sim/experiment/attribution.cpp): the sub-scenarios
// prepared, a whole attribution written and read back (the Shapley values sum to the total, which
// is the comparison's difference), and the refusals.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "helpers.hpp"
#include "scratch.hpp"
#include "sim/core/files.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/experiment/attribution.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/io/compare_file.hpp"

using namespace motsim;

namespace {

// A base and a variant changing B's price, adding a campaign for B and changing a behaviour key.
std::vector<std::string> files(const std::string& variant_extra =
                                   "[[product]]\nname = \"B\"\nprice = 60\n[[campaign]]\nproduct = \"B\"\n"
                                   "daily_reach = 0.1\n[behavior]\nwom_rate = 0.2\n") {
  const std::string base = test::scratch("attr_base.toml"), variant = test::scratch("attr_variant.toml");
  std::ofstream(base) << "title = \"Two brands\"\n[simulation]\nagents = 1500\ndays = 30\nseed = 7\n"
                      << test::kTwoProducts;
  std::ofstream(variant) << "extends = \"attr_base.toml\"\nquestion = \"Which lever?\"\n" << variant_extra;
  return {base, variant};
}

CompareOptions options(std::vector<std::string> scenarios, const std::string& out) {
  CompareOptions o;
  o.scenarios = std::move(scenarios);
  o.replicates = 3;
  o.threads = 2;
  o.out = test::scratch(out);
  o.force = true;
  o.quiet = true;
  o.attribute = true;
  return o;
}

}  // namespace

TEST_CASE("attribution: the sub-scenarios are the base with each subset of the levers") {
  const auto f = files();
  const Scenario b = load_scenario(f[0]), v = load_scenario(f[1]);
  const AttributionSetup a = prepare_attribution(f[0], {}, b, v, 10);
  REQUIRE(a.levers.size() == 3);
  CHECK(a.levers[1].name == "campaign.0 (added)");
  CHECK(a.plan.exact);
  REQUIRE(a.scenarios.size() == 8);
  CHECK(a.scenarios[0].products[1].price == 100);
  CHECK(a.scenarios[1].products[1].price == 60);  // {product.B.price}
  CHECK(a.scenarios[1].campaigns.empty());
  CHECK(a.scenarios[2].campaigns.size() == 1);  // {campaign.0}
  CHECK(a.scenarios[2].products[1].price == 100);
  CHECK(a.scenarios[4].behavior.wom_rate == doctest::Approx(0.2));
  CHECK(scenario_to_toml(a.scenarios[7]) == scenario_to_toml(v));
  // With the overrides given for every scenario.
  const std::vector<std::string> sets = {"simulation.agents=700"};
  const AttributionSetup s = prepare_attribution(f[0], sets, load_scenario(f[0], sets), load_scenario(f[1], sets), 10);
  CHECK(s.scenarios[3].simulation.agents == 700);
  // A variant that the base with its levers does not rebuild (segments in another order) is refused.
  std::ofstream(f[0]) << "[simulation]\nagents = 500\ndays = 10\n[[segment]]\nname = \"x\"\nshare = 0.5\n"
                      << "[[segment]]\nname = \"y\"\nshare = 0.5\n"
                      << test::kTwoProducts;
  const Scenario b2 = load_scenario(f[0]);
  Scenario v2 = b2;
  std::swap(v2.segments[0], v2.segments[1]);
  v2.products[0].price = 90;
  CHECK_THROWS_WITH_AS(prepare_attribution(f[0], {}, b2, v2, 10), doctest::Contains("applied is not the variant"),
                       InputError);
}

TEST_CASE("attribution: a whole attribution, written and read back: Shapley values sum to the difference") {
  const CompareOptions o = options(files(), "attr.h5");
  REQUIRE(run_compare(o, "motsim compare --attribute") == 0);
  const CompareFile c = read_compare_file(o.out);
  CHECK(c.scenario_titles == std::vector<std::string>{"Two brands", "Two brands"});  // inherited
  CHECK(c.scenario_questions == std::vector<std::string>{"", "Which lever?"});
  REQUIRE(c.has_levers);
  CHECK(c.levers.key == std::vector<std::string>{"product.B.price", "campaign.0", "behavior.wom_rate"});
  CHECK(c.levers.scenario == std::vector<std::int64_t>{1, 1, 1});
  REQUIRE(c.has_attribution);
  const CompareAttribution& a = c.attribution;
  CHECK(a.method == "exact");
  CHECK(a.permutations == 6);
  CHECK(a.coalitions == 8);
  const std::size_t L = 3, J = compare_kpis().size(), K1 = 3;
  REQUIRE(a.shapley.size() == L * J * K1);
  for (std::size_t j = 0; j < J; ++j)
    for (std::size_t k = 0; k < K1; ++k) {
      const std::size_t t = j * K1 + k;
      if (std::isnan(a.total[t])) continue;
      double sum = 0, main = 0;
      for (std::size_t l = 0; l < L; ++l) {
        sum += a.shapley[(l * J + j) * K1 + k];
        main += a.main_effect[(l * J + j) * K1 + k];
      }
      CHECK(sum == doctest::Approx(a.total[t]).epsilon(1e-9));
      CHECK(a.total[t] == doctest::Approx(c.diff_mean[t]).epsilon(1e-9));  // the comparison's difference
      CHECK(a.interaction[t] == doctest::Approx(a.total[t] - main).epsilon(1e-9));
      CHECK(a.shapley_ci95[t] >= 0);
    }
  CHECK(a.sum_residual < 1e-9);
}

TEST_CASE("attribution: refused with several variants or with no changed key, before any run") {
  const auto f = files();
  CompareOptions two = options({f[0], f[1], f[1]}, "attr_x.h5");
  CHECK_THROWS_WITH_AS(run_compare(two, ""), doctest::Contains("give one base and exactly one variant (got 2"),
                       InputError);
  const auto same = files("title = \"Only the title\"\n");
  CHECK_THROWS_WITH_AS(run_compare(options(same, "attr_x.h5"), ""),
                       doctest::Contains("changes no key of the base's resolved scenario"), InputError);
  CHECK_FALSE(path_exists(test::scratch("attr_x.h5")));
}
