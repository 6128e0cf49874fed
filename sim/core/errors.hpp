#pragma once
// The error every layer throws for bad user input.
#include <stdexcept>

namespace motsim {

// Bad user input: the message names the file, line and column where known, the key, the
// value and what is allowed. The CLI turns it into exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace motsim
