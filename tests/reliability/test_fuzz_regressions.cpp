// Every input that once crashed a fuzz target (tests/fuzz/regressions/) must now be refused
// with an InputError, or accepted: never a crash or another exception.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/experiment/sweep.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/describe.hpp"
#include "sim/io/export.hpp"

namespace fs = std::filesystem;
using namespace motsim;

namespace {
std::vector<fs::path> inputs(const char* kind) {
  std::vector<fs::path> v;
  const fs::path dir = fs::path(MOTSIM_SOURCE_DIR) / "tests" / "fuzz" / "regressions" / kind;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

TEST_CASE("fuzz regressions: scenario loader") {
  const auto files = inputs("scenario");
  CHECK(!files.empty());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream o;
    o << in.rdbuf();
    INFO(f.filename().string());
    try {
      (void)scenario_to_toml(parse_scenario(o.str(), "fuzz.toml", "/nonexistent-dir"));
    } catch (const InputError&) {
    }
  }
}

TEST_CASE("fuzz regressions: results readers (info, export, merge)") {
  const fs::path tmp = fs::temp_directory_path() / "motsim-fuzz-regressions";
  for (const auto& f : inputs("results")) {
    INFO(f.filename().string());
    try {
      (void)describe_results(f.string());
    } catch (const InputError&) {
    }
    try {
      fs::remove_all(tmp);
      (void)export_csv(f.string(), tmp.string(), true);
    } catch (const InputError&) {
    }
    fs::create_directories(tmp);
    try {
      (void)run_merge((tmp / "merged.h5").string(), {f.string()}, true, "motsim merge");
    } catch (const InputError&) {
    }
  }
  fs::remove_all(tmp);
}
