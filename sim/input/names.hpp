#pragma once
// Names of products, segments and campaigns go into HDF5 object names, CSV cells, --set paths
// and terminal tables: one rule, checked when a scenario is loaded, so that no writer can fail
// on a name after the runs are done.
#include <cstddef>
#include <string>

namespace motsim {

inline constexpr std::size_t kMaxNameBytes = 64;

// Why `name` cannot be used as a name, or empty when it can. Refused: empty; longer than
// kMaxNameBytes bytes; control characters (NUL, tab, newline, ...); '/' (an HDF5 path
// separator), '.' (separates --set KIND.NAME.KEY), '"', ',' and '\' (CSV and TOML quoting);
// leading or trailing spaces; bytes that are not UTF-8.
std::string name_problem(const std::string& name);

inline constexpr std::size_t kMaxTextBytes = 2000;

// Why `text` cannot be used as free text (a scenario's title or question), or empty when it can.
// Refused: longer than kMaxTextBytes bytes; control characters other than newline and tab;
// bytes that are not UTF-8. Empty text is allowed (no title).
std::string text_problem(const std::string& text);

}  // namespace motsim
