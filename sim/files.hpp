#pragma once
// File-system checks that never throw: a path that cannot exist (too long, unreadable
// directory) is simply "not there", and the caller's message says so.
#include <filesystem>

namespace motsim {

inline bool path_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(p, ec);
}

}  // namespace motsim
