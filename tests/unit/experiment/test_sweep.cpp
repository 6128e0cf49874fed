// Sweeps as a whole (sim/experiment/sweep.cpp): nothing runs and no file is left when the spec
// or one of its points is bad. The CLI cases (tests/cli/sweep_cases.sh) run whole sweeps.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "experiment/sweep_test_files.hpp"
#include "sim/experiment/sweep.hpp"

using namespace motsim;
using motsim::test::has;
using motsim::test::sweep_dir;
using motsim::test::write_spec;
namespace fs = std::filesystem;

TEST_CASE("sweep: a point that is not a valid scenario stops the sweep before its first run") {
  // Each value is valid alone, but 20 agents cannot each know network.degree = 30 others.
  const std::string spec = write_spec("cross.toml",
                                      "[parameters]\n\"network.degree\" = 30\n\"simulation.days\" = 5\n"
                                      "\"simulation.agents\" = [2000, 20]\n");
  const std::string out = (sweep_dir() / "cross.h5").string();
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

TEST_CASE("sweep: a task index outside the task count is refused") {
  SweepOptions o;
  o.spec = write_spec("task.toml", "");
  o.out = (sweep_dir() / "task.h5").string();
  o.task_index = 2;
  o.task_count = 2;
  CHECK_THROWS_WITH_AS(run_sweep(o, "test"), doctest::Contains("need 0 <= I < N"), InputError);
  CHECK_FALSE(fs::exists(o.out + ".journal"));
}
