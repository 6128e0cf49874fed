#pragma once
// `motsim export RESULTS.h5 --csv DIR`: series, KPIs and reviews (run files) or runs,
// summaries, differences and series (compare files) as CSV for spreadsheets.
#include <string>
#include <vector>

namespace motsim {

// Writes the CSV files (each to a temporary name, all renamed when complete) and returns
// their paths. Throws InputError for a missing, non-HDF5, truncated or foreign file, or
// when a CSV exists and `force` is false.
std::vector<std::string> export_csv(const std::string& path, const std::string& dir, bool force);

}  // namespace motsim
