#include "sim/experiment/run_cache.hpp"

namespace motsim {

std::optional<KeptRun> RunCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  ++hits_;
  return it->second->second;
}

void RunCache::store(const std::string& key, const KeptRun& run) {
  std::lock_guard<std::mutex> lock(mu_);
  if (capacity_ == 0 || index_.count(key)) return;
  order_.emplace_front(key, run);
  index_[key] = order_.begin();
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
}

std::size_t RunCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

}  // namespace motsim
