#include "sim/io/describe.hpp"

#include <sstream>

#include "sim/core/errors.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/io/h5util.hpp"
#include "sim/io/run_file.hpp"
#include "sim/io/sweep_describe.hpp"

namespace motsim {
namespace {

std::string format_of(const std::string& path) {
  h5::Handle file = h5::open_for_reading(path);
  return h5::read_attr_string(file, "format");
}

// A motsim format this program does not know: its provenance, seed and days.
std::string describe_other_file(const std::string& path) {
  using namespace h5;
  Handle file = open_for_reading(path);
  const std::string format = read_attr_string(file, "format"), version = read_attr_string(file, "motsim_version"),
                    created = read_attr_string(file, "created");
  std::ostringstream o;
  o << describe_head(path, format, version, created) << "  seed " << read_attr_int(file, "seed") << ", "
    << read_attr_int(file, "days") << " days\n";
  return o.str();
}

}  // namespace

std::string describe_results(const std::string& path) {
  const std::string fmt = format_of(path);
  if (fmt.rfind("motsim-", 0) != 0)
    throw InputError(path + ": error: not a motsim results file (no 'format' attribute)");
  if (fmt == "motsim-run-1") return describe_run_file(path);
  if (fmt == "motsim-compare-1") return describe_compare_file(path);
  if (fmt == "motsim-sweep-1") return describe_sweep_file(path);
  return describe_other_file(path);
}

}  // namespace motsim
