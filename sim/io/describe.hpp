#pragma once
// `motsim info`: a summary of any motsim file, by its format attribute.
#include <string>

namespace motsim {

// A human-readable summary of a results file: describe_run_file, describe_compare_file or
// describe_sweep_file by its format (provenance only for another motsim format). Throws
// InputError when the file is missing, not HDF5, or not a motsim results file.
std::string describe_results(const std::string& path);

}  // namespace motsim
