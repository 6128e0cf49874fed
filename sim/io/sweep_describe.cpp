#include "sim/io/sweep_describe.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"

namespace motsim {

namespace {
// The runs' wall times (/provenance/run_seconds) and a merged file's slices, when the file has them.
void describe_run_times(std::ostringstream& o, hid_t file) {
  using namespace h5;
  if (!exists(file, "/provenance") || !exists(file, "/provenance/run_seconds")) return;
  std::vector<hsize_t> dims;
  std::vector<double> s = read_doubles(file, "/provenance/run_seconds", dims);
  s.erase(std::remove_if(s.begin(), s.end(), [](double x) { return std::isnan(x); }), s.end());
  if (s.empty()) return;
  std::sort(s.begin(), s.end());
  const double total = std::accumulate(s.begin(), s.end(), 0.0);
  o << std::setprecision(3) << "  wall time per run: median " << s[s.size() / 2] << " s, max " << s.back() << " s, "
    << total << " s in all over " << s.size() << " runs\n";
  if (exists(file, "/provenance/slice_path"))
    o << "  merged from " << read_strings(file, "/provenance/slice_path").size()
      << " slices (their commands: /provenance/slice_command_line)\n";
}
}  // namespace

std::string describe_sweep_file(const std::string& path) {
  using namespace h5;
  Handle file = open_for_reading(path);
  const std::string format = read_attr_string(file, "format"), version = read_attr_string(file, "motsim_version"),
                    created = read_attr_string(file, "created");
  std::ostringstream o;
  o << describe_head(path, format, version, created);
  // A sweep has no single seed: its plan is in /sweep's attributes.
  Handle sw(exists(file, "/sweep") ? H5Gopen2(file, "/sweep", H5P_DEFAULT) : -1, H5Gclose);
  if (sw < 0) throw InputError(path + ": error: no /sweep group (truncated or corrupt sweep file?)");
  o << "  sweep, design " << read_attr_string(sw, "design") << ": " << read_attr_int(sw, "points") << " points x "
    << read_attr_int(sw, "replicates") << " replicates = " << read_attr_int(sw, "runs") << " runs"
    << (read_attr_int(sw, "complete") == 1 ? "" : " (partial: a slice or an interrupted sweep)") << "\n";
  describe_run_times(o, file);
  return o.str();
}

}  // namespace motsim
