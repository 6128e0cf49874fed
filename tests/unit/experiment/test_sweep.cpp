// Sweep specs (sim/experiment/sweep.cpp): every class of bad spec is refused before the first run, with
// the spec's file:line:column, the key, the value and what is allowed.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "sim/experiment/sweep.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;
namespace fs = std::filesystem;

namespace {
const std::string kBaseline = std::string(MOTSIM_SOURCE_DIR) + "/scenarios/baseline.toml";

fs::path spec_dir() {
  // One directory per process: ctest runs the cases in parallel.
  const fs::path d = fs::temp_directory_path() / ("motsim_sweep_unit." + std::to_string(::getpid()));
  static const struct Remove {  // removed when the test process ends
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } remove{d};
  fs::create_directories(d);
  return d;
}

// Writes a spec (base = the baseline scenario, then `body`) and returns its path.
std::string write_spec(const std::string& name, const std::string& body) {
  const fs::path p = spec_dir() / name;
  std::ofstream(p) << "base = \"" << kBaseline << "\"\n" << body;
  return p.string();
}

std::string spec_error(const std::string& body) {
  const std::string path = write_spec("s.toml", body);
  try {
    load_sweep_spec(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
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
  CHECK(has(spec_error("keep_series = [\"purchase\"]\n"), "did you mean \"purchases\""));
}

TEST_CASE("sweep spec: what to keep") {
  const auto sp = load_sweep_spec(write_spec("keep.toml", "keep = [\"kpis\", \"purchases\", \"aware\"]\n"));
  CHECK(sp.keep_series == std::vector<std::string>{"purchases", "aware"});
  CHECK(has(spec_error("keep_series = [\"purchases\", \"purchases\"]\n"), "twice"));
  CHECK(has(spec_error("keep = [\"aware\"]\nkeep_series = [\"aware\"]\n"), "not both"));
  CHECK(has(spec_error("keep = [\"awareness\"]\n"), "allowed: "));
}

TEST_CASE("sweep spec: a base scenario that does not exist") {
  const fs::path p = spec_dir() / "nobase.toml";
  std::ofstream(p) << "base = \"no_such_scenario.toml\"\n";
  try {
    load_sweep_spec(p.string());
    FAIL("accepted a missing base scenario");
  } catch (const InputError& e) {
    CHECK(has(e.what(), "nobase.toml:1:8"));
    CHECK(has(e.what(), "no such scenario"));
  }
}

TEST_CASE("sweep: a point that is not a valid scenario stops the sweep before its first run") {
  // Each value is valid alone, but 20 agents cannot each know network.degree = 30 others.
  const std::string spec = write_spec("cross.toml",
                                      "[parameters]\n\"network.degree\" = 30\n\"simulation.days\" = 5\n"
                                      "\"simulation.agents\" = [2000, 20]\n");
  const std::string out = (spec_dir() / "cross.h5").string();
  fs::remove(out);
  fs::remove(out + ".journal");
  SweepOptions o;
  o.spec = spec;
  o.out = out;
  o.quiet = true;
  try {
    run_sweep(o, "test");
    FAIL("accepted an invalid point");
  } catch (const InputError& e) {
    CHECK(has(e.what(), "point 1"));
    CHECK(has(e.what(), "simulation.agents=20"));
    CHECK(has(e.what(), "network.degree"));
  }
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".journal"));
}
