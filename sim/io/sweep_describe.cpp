#include "sim/io/sweep_describe.hpp"

#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/h5util.hpp"

namespace motsim {

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
  return o.str();
}

}  // namespace motsim
