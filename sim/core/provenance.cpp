#include "sim/core/provenance.hpp"

#include <unistd.h>

#include <ctime>

namespace motsim {

std::string host_name() {
  char b[256] = {};
  if (gethostname(b, sizeof b - 1) != 0 || b[0] == 0) return "unknown";
  return b;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return when;
}

const std::string& process_started() {
  static const std::string t = utc_now();
  return t;
}

}  // namespace motsim
