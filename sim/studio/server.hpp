#pragma once
// `motsim serve`: the studio's local web server (Debian's cpp-httplib): the page built into the
// binary, the JSON API of docs/studio.md, a token on every request, and a clean stop on
// SIGINT/SIGTERM. The threat model is in docs/reliability.md.
#include <string>

#include "sim/studio/runs.hpp"

namespace motsim::studio {

struct ServeOptions {
  std::string library = "scenarios";       // the scenarios a client may pick
  std::string default_scenario;            // a file of the library the page opens with ("": baseline)
  std::string history = "results/studio";  // runs, uploads, reports
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed)
  int threads = 0;
  std::string token;               // "": a random one
  std::size_t max_body = 1 << 20;  // bytes of a request body
  std::string report_script;       // scripts/report ("": beside the sources)
  StudioLimits limits;
};

// Serves until SIGINT or SIGTERM; returns the exit code (0 after a clean stop). Throws
// InputError for a bad option (library, port in use).
int serve(const ServeOptions& opt);

}  // namespace motsim::studio
