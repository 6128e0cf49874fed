#pragma once
// What a results file records of the process that wrote it, beyond the build (motsim/build_info.hpp):
// the machine and when the process started.
#include <string>

namespace motsim {

// The host name (gethostname), or "unknown".
std::string host_name();
// The UTC time (ISO 8601) of the first call: main calls it at start, so it is the process's start.
const std::string& process_started();
// The current UTC time, ISO 8601.
std::string utc_now();

}  // namespace motsim
