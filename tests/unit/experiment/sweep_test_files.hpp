#pragma once
// Files for the sweep tests: a directory per test process (ctest runs the cases in parallel),
// removed when the process ends, and specs whose base is the baseline scenario.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace motsim::test {

inline const std::string kBaseline = std::string(MOTSIM_SOURCE_DIR) + "/scenarios/baseline.toml";

inline std::filesystem::path sweep_dir() {
  namespace fs = std::filesystem;
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
inline std::string write_spec(const std::string& name, const std::string& body) {
  const auto p = sweep_dir() / name;
  std::ofstream(p) << "base = \"" << kBaseline << "\"\n" << body;
  return p.string();
}

inline bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace motsim::test
