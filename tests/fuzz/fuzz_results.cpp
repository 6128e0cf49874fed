// libFuzzer target: the HDF5 readers behind `motsim info`, `motsim export` and `motsim merge` on
// arbitrary bytes. Any input must give a summary or an InputError: never a crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/experiment/sweep.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/describe.hpp"
#include "sim/io/export.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = "/tmp/motsim-fuzz-" + std::to_string(::getpid());
  static const std::string path = dir + "/input.h5";
  std::filesystem::create_directories(dir);
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    (void)motsim::describe_results(path);
  } catch (const motsim::InputError&) {
  }
  try {
    std::filesystem::remove_all(dir + "/csv");
    (void)motsim::export_csv(path, dir + "/csv", true);
  } catch (const motsim::InputError&) {
  }
  try {
    (void)motsim::run_merge(dir + "/merged.h5", {path}, true, "motsim merge");
  } catch (const motsim::InputError&) {
  }
  return 0;
}
