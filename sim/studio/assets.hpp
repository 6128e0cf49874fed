#pragma once
// The page's files, built into the binary from sim/studio/assets/ and Debian's Chart.js
// (cmake/embed_assets.cmake), so the studio reads nothing from disk or the network.
#include <string_view>
#include <vector>

namespace motsim::studio {

struct Asset {
  std::string_view name;  // file name, e.g. "studio.js"
  std::string_view type;  // Content-Type
  std::string_view data;
};

const std::vector<Asset>& assets();

// The asset of that name, or nullptr.
inline const Asset* find_asset(std::string_view name) {
  for (const auto& a : assets())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace motsim::studio
