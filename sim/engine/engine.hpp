#pragma once
// The daily schedule: stages run block by block in parallel (oneTBB); block buffers are
// merged in block order between days, so results are bit-identical for any thread count.
#include <array>
#include <atomic>
#include <functional>
#include <memory>

#include "models/wom.hpp"
#include "models/world.hpp"
#include "sim/engine/results.hpp"
#include "sim/engine/schedule.hpp"

namespace motsim {

class Simulation {
 public:
  // Builds the world: network, population, market. `threads` = 0 uses every core.
  Simulation(const Scenario& sc, int threads, const SimulationOptions& options = {});
  ~Simulation();

  // Runs every day. `progress(day_done, days)` is called after each day from the calling
  // thread; `stop`, when set, ends the run early after the current day.
  void run(const std::function<void(int, int)>& progress = {}, bool profile = false,
           const std::atomic<bool>* stop = nullptr);

  const Results& results() const { return results_; }
  const World& world() const { return world_; }
  // The world to change before calling a stage or a word-of-mouth step directly (tests).
  World& world() { return world_; }
  int threads() const { return threads_; }

 private:
  void initialise();
  void step(std::int32_t day, bool profile);
  // Between days, in this order: the merge's named steps.
  void merge_day(std::int32_t day);
  void apply_shared_updates();
  void add_block_buffers(std::int32_t day);
  void update_word_of_mouth(std::int32_t day);
  void record_stocks(std::int32_t day);

  SimulationOptions options_;
  World world_;
  Results results_;
  std::vector<BlockBuffer> buffers_;
  std::vector<std::array<double, kNumBlockSteps>> step_seconds_;  // [block][step], with --profile
  std::vector<std::int64_t> initial_aware_;
  std::vector<std::uint32_t> wom_dirty_;
  std::vector<wom::Change> wom_changes_;
  std::uint32_t blocks_ = 0;
  int threads_ = 1;
  struct Arena;
  std::unique_ptr<Arena> arena_;
};

}  // namespace motsim
