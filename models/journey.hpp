#pragma once
// The stages of a day, in schedule order (the schedule itself: sim/engine/schedule.hpp). Each
// reads yesterday's shared state and writes only the block's own agents and its BlockBuffer.
#include "models/world.hpp"

namespace motsim::stage {

// Stimulus: campaign exposures (sampled by skipping), word of mouth, needs they trigger (after
// the scheduler's pass has put the block's due agents on today's lists).
void stimulus(BlockContext& c);
// ZMOT: online research once per need episode.
void zmot(BlockContext& c);
// FMOT: the multinomial-logit decision over the consideration set.
void fmot(BlockContext& c);
// SMOT: the experience of the product, incidents, service, refunds, churn, loyalty.
void smot(BlockContext& c);
// TMOT/UMOT: reviews with self-selection, herding and brand answers.
void tmot(BlockContext& c);

// Helpers shared between stages.
void start_need(World& w, std::uint32_t i, std::int32_t day);
void schedule_next_need(World& w, std::uint32_t i, std::int32_t day);
void decay_salience(World& w, std::uint32_t i, std::int32_t day);
// Orders the day's events by agent, stably (the order each source appended them).
void sort_by_agent(std::vector<Event>& ev, std::vector<Event>& scratch);
void make_aware(BlockContext& c, std::uint32_t i, int k, bool by_wom);
// After a contact with k (aware, salience raised): how long k now stays in memory
// (model::recall_days); never shortened; a memory that does not fade (aware_until = kNever:
// initial awareness, a product bought) stays so. make_aware marks a new memory with 0.
// The memory's uniform, one per agent, product and day: under stream version 1 value 0 of
// Stream::Memory (agent, day, sub k); under version 2 value k of Stream::Memory (agent, day),
// read from `memory` when the caller holds that stream (one Philox block for every contact of
// the pass), else computed here. The same value either way.
void remember(BlockContext& c, std::uint32_t i, int k, Rng* memory = nullptr);
// The forgetting day of a contact on `day` with salience s (kNever: never forgotten).
std::int32_t recall_day(const World& w, std::uint32_t i, int k, std::int32_t day, double s, Rng* memory = nullptr);
// A bought product is not forgotten.
void remember_owned(BlockContext& c, std::uint32_t i, int k);
// Consideration set: aware, not lost, not dropped, ranked by belief + weight * salience.
// Ties are broken at random (draws keyed by agent and day) when day >= 0, else by index.
int consideration_set(const World& w, std::uint32_t i, int* out, std::int32_t day = -1);
void begin_use(BlockContext& c, std::uint32_t i);

}  // namespace motsim::stage
