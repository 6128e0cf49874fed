// The diff of two resolved scenarios (sim/input/scenario_diff.cpp): products and segments by
// name, campaigns by index (added and removed), nested keys; the levers it groups; the base
// with some levers applied.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "helpers.hpp"
#include "scratch.hpp"
#include "sim/input/scenario_diff.hpp"

using namespace motsim;

namespace {

const std::string kBase = std::string(test::kTwoProducts) +
                          "[[segment]]\nname = \"young\"\nshare = 0.4\n[[segment]]\nname = \"old\"\nshare = 0.6\n"
                          "[[campaign]]\nproduct = \"A\"\nstart_day = 0\nend_day = 20\n";

Scenario variant_of(const std::string& extra) { return test::scenario(kBase + extra); }

std::vector<std::string> keys(const std::vector<KeyChange>& d) {
  std::vector<std::string> k;
  for (const auto& c : d) k.push_back(c.key);
  return k;
}

const KeyChange& change(const std::vector<KeyChange>& d, const std::string& key) {
  const auto it = std::find_if(d.begin(), d.end(), [&](const KeyChange& c) { return c.key == key; });
  REQUIRE(it != d.end());
  return *it;
}

}  // namespace

TEST_CASE("scenario diff: nothing between a scenario and itself, and the random key and the title are not levers") {
  const Scenario b = test::scenario(kBase);
  CHECK(scenario_diff(b, b).empty());
  Scenario v = b;
  v.simulation.seed = 99;
  v.simulation.replicate = 4;
  v.title = "another title";
  CHECK(scenario_diff(b, v).empty());
  CHECK(group_levers({}).empty());
}

TEST_CASE("scenario diff: fields, by section, product and segment name and campaign index, as --set keys") {
  const Scenario b = test::scenario(kBase);
  Scenario v = b;
  std::swap(v.products[0], v.products[1]);  // matched by name, not by position
  v.products[0].price = 60;                 // B
  v.products[1].initial_ratings = {1, 0, 0, 2, 5};
  v.segments[1].quality_weight = 1.25;
  v.campaigns[0].daily_reach = 0.05;
  v.behavior.star_cuts = {2.5, 5, 6.5, 8};
  v.network.type = "ring";
  const auto d = scenario_diff(b, v);
  CHECK(keys(d) == std::vector<std::string>{"network.type", "segment.old.quality_weight", "product.A.initial_ratings",
                                            "product.B.price", "campaign.0.daily_reach", "behavior.star_cuts"});
  CHECK(change(d, "product.B.price").base == "100");
  CHECK(change(d, "product.B.price").variant == "60");
  CHECK(change(d, "product.B.price").set == "product.B.price=60");
  CHECK(change(d, "product.A.initial_ratings").variant == "[1, 0, 0, 2, 5]");
  CHECK(change(d, "behavior.star_cuts").variant == "[2.5, 5, 6.5, 8]");
  CHECK(change(d, "network.type").variant == "'ring'");
  CHECK_FALSE(change(d, "network.type").entry);
  CHECK(group_levers(d).size() == d.size());  // each its own lever
}

TEST_CASE("scenario diff: campaigns added and removed as whole entries, segments added") {
  const Scenario b = test::scenario(kBase);
  const Scenario added = variant_of("[[campaign]]\nproduct = \"B\"\nchannel = \"social\"\ndaily_reach = 0.03\n");
  const auto d = scenario_diff(b, added);
  REQUIRE(d.size() == 1);
  CHECK(d[0].key == "campaign.1");
  CHECK(d[0].entry);
  CHECK(d[0].base == "(none)");
  CHECK(d[0].variant == "{ product = 'B', channel = 'social', daily_reach = 0.03 }");  // the keys not at their default
  CHECK(d[0].edit.add);
  const auto levers = group_levers(d);
  REQUIRE(levers.size() == 1);
  CHECK(levers[0].name == "campaign.1 (added)");
  CHECK(levers[0].sets.empty());
  REQUIRE(levers[0].edits.size() == 1);
  // The other way round: removed.
  const auto r = scenario_diff(added, b);
  REQUIRE(r.size() == 1);
  CHECK(r[0].key == "campaign.1");
  CHECK(r[0].variant == "(none)");
  CHECK_FALSE(r[0].edit.add);
  CHECK(r[0].edit.id == "1");
  CHECK(group_levers(r)[0].name == "campaign.1 (removed)");
  // A segment added with the shares changed: one lever (shares must sum to 1).
  Scenario s = b;
  s.segments[1].share = 0.5;
  s.segments.push_back(Segment{});
  s.segments.back().name = "kids";
  s.segments.back().share = 0.1;
  const auto ds = scenario_diff(b, s);
  CHECK(keys(ds) == std::vector<std::string>{"segment.old.share", "segment.kids"});
  const auto ls = group_levers(ds);
  REQUIRE(ls.size() == 1);
  CHECK(ls[0].name == "segment.old.share + segment.kids (added)");
}

TEST_CASE("scenario diff: a campaign's start and end move together") {
  const Scenario b = test::scenario(kBase);
  Scenario v = b;
  v.campaigns[0].start_day = 40;
  v.campaigns[0].end_day = 60;
  v.campaigns[0].claim = 9;
  const auto levers = group_levers(scenario_diff(b, v));
  REQUIRE(levers.size() == 2);
  CHECK(levers[0].name == "campaign.0.start_day + campaign.0.end_day");
  CHECK(levers[0].sets == std::vector<std::string>{"campaign.0.start_day=40", "campaign.0.end_day=60"});
  CHECK(levers[1].name == "campaign.0.claim");
}

TEST_CASE("scenario diff: the base with all, none or some levers applied") {
  namespace fs = std::filesystem;
  const std::string base = test::scratch("diff_base.toml"), var = test::scratch("diff_variant.toml");
  std::ofstream(base) << "[simulation]\nagents = 500\ndays = 10\nseed = 3\n" << kBase;
  std::ofstream(var) << "extends = \"diff_base.toml\"\n[[product]]\nname = \"B\"\nclaim = 9\n"
                     << "[[campaign]]\nproduct = \"B\"\ndaily_reach = 0.2\n[behavior]\nwom_rate = 0.3\n";
  const ParsedScenario parsed(base);
  const Scenario b = parsed.with(), v = load_scenario(var);
  const auto levers = group_levers(scenario_diff(b, v));
  REQUIRE(levers.size() == 3);
  CHECK(scenario_to_toml(with_levers(parsed, {}, levers, 0)) == scenario_to_toml(b));
  CHECK(scenario_to_toml(with_levers(parsed, {}, levers, 7)) == scenario_to_toml(v));
  const Scenario only_campaign = with_levers(parsed, {}, levers, 2);  // product.B.claim, campaign.1, behavior
  REQUIRE(only_campaign.campaigns.size() == 2);
  CHECK(only_campaign.campaigns[1].daily_reach == doctest::Approx(0.2));
  CHECK(only_campaign.campaigns[1].product_index == 1);
  CHECK(only_campaign.products[1].claim == 6);
  CHECK(only_campaign.behavior.wom_rate == b.behavior.wom_rate);
  // The overrides given for every scenario come first.
  CHECK(with_levers(parsed, {"simulation.agents=300"}, levers, 1).simulation.agents == 300);
  // A removed campaign, by index.
  const auto back = group_levers(scenario_diff(v, b));
  REQUIRE(back.size() == 3);
  const ParsedScenario pv(var);
  CHECK(scenario_to_toml(with_levers(pv, {}, back, 7)) == scenario_to_toml(b));
  CHECK(with_levers(pv, {}, back, 2).campaigns.size() == 1);
}

TEST_CASE("scenario diff: levers that cannot be applied one without the other are named") {
  const std::string base = test::scratch("diff_net_base.toml"), var = test::scratch("diff_net_variant.toml");
  const std::string edges = test::scratch("diff_edges.txt");
  std::ofstream(edges) << "0 1\n1 2\n";
  std::ofstream(base) << "[simulation]\nagents = 3\ndays = 10\n" << test::kTwoProducts;
  std::ofstream(var) << "extends = \"diff_net_base.toml\"\n[network]\ntype = \"file\"\nfile = \"diff_edges.txt\"\n";
  const ParsedScenario parsed(base);
  const auto levers = group_levers(scenario_diff(parsed.with(), load_scenario(var)));
  REQUIRE(levers.size() == 2);
  CHECK_NOTHROW(with_levers(parsed, {}, levers, 3));
  CHECK_THROWS_WITH_AS(with_levers(parsed, {}, levers, 1),
                       doctest::Contains("the base with only the levers {network.type}"), InputError);
}

namespace {

// The variant written as a file that extends the base file, read back: the same scenario.
Scenario round_trip(const Scenario& variant, const std::string& name) {
  const std::string base_path = test::scratch(name + "_base.toml");
  std::ofstream(base_path) << "[simulation]\nagents = 5000\ndays = 60\nseed = 7\n" << kBase;
  const std::string text = variant_toml(load_scenario(base_path), variant, base_path, "# a comment\n");
  CHECK(text.rfind("# a comment\nextends = ", 0) == 0);
  const std::string path = test::scratch(name + "_variant.toml");
  std::ofstream(path) << text;
  return load_scenario(path);
}

}  // namespace

TEST_CASE("scenario diff: a variant file extends the base and holds only what changed") {
  Scenario v = test::scenario(kBase);
  v.products[1].claim = 9;
  v.behavior.wom_rate = 0.3;
  const Scenario back = round_trip(v, "fields");
  CHECK(scenario_diff(v, back).empty());
  const std::string text = variant_toml(test::scenario(kBase), v, "/x/base.toml");
  CHECK(text.find("[[product]]\nname = 'B'\nclaim = 9\n") != std::string::npos);
  CHECK(text.find("[behavior]\nwom_rate = 0.3\n") != std::string::npos);
  CHECK(text.find("price") == std::string::npos);  // unchanged keys are not written
  CHECK(text.find("replace_campaigns") == std::string::npos);
}

TEST_CASE("scenario diff: a variant file with a changed campaign replaces the campaigns, with an added segment") {
  // The campaign changed: every campaign is written and replaces the base's (extends appends).
  Scenario v = test::scenario(kBase);
  v.campaigns[0].daily_reach = 0.25;
  v.segments[1].share = 0.5;
  v.segments.push_back(v.segments[0]);
  v.segments.back().name = "kids";
  v.segments.back().share = 0.1;
  const Scenario back = round_trip(v, "campaigns");
  CHECK(scenario_diff(v, back).empty());
  CHECK(back.campaigns.size() == 1);
  CHECK(back.segments.size() == 3);
  // A removed entry cannot be written: extends has no removal.
  Scenario fewer = test::scenario(kBase);
  fewer.segments.pop_back();
  CHECK_THROWS_AS(variant_toml(test::scenario(kBase), fewer, "/x/base.toml"), InputError);
}

TEST_CASE("scenario diff: the [economics] table is compared too") {
  const Scenario v = variant_of("[economics]\ndiscount_rate = 0.1\n");
  const auto d = scenario_diff(test::scenario(kBase), v);
  REQUIRE(d.size() == 1);
  CHECK(d[0].key == "economics.discount_rate");
}

TEST_CASE("scenario diff: every field of a scenario by its --set key, entries by name and index") {
  const Scenario b = test::scenario(kBase);
  const auto f = scenario_fields(b);
  auto find = [&](const std::string& k) {
    return std::find_if(f.begin(), f.end(), [&](const ScenarioField& x) { return x.key == k; });
  };
  REQUIRE(find("product.B.quality") != f.end());
  CHECK(find("product.B.quality")->value == "6");
  CHECK(find("product.B.quality")->entry == "B");
  CHECK(find("campaign.0.end_day")->value == "20");
  CHECK(find("segment.young.share")->section == "segment");
  CHECK(find("economics.discount_rate") != f.end());
  CHECK(find("product.B.name") == f.end());
  // Each key reads back as --set KEY=VALUE to the same scenario.
  std::vector<std::string> sets;
  for (const auto& x : f)
    if (x.desc->kind != FieldKind::Str) sets.push_back(x.key + "=" + x.value);
  std::string text = "[simulation]\nagents = 5000\ndays = 60\nseed = 7\n" + kBase;
  CHECK(scenario_diff(b, parse_scenario(text, "t.toml", ".", sets)).empty());
}
