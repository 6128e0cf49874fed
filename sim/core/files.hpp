#pragma once
// File-system checks that never throw: a path that cannot exist (too long, unreadable
// directory) is simply "not there", and the caller's message says so.
#include <filesystem>

namespace motsim {

inline bool path_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

// The outermost directory that `create_directories(dir)` would create (empty if `dir` exists).
inline std::filesystem::path first_missing_directory(const std::filesystem::path& dir) {
  std::filesystem::path missing;
  for (std::filesystem::path p = dir; !p.empty() && !path_exists(p); p = p.parent_path()) {
    missing = p;
    if (p == p.parent_path()) break;
  }
  return missing;
}

// Removes `dir` and its parents up to and including `top` while they are empty: undoes a
// create_directories whose first created level was `top` (see first_missing_directory).
inline void remove_empty_directories(const std::filesystem::path& dir, const std::filesystem::path& top) {
  if (top.empty()) return;
  std::error_code ec;
  for (std::filesystem::path p = dir; !p.empty(); p = p.parent_path()) {
    if (!std::filesystem::remove(p, ec) || ec) return;  // not empty (or gone): stop
    if (p == top || p == p.parent_path()) return;
  }
}

}  // namespace motsim
