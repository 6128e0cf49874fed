#pragma once
// A scratch directory per test process (ctest runs the cases in parallel), removed at exit.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace motsim::test {

inline std::filesystem::path scratch_dir() {
  namespace fs = std::filesystem;
  static const struct Dir {
    fs::path p = fs::temp_directory_path() / ("motsim_unit." + std::to_string(::getpid()));
    Dir() { fs::create_directories(p); }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } dir;
  return dir.p;
}

// A path in the scratch directory.
inline std::string scratch(const std::string& name) { return (scratch_dir() / name).string(); }

}  // namespace motsim::test
