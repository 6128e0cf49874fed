#pragma once
// What compare keeps of a run, remembered by the run's fully resolved scenario (its TOML text:
// every parameter, the seed and the replicate), so that a run made before is not made again: the
// studio reruns base and variant on every change of a control, and the base's runs stay the
// same. A run depends only on its scenario (docs/architecture.md, determinism), so a hit gives
// what the simulation would. Thread-safe; the least recently used entries go beyond `capacity`.
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "sim/engine/kpis.hpp"

namespace motsim {

class RunCache {
 public:
  explicit RunCache(std::size_t capacity = 64) : capacity_(capacity) {}
  std::optional<KeptRun> find(const std::string& key);
  void store(const std::string& key, const KeptRun& run);
  std::size_t hits() const;

 private:
  std::size_t capacity_, hits_ = 0;
  std::list<std::pair<std::string, KeptRun>> order_;  // most recently used first
  std::unordered_map<std::string, std::list<std::pair<std::string, KeptRun>>::iterator> index_;
  mutable std::mutex mu_;
};

}  // namespace motsim
