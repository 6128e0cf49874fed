// Scenario loading, --set and validation: one test per class of bad input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "helpers.hpp"
#include "sim/core/input_file.hpp"
#include "sim/input/param_table.hpp"

using namespace motsim;

namespace {
std::string error_of(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    parse_scenario(text, "s.toml", ".", sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
const std::string kBase = "[[product]]\nname = \"Nova\"\nprice = 100\n";
}  // namespace

TEST_CASE("scenario: defaults fill every key and the resolved TOML round-trips") {
  const auto s = parse_scenario(kBase, "s.toml", ".");
  CHECK(s.simulation.agents == 100000);
  CHECK(s.segments.size() == 1);
  CHECK(s.segments[0].research_prob == doctest::Approx(0.88));
  CHECK(s.segments[0].sources_mean == doctest::Approx(10.4));
  CHECK(s.behavior.consideration_max == 3);
  const std::string text = scenario_to_toml(s);
  const auto again = parse_scenario(text, "resolved.toml", ".");
  CHECK(scenario_to_toml(again) == text);
}

TEST_CASE("scenario: malformed TOML names file, line and column") {
  const auto e = error_of(kBase + "[behavior\n");
  CHECK(e.find("s.toml:4:") != std::string::npos);
  CHECK(e.find("TOML syntax") != std::string::npos);
}

TEST_CASE("scenario: unknown key with a suggestion") {
  const auto e = error_of(kBase + "[behavior]\nwom_rat = 0.1\n");
  CHECK(e.find("s.toml:5:1") != std::string::npos);
  CHECK(e.find("did you mean 'wom_rate'") != std::string::npos);
}

TEST_CASE("scenario: wrong type") {
  const auto e = error_of(kBase + "[simulation]\nagents = \"many\"\n");
  CHECK(e.find("simulation.agents") != std::string::npos);
  CHECK(e.find("expected an integer") != std::string::npos);
  CHECK(error_of(kBase + "[simulation]\nagents = 1.5\n").find("whole number") != std::string::npos);
  CHECK(error_of(kBase + "[simulation]\nagents = 1e4\n").empty());  // 1e4 is a whole number
}

TEST_CASE("scenario: a probability outside [0, 1]") {
  const auto e = error_of(kBase + "[behavior]\nwom_trigger = 1.2\n");
  CHECK(e.find("behavior.wom_trigger") != std::string::npos);
  CHECK(e.find("[0, 1]") != std::string::npos);
}

TEST_CASE("scenario: a negative price") {
  const auto e = error_of("[[product]]\nname = \"Nova\"\nprice = -1\n");
  CHECK(e.find("product.Nova.price") != std::string::npos);
  CHECK(e.find("s.toml:3:9") != std::string::npos);
}

TEST_CASE("scenario: segment shares must sum to 1") {
  const auto e = error_of(kBase + "[[segment]]\nname=\"a\"\nshare=0.6\n[[segment]]\nname=\"b\"\nshare=0.3\n");
  CHECK(e.find("sum to 0.9") != std::string::npos);
}

TEST_CASE("scenario: a campaign naming an unknown product") {
  const auto e = error_of(kBase + "[[campaign]]\nproduct = \"Nvoa\"\n");
  CHECK(e.find("Nvoa") != std::string::npos);
  CHECK(e.find("did you mean \"Nova\"") != std::string::npos);
  CHECK(error_of(kBase + "[[campaign]]\nproduct = \"Nova\"\nsegment = \"x\"\n").find("names no segment") !=
        std::string::npos);
  CHECK(error_of(kBase + "[[campaign]]\nproduct = \"Nova\"\nstart_day = 5\nend_day = 5\n").find("end_day") !=
        std::string::npos);
}

TEST_CASE("scenario: days and agents must be positive") {
  CHECK(error_of(kBase + "[simulation]\ndays = 0\n").find("simulation.days") != std::string::npos);
  CHECK(error_of(kBase + "[simulation]\nagents = 0\n").find("simulation.agents") != std::string::npos);
}

TEST_CASE("scenario: structural errors") {
  CHECK(error_of("").find("no [[product]]") != std::string::npos);
  CHECK(error_of(kBase + kBase).find("used twice") != std::string::npos);
  CHECK(error_of(kBase + "[foo]\n").find("unknown section 'foo'") != std::string::npos);
  CHECK(error_of("behavior = 3\n" + kBase).find("must be a table") != std::string::npos);
  CHECK(error_of(kBase + "[network]\ntype = \"ring\"\ndegree = 5\n").find("even") != std::string::npos);
  CHECK(error_of(kBase + "[network]\ntype = \"file\"\nfile = \"nope.txt\"\n").find("cannot read") != std::string::npos);
  CHECK(error_of(kBase + "[behavior]\nstar_cuts = [1, 2, 2, 3]\n").find("increasing") != std::string::npos);
  CHECK(error_of(kBase + "[behavior]\nstar_cuts = [1, 2]\n").find("4 numbers") != std::string::npos);
}

TEST_CASE("scenario: --set addresses products and segments by name, campaigns by index") {
  const std::string t = kBase + "[[product]]\nname = \"Orbit\"\n[[campaign]]\nproduct = \"Nova\"\n" +
                        "[[segment]]\nname = \"everyone\"\nshare = 0.5\n";
  auto s = parse_scenario(t, "s.toml", ".",
                          {"product.Orbit.price=249", "campaign.0.daily_reach=0.05", "simulation.agents=1000",
                           "network.type=ring", "behavior.repeat_purchase=false", "segment.everyone.share=1"});
  CHECK(s.products[1].price == 249);
  CHECK(s.campaigns[0].daily_reach == doctest::Approx(0.05));
  CHECK(s.simulation.agents == 1000);
  CHECK(s.network.type == "ring");
  CHECK_FALSE(s.behavior.repeat_purchase);
  CHECK(error_of(t, {"product.Orbitt.price=1"}).find("did you mean 'Orbit'") != std::string::npos);
  CHECK(error_of(t, {"product.Orbit.prise=1"}).find("did you mean 'price'") != std::string::npos);
  CHECK(error_of(t, {"campaign.2.daily_reach=1"}).find("no campaign '2'") != std::string::npos);
  CHECK(error_of(t, {"produt.Orbit.price=1"}).find("did you mean 'product'") != std::string::npos);
  CHECK(error_of(t, {"product.Orbit.price"}).find("key=value") != std::string::npos);
  CHECK(error_of(t, {"product.Orbit.price=-4"}).find("out of range") != std::string::npos);
}

TEST_CASE("scenario: extends chains, cycles and missing parents") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "motsim_extends_test";
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("base.toml", kBase + "[[product]]\nname = \"Orbit\"\nprice = 50\n[[campaign]]\nproduct = \"Nova\"\n");
  write("mid.toml", "extends = \"base.toml\"\n[[product]]\nname = \"Orbit\"\nquality = 9\n");
  write("leaf.toml", "extends = \"mid.toml\"\n[[campaign]]\nproduct = \"Orbit\"\n[behavior]\nwom_rate = 0.3\n");
  const auto s = load_scenario((dir / "leaf.toml").string());
  REQUIRE(s.products.size() == 2);
  CHECK(s.products[1].price == 50);   // from base
  CHECK(s.products[1].quality == 9);  // from mid
  CHECK(s.campaigns.size() == 2);     // appended
  CHECK(s.behavior.wom_rate == doctest::Approx(0.3));
  // Every file read is listed (no command may write over one): the leaf as named, its parents.
  REQUIRE(s.input_files.size() == 3);
  CHECK(s.input_files[0] == (dir / "leaf.toml").string());
  CHECK(same_file(s.input_files[1], (dir / "mid.toml").string()));
  CHECK(same_file(s.input_files[2], (dir / "base.toml").string()));
  write("edges.txt", "0 1\n");
  write("net.toml", "extends = \"leaf.toml\"\n[network]\ntype = \"file\"\nfile = \"edges.txt\"\n");
  const auto n = ParsedScenario((dir / "net.toml").string()).with();
  REQUIRE(n.input_files.size() == 5);
  CHECK(same_file(n.input_files.back(), (dir / "edges.txt").string()));
  write("loop1.toml", "extends = \"loop2.toml\"\n");
  write("loop2.toml", "extends = \"loop1.toml\"\n");
  try {
    load_scenario((dir / "loop1.toml").string());
    FAIL("cycle not detected");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("cycle") != std::string::npos);
  }
  write("orphan.toml", "extends = \"nope.toml\"\n");
  try {
    load_scenario((dir / "orphan.toml").string());
    FAIL("missing parent not detected");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
  }
  fs::remove_all(dir);
}

TEST_CASE("scenario: names the results files cannot hold are refused with the key, the value and why") {
  const std::string head = "[[product]]\nname = ";
  CHECK(error_of(head + "\"a/b\"\n") ==
        "s.toml:2:8: error: 'product.name' = \"a/b\" (product #0) contains a '/', which results files use to "
        "separate names; names go into results files, CSV files and --set product.NAME.KEY: use letters, digits, "
        "spaces, '-' or '_'");
  CHECK(error_of(head + "\"A\\u0000B\"\n")
            .find("'product.name' = \"A\\u0000B\" (product #0) contains a control "
                  "character (code 0)") != std::string::npos);
  CHECK(error_of(head + "'x\"y'\n").find("= \"x\\\"y\"") != std::string::npos);
  CHECK(error_of(kBase + "[[segment]]\nname = \"a,b\"\n").find("s.toml:5:8: error: 'segment.name'") !=
        std::string::npos);
  CHECK(error_of(kBase + "[[campaign]]\nproduct = \"No\\tva\"\n").find("= \"No\\u0009va\" names no product") !=
        std::string::npos);
}

TEST_CASE("scenario: a campaign that starts after the last day is noted, not refused") {
  const auto s = parse_scenario(kBase +
                                    "[simulation]\ndays = 10\n[[campaign]]\nproduct = \"Nova\"\nstart_day = 10\n"
                                    "end_day = 20\n",
                                "s.toml", ".");
  REQUIRE(s.notes.size() == 1);
  CHECK(s.notes[0] ==
        "note: s.toml:8:13: campaign.0 never runs: its start_day = 10 is after the last day of the simulation "
        "(simulation.days = 10: days 0 to 9)");
  CHECK(parse_scenario(kBase + "[[campaign]]\nproduct = \"Nova\"\nstart_day = 10\nend_day = 20\n", "s.toml", ".",
                       {"simulation.days=11"})
            .notes.empty());
}

TEST_CASE("scenario: a campaign's daily budget and cost per exposure set its reach, a different reach is refused") {
  const std::string two =
      "[simulation]\nagents = 10000\n[[segment]]\nname = \"a\"\nshare = 0.25\n[[segment]]\n"
      "name = \"b\"\nshare = 0.75\n" +
      kBase;
  const std::string camp = "[[campaign]]\nproduct = \"Nova\"\nsegment = \"a\"\ndaily_budget = 50\n";
  // 50 a day at 0.02 an exposure: 2500 exposures among 10000 x 0.25 targeted consumers.
  const Scenario s = parse_scenario(two + camp + "cost_per_exposure = 0.02\n", "s.toml", ".");
  CHECK(s.campaigns[0].daily_reach == doctest::Approx(1.0));
  const Scenario half = parse_scenario(two + camp + "cost_per_exposure = 0.04\n", "s.toml", ".");
  CHECK(half.campaigns[0].daily_reach == doctest::Approx(0.5));
  // Its resolved TOML reads back: the reach it holds agrees with the budget.
  CHECK(parse_scenario(scenario_to_toml(half), "r.toml", ".").campaigns[0].daily_reach == doctest::Approx(0.5));
  // A reach given too must agree; a budget buying more than one exposure per consumer is refused.
  CHECK(error_of(two + camp + "cost_per_exposure = 0.04\ndaily_reach = 0.5\n").empty());
  const auto e = error_of(two + camp + "cost_per_exposure = 0.04\ndaily_reach = 0.3\n");
  CHECK(e.find("but daily_reach = 0.3 is given too") != std::string::npos);
  CHECK(e.find("either daily_reach or daily_budget") != std::string::npos);
  CHECK(error_of(two + camp + "cost_per_exposure = 0.01\n").find("at most one exposure") != std::string::npos);
  CHECK(error_of(two + camp, {"campaign.0.cost_per_exposure=0.04", "campaign.0.daily_reach=0.2"}).find("daily_reach") !=
        std::string::npos);
  // A budget alone is a flat fee: the reach stays as given.
  CHECK(parse_scenario(two + camp + "daily_reach = 0.2\n", "s.toml", ".").campaigns[0].daily_reach == 0.2);
}

TEST_CASE("scenario: [economics] and the costs are read, defaulted and written back") {
  const Scenario d = parse_scenario(kBase, "s.toml", ".");
  CHECK(d.economics.discount_rate == 0);
  CHECK(d.products[0].unit_cost == 0);
  const Scenario s = parse_scenario(kBase + "unit_cost = 40\n[economics]\ndiscount_rate = 0.08\n", "s.toml", ".",
                                    {"economics.customer_lifetime_days=365", "product.Nova.recovery_cost=7"});
  CHECK(s.products[0].unit_cost == 40);
  CHECK(s.products[0].recovery_cost == 7);
  CHECK(s.economics.discount_rate == 0.08);
  CHECK(s.economics.customer_lifetime_days == 365);
  const Scenario back = parse_scenario(scenario_to_toml(s), "r.toml", ".");
  CHECK(back.economics.customer_lifetime_days == 365);
  CHECK(back.products[0].recovery_cost == 7);
  CHECK(error_of(kBase + "[economics]\ndiscount_rate = -0.1\n").find("economics.discount_rate") != std::string::npos);
}

TEST_CASE("scenario: a title and a question, inherited through extends unless the variant has its own") {
  namespace fs = std::filesystem;
  const auto s =
      parse_scenario("title = \"Launch\"\nquestion = \"Does the claim pay?\\nAnd later?\"\n" + kBase, "s.toml", ".");
  CHECK(s.title == "Launch");
  CHECK(s.question == "Does the claim pay?\nAnd later?");
  const std::string text = scenario_to_toml(s);
  CHECK(text.rfind("question = ", 0) == 0);  // top-level keys first
  CHECK(parse_scenario(text, "resolved.toml", ".").question == s.question);
  CHECK(parse_scenario(kBase, "s.toml", ".").title.empty());
  CHECK(scenario_to_toml(parse_scenario(kBase, "s.toml", ".")).find("title") == std::string::npos);
  const fs::path dir = fs::temp_directory_path() / "motsim_title_test";
  fs::create_directories(dir);
  std::ofstream(dir / "base.toml") << "title = \"Base\"\nquestion = \"Q\"\n" << kBase;
  std::ofstream(dir / "own.toml") << "extends = \"base.toml\"\ntitle = \"Variant\"\n";
  const auto v = load_scenario((dir / "own.toml").string());
  CHECK(v.title == "Variant");
  CHECK(v.question == "Q");  // the parent's
  CHECK(load_scenario((dir / "own.toml").string(), {"title=From the command line"}).title == "From the command line");
  CHECK(load_scenario((dir / "own.toml").string(), {"question=\"2026?\""}).question == "2026?");
  CHECK(load_scenario((dir / "own.toml").string(), {"title=2026"}).title == "2026");  // text, not a number
  fs::remove_all(dir);
}

TEST_CASE("scenario: a title must be text without control characters, of bounded length") {
  CHECK(error_of("title = 3\n" + kBase).find("'title' = 3 is an integer; expected a \"quoted string\"") !=
        std::string::npos);
  CHECK(error_of("title = \"a\\u0007b\"\n" + kBase).find("s.toml:1:9: error: 'title' contains a control character") !=
        std::string::npos);
  CHECK(error_of("question = \"" + std::string(2001, 'x') + "\"\n" + kBase).find("at most 2000") != std::string::npos);
  CHECK(error_of(kBase, {"title=a\x01"}).find("--set title=") != std::string::npos);
  CHECK(error_of("titel = \"x\"\n" + kBase).find("did you mean 'title'") == std::string::npos);  // sections only
}
