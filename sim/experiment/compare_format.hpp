#pragma once
// How the comparison's tables show a KPI value (compare.cpp, attribution.cpp).
#include <cmath>
#include <cstdio>
#include <string>

#include "sim/experiment/stats.hpp"

namespace motsim {

// A KPI's value in its unit: shares in percent, ratings with two decimals, NPS with one,
// counts and money as whole numbers; "-" for NaN.
inline std::string fmt(double v, const char* kpi) {
  char b[48];
  const std::string n = kpi;
  if (std::isnan(v)) return "-";
  if (n == "market_share" || n == "awareness")
    std::snprintf(b, sizeof b, "%.1f%%", 100 * v);
  else if (n == "rating")
    std::snprintf(b, sizeof b, "%.2f", v);
  else if (n == "nps")
    std::snprintf(b, sizeof b, "%.1f", v);
  else
    std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

// "MEAN ± HALF", with a + before a positive mean when `sign`.
inline std::string fmt_ci(const MeanCi& m, const char* kpi, bool sign = false) {
  if (std::isnan(m.mean)) return "-";
  std::string s = fmt(m.mean, kpi);
  if (sign && m.mean > 0) s = "+" + s;
  std::string h = fmt(m.half, kpi);
  return s + " ± " + h;
}

// Padded to `w` characters, counting a multi-byte character ("±") as one.
inline std::string pad(const std::string& s, std::size_t w) {
  std::size_t len = 0;
  for (unsigned char c : s) len += (c & 0xC0) != 0x80;
  return s + std::string(w > len ? w - len : 1, ' ');
}

}  // namespace motsim
