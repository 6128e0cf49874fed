#pragma once
// A request the studio refuses: the HTTP status, the message, and for a bad lever value the key
// of the lever the message is about.
#include <stdexcept>
#include <string>

namespace motsim::studio {

class BadRequest : public std::runtime_error {
 public:
  BadRequest(int status, const std::string& message, std::string key = "")
      : std::runtime_error(message), status(status), key(std::move(key)) {}
  int status;
  std::string key;
};

}  // namespace motsim::studio
