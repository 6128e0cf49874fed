#pragma once
// The day's schedule, named once: every block runs kBlockSteps in this order (in parallel
// with the other blocks), then the engine merges the blocks in block order (kMergeStep).
// The engine, `--profile` and Results::stage_names all read this table.
#include <cstddef>
#include <iterator>

#include "models/journey.hpp"

namespace motsim {

// How a Simulation runs, beyond the scenario. None of these changes any result.
struct SimulationOptions {
  // Scan every block every day instead of skipping the blocks whose agents all wait (for
  // tests: the results must be the same).
  bool scan_every_block = false;
};

// A block's day as the schedule's steps see it.
struct BlockDay {
  BlockContext& c;
  const SimulationOptions& options;
};

// The scheduler's pass over a block, before the stages: in blocks where some agent may be due
// (World::block_wake), finds the agents whose word of mouth falls due today (wom::due) and
// those whose next_day has come, and sorts the latter by phase (Idle: a need starts and the
// agent decides today; Need: past its deadline the need lapses, else the agent decides again;
// Delivery: use begins; Using: the experience ends today). Sets c.buf.wake, a lower bound of
// the block's next due day.
void schedule(BlockContext& c, bool scan_every_block);
// End of the block's day: word of mouth draws the next days of those who heard today
// (wom::settle), then World::block_wake of the block is set from the scheduler's bound and the
// next days of every agent handled today.
void end_block_day(BlockContext& c);

struct BlockStep {
  const char* name;
  void (*run)(BlockDay&);
};

inline constexpr BlockStep kBlockSteps[] = {
    {"schedule", [](BlockDay& d) { schedule(d.c, d.options.scan_every_block); }},
    {"stimulus", [](BlockDay& d) { stage::stimulus(d.c); }},
    {"zmot", [](BlockDay& d) { stage::zmot(d.c); }},
    {"fmot", [](BlockDay& d) { stage::fmot(d.c); }},
    {"smot", [](BlockDay& d) { stage::smot(d.c); }},
    {"tmot", [](BlockDay& d) { stage::tmot(d.c); }},
    {"settle", [](BlockDay& d) { end_block_day(d.c); }},
};
inline constexpr std::size_t kNumBlockSteps = std::size(kBlockSteps);
// Between days, after every block: Simulation::merge_day.
inline constexpr const char* kMergeStep = "merge";

}  // namespace motsim
