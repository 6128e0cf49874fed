// Sweep specs (sim/experiment/sweep_spec.cpp): every class of bad spec is refused before the
// first run, with the spec's file:line:column, the key, the value and what is allowed; the base
// scenario is read once and each value applied to it.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "experiment/sweep_test_files.hpp"
#include "sim/experiment/sweep_spec.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;
using motsim::test::has;
using motsim::test::kBaseline;
using motsim::test::sweep_dir;
using motsim::test::write_spec;
namespace fs = std::filesystem;

namespace {
std::string spec_error(const std::string& body) {
  const std::string path = write_spec("s.toml", body);
  try {
    load_sweep_spec(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("sweep spec: scalars are held, lists and ranges are swept") {
  const auto sp = load_sweep_spec(write_spec("ok.toml",
                                             "replicates = 3\n[parameters]\n\"simulation.agents\" = 2000\n"
                                             "\"product.Nova.price\" = [149, 199]\n"
                                             "\"behavior.wom_rate\" = { min = 0.02, max = 0.2, steps = 3 }\n"));
  CHECK(sp.design == "grid");
  CHECK(sp.replicates == 3);
  REQUIRE(sp.held.size() == 1);
  CHECK(sp.held[0] == "simulation.agents=2000");
  REQUIRE(sp.swept.size() == 2);
  CHECK(sp.swept[0].values == std::vector<std::string>{"149", "199"});
  CHECK(sp.swept[1].range);
  CHECK(sp.swept[1].steps == 3);
}

TEST_CASE("sweep spec: parameters keep the order the spec lists them in") {
  const auto sp = load_sweep_spec(write_spec("order.toml",
                                             "[parameters]\n\"simulation.days\" = [5, 6]\n"
                                             "\"behavior.wom_rate\" = [0.1, 0.2]\n\"product.Nova.price\" = [1, 2]\n"));
  REQUIRE(sp.swept.size() == 3);
  CHECK(sp.swept[0].key == "simulation.days");
  CHECK(sp.swept[0].integer);
  CHECK(sp.swept[1].key == "behavior.wom_rate");
  CHECK_FALSE(sp.swept[1].integer);
  CHECK(sp.swept[2].key == "product.Nova.price");
}

TEST_CASE("sweep spec: every key is read through the field table, defaults kept when absent") {
  std::vector<std::string> keys;
  for (const auto& f : sweep_spec_fields()) keys.push_back(f.key);
  CHECK(keys == std::vector<std::string>{"base", "design", "replicates", "samples", "levels", "design_seed", "seed",
                                         "second_order", "common_random_numbers", "keep_series", "keep", "parameters"});
  const auto d = load_sweep_spec(write_spec("defaults.toml", ""));
  CHECK(d.replicates == 1);
  CHECK(d.levels == 4);
  CHECK(d.design_seed == 1);
  CHECK(d.seed == -1);
  CHECK(d.common_random_numbers);
  const auto sp = load_sweep_spec(write_spec("all.toml",
                                             "design = \"lhs\"\nreplicates = 2\nsamples = 5\nlevels = 6\n"
                                             "design_seed = 9\nseed = 77\ncommon_random_numbers = false\n"
                                             "[parameters]\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n"));
  CHECK(sp.design == "lhs");
  CHECK(sp.replicates == 2);
  CHECK(sp.samples == 5);
  CHECK(sp.levels == 6);
  CHECK(sp.design_seed == 9);
  CHECK(sp.seed == 77);
  CHECK_FALSE(sp.common_random_numbers);
}

TEST_CASE("sweep spec: the base scenario is read once and gives what loading it again gives") {
  const auto sp = load_sweep_spec(write_spec("once.toml", "[parameters]\n\"product.Nova.price\" = [149, 199]\n"));
  const std::vector<std::string> sets = {"product.Nova.price=199", "simulation.agents=3000"};
  CHECK(scenario_to_toml(sp.base_scenario.with(sets)) == scenario_to_toml(load_scenario(kBaseline, sets)));
  CHECK(scenario_to_toml(sp.base_scenario.with()) == scenario_to_toml(load_scenario(kBaseline)));
  // The same messages, including where a --set value is named.
  auto message = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  const std::vector<std::string> bad = {"network.degree=30", "simulation.agents=20"};
  const auto once = message([&] { sp.base_scenario.with(bad); });
  CHECK(has(once, "--set network.degree=30"));
  CHECK(once == message([&] { load_scenario(kBaseline, bad); }));
}

TEST_CASE("sweep spec: an unknown top-level key names its place and suggests the right one") {
  const auto e = spec_error("desing = \"grid\"\n");
  CHECK(has(e, "s.toml:2:1"));
  CHECK(has(e, "unknown key 'desing'"));
  CHECK(has(e, "did you mean 'design'"));
}

TEST_CASE("sweep spec: an unknown scenario key is refused with a suggestion") {
  const auto e = spec_error("[parameters]\n\"behavior.wom_rte\" = [0.1, 0.2]\n");
  CHECK(has(e, "s.toml:3:"));
  CHECK(has(e, "behavior.wom_rte"));
  CHECK(has(e, "wom_rate"));
}

TEST_CASE("sweep spec: every value of a list is checked, not only the first") {
  const auto e = spec_error("[parameters]\n\"behavior.wom_rate\" = [0.1, 7]\n");
  CHECK(has(e, "s.toml:3:29"));  // the 7
  CHECK(has(e, "= 7"));
  CHECK(has(e, "out of range"));
  CHECK(has(e, "[0, 1]"));
}

TEST_CASE("sweep spec: both ends of a range are checked") {
  const auto e = spec_error("[parameters]\n\"behavior.wom_rate\" = { min = 0.1, max = 3, steps = 2 }\n");
  CHECK(has(e, "s.toml:3:42"));  // max = 3
  CHECK(has(e, "out of range"));
  // An integer key's end as the runs see it: rounded.
  CHECK(has(spec_error("[parameters]\n\"simulation.agents\" = { min = 0.4, max = 100, steps = 2 }\n"),
            "'simulation.agents' = 0 is out of range"));
}

TEST_CASE("sweep spec: malformed ranges") {
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = { min = 0.5, max = 0.1, steps = 2 }\n"),
            "min must be below max"));
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = { min = 0.1, max = 0.5, stpes = 2 }\n"),
            "did you mean 'steps'"));
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = { max = 0.5, steps = 2 }\n"), "numeric 'min'"));
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = { min = 0, max = 0.5, log = true }\n"),
            "log range needs min > 0"));
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = []\n"), "empty list"));
}

TEST_CASE("sweep spec: each design's requirements") {
  const std::string range = "[parameters]\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n";
  CHECK(has(spec_error(range), "a grid needs 'steps'"));
  CHECK(has(spec_error("design = \"lhs\"\n" + range), "needs 'samples'"));
  CHECK(has(spec_error("design = \"morris\"\nsamples = 4\nlevels = 5\n" + range), "must be even"));
  CHECK(has(spec_error("design = \"sobol\"\nsamples = 4\n[parameters]\n\"product.Nova.price\" = [149, 199]\n"),
            "ranges { min, max }"));
  CHECK(has(spec_error("design = \"latin\"\n"), "expected one of"));
  CHECK(has(spec_error("replicates = 0\n"), "out of range"));
  CHECK(has(spec_error("replicates = 1.5\n"), "'replicates' = 1.5 must be an integer in [1, 100000]"));
  CHECK(has(spec_error("common_random_numbers = 1\n"), "must be true or false"));
  CHECK(has(spec_error("keep_series = [\"purchase\"]\n"), "did you mean \"purchases\""));
}

TEST_CASE("sweep spec: 'steps' belongs to the grid, and a random, LHS, Morris or Sobol design refuses it") {
  const std::string range = "[parameters]\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2, steps = 5 }\n";
  for (const std::string design : {"random", "lhs", "morris", "sobol"}) {
    const std::string e = spec_error("design = \"" + design + "\"\nsamples = 8\n" + range);
    CHECK_MESSAGE(has(e, "s.toml:5:56:"), e);  // at 'steps' itself
    CHECK_MESSAGE(has(e, "parameter 'behavior.wom_rate': 'steps' is for the grid design; design \"" + design + "\""),
                  e);
  }
}

TEST_CASE("sweep spec: second_order belongs to a Sobol design of two parameters or more") {
  const std::string two =
      "[parameters]\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n"
      "\"product.Nova.price\" = { min = 120, max = 240 }\n";
  const auto sp =
      load_sweep_spec(write_spec("so.toml", "design = \"sobol\"\nsamples = 4\nsecond_order = true\n" + two));
  CHECK(sp.second_order);
  CHECK(sweep_point_count(sp) == 4 * (2 * 2 + 2));
  CHECK(has(spec_error("design = \"lhs\"\nsamples = 4\nsecond_order = true\n" + two), "needs design = \"sobol\""));
  CHECK(has(spec_error("design = \"sobol\"\nsamples = 4\nsecond_order = true\n[parameters]\n"
                       "\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n"),
            "at least two swept parameters"));
}

TEST_CASE("sweep spec: a Sobol N that is not a power of two is warned about, with the powers around it") {
  const std::string range = "[parameters]\n\"behavior.wom_rate\" = { min = 0.01, max = 0.2 }\n";
  const auto six = load_sweep_spec(write_spec("six.toml", "design = \"sobol\"\nsamples = 6\n" + range));
  REQUIRE(six.notes.size() == 1);
  CHECK_MESSAGE(has(six.notes[0], "six.toml:3:11: warning: samples = 6 is not a power of two"), six.notes[0]);
  CHECK_MESSAGE(has(six.notes[0], "use 4 or 8"), six.notes[0]);
  for (const int n : {1, 2, 8, 64})
    CHECK(load_sweep_spec(write_spec("pow.toml", "design = \"sobol\"\nsamples = " + std::to_string(n) + "\n" + range))
              .notes.empty());
  CHECK(load_sweep_spec(write_spec("lhs6.toml", "design = \"lhs\"\nsamples = 6\n" + range)).notes.empty());
}

TEST_CASE("sweep spec: its identity is what it says, not how it is written") {
  const std::string a =
      "replicates = 2\n[parameters]\n\"product.Nova.price\" = [149, 199]\n\"behavior.wom_rate\" = 0.1\n";
  const std::string b =
      "# a comment\n[parameters]\n\"behavior.wom_rate\" = 0.1   # held\n\n\"product.Nova.price\" = [ 149,199 ]\n"
      "[foo]\n";
  const auto sa = load_sweep_spec(write_spec("id_a.toml", a));
  const auto sb = load_sweep_spec(write_spec("id_b.toml", "replicates = 2\n" + b.substr(0, b.find("[foo]"))));
  CHECK(sa.text != sb.text);
  CHECK(sa.canonical == sb.canonical);
  const auto sc = load_sweep_spec(write_spec("id_c.toml", "replicates = 3\n" + a.substr(a.find('\n') + 1)));
  CHECK(sc.canonical != sa.canonical);
}

TEST_CASE("sweep spec: string values keep their quotes and backslashes, and their plain text") {
  const auto sp = load_sweep_spec(write_spec(
      "str.toml", "[parameters]\n\"title\" = ['say \"hi\"', 'back\\slash']\n\"product.Nova.price\" = [149, 199]\n"));
  REQUIRE(sp.swept.size() == 2);
  for (const auto& lit : sp.swept[0].values) {
    const Scenario sc = sp.base_scenario.with({"title=" + lit});
    CHECK(sp.plain.at(lit) == sc.title);  // the literal gives back exactly the plain value
  }
  CHECK(sp.plain.at(sp.swept[0].values[0]) == "say \"hi\"");
  CHECK(sp.plain.at(sp.swept[0].values[1]) == "back\\slash");
  CHECK(sp.plain.at("149") == "149");
}

TEST_CASE("sweep spec: what to keep") {
  const auto sp = load_sweep_spec(write_spec("keep.toml", "keep = [\"kpis\", \"purchases\", \"aware\"]\n"));
  CHECK(sp.keep_series == std::vector<std::string>{"purchases", "aware"});
  CHECK(has(spec_error("keep_series = [\"purchases\", \"purchases\"]\n"), "twice"));
  CHECK(has(spec_error("keep = [\"aware\"]\nkeep_series = [\"aware\"]\n"), "not both"));
  // Both given: refused before either is read, at the alias.
  CHECK(has(spec_error("keep_series = [\"bogus\"]\nkeep = [\"aware\"]\n"), "s.toml:3:8: error: give"));
  CHECK(has(spec_error("keep = [\"awareness\"]\n"), "allowed: "));
}

TEST_CASE("sweep spec: a base scenario that does not exist") {
  const fs::path p = sweep_dir() / "nobase.toml";
  std::ofstream(p) << "base = \"no_such_scenario.toml\"\n";
  try {
    load_sweep_spec(p.string());
    FAIL("accepted a missing base scenario");
  } catch (const InputError& e) {
    CHECK(has(e.what(), "nobase.toml:1:8"));
    CHECK(has(e.what(), "no such scenario"));
  }
}

TEST_CASE("sweep spec: a base scenario that cannot be read is reported at the first value it must accept") {
  const fs::path base = sweep_dir() / "broken_base.toml";
  std::ofstream(base) << "[simulation]\nagents = = 3\n";
  const fs::path with = sweep_dir() / "broken_with.toml";
  std::ofstream(with) << "base = \"broken_base.toml\"\n[parameters]\n\"simulation.days\" = [5, 6]\n";
  CHECK_THROWS_WITH_AS(load_sweep_spec(with.string()),
                       doctest::Contains("broken_with.toml:3:22: error: parameter 'simulation.days' = 5: TOML syntax"),
                       InputError);
  const fs::path without = sweep_dir() / "broken_without.toml";
  std::ofstream(without) << "base = \"broken_base.toml\"\n";
  CHECK_THROWS_WITH_AS(load_sweep_spec(without.string()),
                       doctest::Contains("broken_base.toml:2:10: error: TOML syntax"), InputError);
}

TEST_CASE("sweep spec: keys the sweep sets for every run are refused, swept or held") {
  for (const char* p : {"\"simulation.seed\" = [1, 2]", "\"simulation.seed\" = 3",
                        "\"simulation.replicate\" = { min = 0, max = 9, steps = 2 }", "\"simulation.replicate\" = 1"}) {
    const std::string e = spec_error(std::string("[parameters]\n") + p + "\n");
    CHECK(has(e, "s.toml:3:"));
    CHECK(has(e, "cannot be swept or held"));
  }
  CHECK(has(spec_error("[parameters]\n\"simulation.seed\" = [1, 2]\n"), "top-level 'seed = N'"));
}

TEST_CASE("sweep spec: an unquoted dotted key is named, with the quoted key to write") {
  CHECK(has(spec_error("[parameters]\nproduct.Nova.price = [1, 2]\n"),
            "s.toml:3:1: error: parameter 'product' is a table"));
  CHECK(has(spec_error("[parameters]\nproduct.Nova.price = [1, 2]\n"), "quote it, \"product.Nova.price\" = [...]"));
  CHECK(has(spec_error("[parameters]\nnetwork.degree = 8\n"), "\"network.degree\" = 8"));
  CHECK(has(spec_error("[parameters]\nbehavior.wom_rate = { min = 0.1, max = 0.2, steps = 2 }\n"),
            "\"behavior.wom_rate\" = { min = ..., max = ... }"));
  CHECK(has(spec_error("product.Nova.price = [1, 2]\n"), "scenario keys go under [parameters]"));
  // Not a scenario key: the range's own message.
  CHECK(has(spec_error("[parameters]\n\"behavior.wom_rate\" = { min = 0.1, max = 0.5, stpes = 2 }\n"),
            "unknown range key 'stpes'"));
}

TEST_CASE("sweep spec: the number of runs is exact, and refused above 2^31 - 1 before any point is made") {
  auto spec = [](const std::string& body) { return load_sweep_spec(write_spec("n.toml", body)); };
  CHECK(sweep_point_count(spec("[parameters]\n\"product.Nova.price\" = [1, 2, 3]\n"
                               "\"behavior.wom_rate\" = { min = 0.1, max = 0.2, steps = 4 }\n")) == 12);
  const std::string range = "[parameters]\n\"behavior.wom_rate\" = { min = 0.1, max = 0.2 }\n";
  CHECK(sweep_point_count(spec("design = \"lhs\"\nsamples = 7\n" + range)) == 7);
  CHECK(sweep_point_count(spec("design = \"morris\"\nsamples = 3\n" + range)) == 6);
  CHECK(sweep_point_count(spec("design = \"sobol\"\nsamples = 5\n" + range)) == 15);
  CHECK(sweep_point_count(spec("")) == 1);
  // 46341^2 > 2^31 - 1 >= 46340^2
  const std::string two =
      "\"product.Nova.price\" = { min = 1, max = 2, steps = 46340 }\n"
      "\"product.Orbit.price\" = { min = 1, max = 2, steps = 46340 }\n";
  CHECK(spec_error("[parameters]\n" + two).empty());
  const std::string e = spec_error("replicates = 2\n[parameters]\n" + two);
  CHECK(has(e, "46340 x 46340 = 2147395600 points x 2 replicates = 4294791200 runs"));
  CHECK(
      has(e, "'steps' of 'product.Nova.price' (46340), 'steps' of 'product.Orbit.price' (46340) or 'replicates' (2)"));
  CHECK(has(spec_error("design = \"random\"\nsamples = 10000000\nreplicates = 1000\n" + range),
            "s.toml:3:11: error: the sweep has 10000000 points x 1000 replicates"));
}

TEST_CASE("sweep spec: a spec or base scenario that is not a regular file is refused, naming it") {
  const auto fifo = (sweep_dir() / "spec.fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(load_sweep_spec(fifo), doctest::Contains(("sweep spec: error: " + fifo + " is a FIFO").c_str()),
                       InputError);
  CHECK_THROWS_WITH_AS(load_sweep_spec("/dev/zero"), doctest::Contains("is a character device"), InputError);
  const auto spec = (sweep_dir() / "fifo_base.toml").string();
  std::ofstream(spec) << "base = \"spec.fifo\"\n";
  CHECK_THROWS_WITH_AS(load_sweep_spec(spec), doctest::Contains("fifo_base.toml:1:8: error: 'base' = \"spec.fifo\""),
                       InputError);
}
