// Sweep files (sim/io/sweep_file.cpp), from plain data: written then read back bit for bit, the
// runs of slices merged, and files that are not sweeps or do not match refused.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"
#include "sim/io/sweep_file.hpp"

using namespace motsim;
namespace fs = std::filesystem;

namespace {

fs::path dir() {
  const fs::path d = fs::temp_directory_path() / ("motsim_sweep_file_unit." + std::to_string(::getpid()));
  static const struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } remove{d};
  fs::create_directories(d);
  return d;
}

std::string fresh(const std::string& name) {
  const auto p = (dir() / name).string();
  fs::remove(p);
  return p;
}

// 3 points x 2 replicates, 2 products, 4 days, one kept series; KPI columns made up.
SweepLayout layout() {
  SweepLayout l;
  l.spec_text = "design = \"grid\"\n";
  l.spec_path = "relative/spec.toml";
  l.base_scenario = "[simulation]\n";
  l.design = "grid";
  l.spec_hash = 0xfeedbeef12345678ULL;
  l.replicates = 2;
  l.seed = 2026;
  l.days = 4;
  l.products = {"A", "B"};
  l.kpi_columns = {"units.A", "units.B", "units.all"};
  l.keep_series = {"purchases"};
  l.parameters = {"network.type", "behavior.wom_rate"};
  l.lists = {{"network.type", {"\"ring\"", "\"complete\""}}};
  l.held = {"simulation.agents=500", "campaign.0.channel=\"tv\""};
  l.plain = {{"\"ring\"", "ring"}, {"\"complete\"", "complete"}, {"\"tv\"", "tv"}};
  l.points = {{{0, 0.1}}, {{1, 0.2}}, {{0, 0.3}, 0, 1, 0, -1, -1}};
  l.replicate_keys = {0, 1, 0, 1, 0, 1};
  return l;
}

SweepRuns runs_of(const SweepLayout& l) {
  SweepRuns r;
  for (std::size_t run = 0; run < l.runs(); ++run) {
    std::vector<double> v(l.values_per_run());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = run * 1000.0 + i + 0.125;
    r[run] = v;
  }
  r[2][1] = NAN;  // a KPI without a value (a rating with no reviews)
  return r;
}

bool same(const SweepRuns& a, const SweepRuns& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [run, v] : a) {
    const auto it = b.find(run);
    if (it == b.end() || it->second.size() != v.size() ||
        std::memcmp(v.data(), it->second.data(), v.size() * sizeof(double)) != 0)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("sweep file: written, then read back bit for bit") {
  const auto l = layout();
  const auto all = runs_of(l);
  const auto path = fresh("all.h5");
  write_sweep_file(path, false, l, all, "test", -1, 0);
  const SweepFileReader f(path);
  CHECK(f.spec_hash() == "feedbeef12345678");
  CHECK(f.spec_hash() == hash_text(l.spec_hash));
  CHECK(f.spec_text() == l.spec_text);
  CHECK(fs::path(f.spec_path()).is_absolute());  // merge finds the spec from any directory
  CHECK(f.spec_path() == fs::absolute(l.spec_path).lexically_normal().string());
  SweepRuns back;
  f.add_runs(l, back);
  CHECK(same(back, all));
}

TEST_CASE("sweep file: each run's wall time (the last value of its row) in /provenance, apart from /sweep") {
  const auto l = layout();
  const auto all = runs_of(l);
  const auto path = fresh("secs.h5");
  write_sweep_file(path, false, l, all, "test", -1, 0);
  h5::Handle f = h5::open_for_reading(path);
  std::vector<hsize_t> dims;
  const auto secs = h5::read_doubles(f, "/provenance/run_seconds", dims);
  REQUIRE(secs.size() == l.runs());
  for (std::size_t run = 0; run < l.runs(); ++run) CHECK(secs[run] == all.at(run).back());
  CHECK(!h5::exists(f, "/provenance/slice_path"));  // not a merged file
  auto merged = l;
  merged.slice_paths = {"/a/s0.h5", "/a/s1.h5"};
  merged.slice_commands = {"motsim sweep s.toml --task-index 0 --task-count 2",
                           "motsim sweep s.toml --task-index 1 --task-count 2"};
  const auto mpath = fresh("merged.h5");
  write_sweep_file(mpath, false, merged, all, "motsim merge m.h5 s0.h5 s1.h5", -1, 0);
  h5::Handle m = h5::open_for_reading(mpath);
  CHECK(h5::read_strings(m, "/provenance/slice_path") == merged.slice_paths);
  CHECK(h5::read_strings(m, "/provenance/slice_command_line") == merged.slice_commands);
  CHECK(h5::read_attr_string(m, "command_line") == "motsim merge m.h5 s0.h5 s1.h5");
}

TEST_CASE("sweep file: points, held parameters and levels as columns") {
  const auto l = layout();
  const auto path = fresh("cols.h5");
  write_sweep_file(path, false, l, runs_of(l), "test", -1, 0);
  h5::Handle f = h5::open_for_reading(path);
  const auto cols = h5::read_strings(f, "/sweep/point_columns");
  CHECK(cols == std::vector<std::string>{"run", "point", "replicate", "seed", "replicate_key", "network.type",
                                         "behavior.wom_rate", "simulation.agents", "campaign.0.channel", "trajectory",
                                         "step", "changed", "block", "row"});
  std::vector<hsize_t> dims;
  const auto pts = h5::read_doubles(f, "/sweep/points", dims);
  REQUIRE(dims == std::vector<hsize_t>{6, cols.size()});
  const double* run5 = &pts[5 * cols.size()];
  CHECK(std::vector<double>(run5, run5 + cols.size()) ==
        std::vector<double>{5, 2, 1, 2026, 1, 0, 0.3, 500, 0, 0, 1, 0, -1, -1});
  // Plain values in /sweep/levels, the literals --set takes in /sweep/level_literals.
  CHECK(h5::read_strings(f, "/sweep/levels/network.type") == std::vector<std::string>{"ring", "complete"});
  CHECK(h5::read_strings(f, "/sweep/level_literals/network.type") == l.lists[0].values);
  CHECK(h5::read_strings(f, "/sweep/levels/campaign.0.channel") == std::vector<std::string>{"tv"});
  CHECK(h5::read_strings(f, "/sweep/level_literals/campaign.0.channel") == std::vector<std::string>{"\"tv\""});
  CHECK(h5::read_strings(f, "/sweep/held_parameters") ==
        std::vector<std::string>{"simulation.agents", "campaign.0.channel"});
}

TEST_CASE("sweep file: the runs of slices merge into the whole sweep") {
  const auto l = layout();
  const auto all = runs_of(l);
  for (int count : {1, 2, 4}) {
    CAPTURE(count);
    SweepRuns merged;
    for (int i = 0; i < count; ++i) {
      SweepRuns mine;
      for (const auto& [run, v] : all)
        if (static_cast<int>(run % count) == i) mine[run] = v;
      const auto path = fresh("slice" + std::to_string(i) + ".h5");
      write_sweep_file(path, false, l, mine, "test", i, count);
      SweepFileReader(path).add_runs(l, merged);
    }
    CHECK(same(merged, all));
    const auto out = fresh("merged.h5");
    write_sweep_file(out, false, l, merged, "motsim merge", -1, 0);
    SweepRuns back;
    SweepFileReader(out).add_runs(l, back);
    CHECK(same(back, all));
  }
}

TEST_CASE("sweep file: a run already merged is kept, not replaced") {
  const auto l = layout();
  auto first = runs_of(l);
  const auto path = fresh("again.h5");
  write_sweep_file(path, false, l, runs_of(l), "test", -1, 0);
  first[0][0] = -1;
  SweepRuns done = {{0, first[0]}};
  SweepFileReader(path).add_runs(l, done);
  CHECK(done.size() == l.runs());
  CHECK(done[0][0] == -1);
}

TEST_CASE("sweep file: a slice whose datasets do not match the layout is refused") {
  const auto l = layout();
  const auto path = fresh("shape.h5");
  write_sweep_file(path, false, l, runs_of(l), "test", -1, 0);
  auto more = l;
  more.points.push_back({{1, 0.4}});
  SweepRuns done;
  CHECK_THROWS_WITH_AS(SweepFileReader(path).add_runs(more, done),
                       doctest::Contains("does not match the spec (truncated or corrupt slice?)"), InputError);
  auto longer = l;
  longer.days = 5;
  CHECK_THROWS_WITH_AS(SweepFileReader(path).add_runs(longer, done),
                       doctest::Contains("/sweep/timeseries/purchases does not match"), InputError);
  CHECK(done.empty());
}

TEST_CASE("sweep file: files that are not sweeps are refused") {
  const auto text = fresh("text.h5");
  std::ofstream(text) << "not hdf5";
  CHECK_THROWS_WITH_AS(SweepFileReader{text}, doctest::Contains("not an HDF5 file"), InputError);
  const auto run = fresh("run.h5");
  h5::write_atomically(run, false, "motsim-run-1", "test", [](hid_t) {});
  CHECK_THROWS_WITH_AS(SweepFileReader{run}, doctest::Contains("not a motsim sweep file"), InputError);
  const auto bare = fresh("bare.h5");
  h5::write_atomically(bare, false, "motsim-sweep-1", "test", [](hid_t) {});
  CHECK_THROWS_WITH_AS(SweepFileReader{bare}, doctest::Contains("no /sweep (truncated or corrupt slice?)"), InputError);
  CHECK_THROWS_WITH_AS(SweepFileReader{fresh("absent.h5")}, doctest::Contains("no such file"), InputError);
}

TEST_CASE("sweep file: a layout the writer cannot write is refused before any data, naming the key") {
  CHECK_NOTHROW(check_sweep_layout(layout(), "s.toml"));
  auto slash = layout();
  slash.lists[0].key = slash.parameters[0] = "product.Nova/Pro.price";
  CHECK_THROWS_WITH_AS(check_sweep_layout(slash, "s.toml"),
                       doctest::Contains("s.toml: error: parameter 'product.Nova/Pro.price'"), InputError);
  auto held = layout();
  held.held.push_back("product.A/B.name=\"A\"");  // not a number: a dataset of /sweep/levels
  CHECK_THROWS_WITH_AS(check_sweep_layout(held, "s.toml"), doctest::Contains("'/' (HDF5's path separator)"),
                       InputError);
  auto number = layout();
  number.held.push_back("product.A/B.price=3");  // a number: only a column
  CHECK_NOTHROW(check_sweep_layout(number, "s.toml"));
  auto nul = layout();
  nul.lists[0].values[1] = std::string("\"ri\0ng\"", 7);
  CHECK_THROWS_WITH_AS(check_sweep_layout(nul, "s.toml"), doctest::Contains("NUL byte"), InputError);
  auto seed = layout();
  seed.seed = kMaxExactInFile + 1;
  CHECK_THROWS_WITH_AS(check_sweep_layout(seed, "s.toml"), doctest::Contains("2^53"), InputError);
  auto key = layout();
  key.replicate_keys[3] = kMaxExactInFile + 1;
  CHECK_THROWS_WITH_AS(check_sweep_layout(key, "s.toml"), doctest::Contains("replicate key"), InputError);
  auto wide = layout();
  wide.days = 36500;
  wide.products.assign(20000, "P");
  CHECK_THROWS_WITH_AS(check_sweep_layout(wide, "s.toml"), doctest::Contains("4 GiB"), InputError);
  auto uneven = layout();
  uneven.points[1].values.pop_back();
  CHECK_THROWS_AS(check_sweep_layout(uneven, "s.toml"), InputError);
}

TEST_CASE("sweep file: merge reads no more of a slice than the layout holds") {
  const auto l = layout();
  const auto path = fresh("fewer.h5");
  write_sweep_file(path, false, l, runs_of(l), "test", -1, 0);
  auto fewer = l;
  fewer.points.pop_back();
  SweepRuns done;
  CHECK_THROWS_WITH_AS(SweepFileReader(path).add_runs(fewer, done), doctest::Contains("/sweep/kpis"), InputError);
  CHECK(done.empty());
}
