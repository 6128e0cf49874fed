// libFuzzer target: the scenario loader and validator on arbitrary text. Any input must give
// a Scenario or an InputError: never a crash, a hang or another exception.
#include <cstdint>
#include <string>

#include "sim/input/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto sc = motsim::parse_scenario(text, "fuzz.toml", "/nonexistent-dir");
    (void)motsim::scenario_to_toml(sc);
  } catch (const motsim::InputError&) {
  }
  return 0;
}
