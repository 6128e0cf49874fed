#pragma once
// Word of mouth on a graph, event-driven so that an agent nobody talks to costs nothing.
//
// An agent i hears of product k on a day with probability
//     p_ik = wom_rate * susceptibility_i * pos_ik / degree_i,
// pos_ik = neighbours who own k and remember it positively (yesterday's shared state).
// Between changes of pos_i the daily hazard h_i = min(1, sum_k p_ik) is constant, so the next
// day a recommendation arrives is drawn ahead: day + 1 + Geometric(h_i) (memoryless, so
// redrawing when pos_i changes is exact); the product heard is k with probability p_ik / sum.
// Compared with independent daily draws per product this differs only when two products
// would be heard the same day (order p^2).
#include "models/world.hpp"

namespace motsim::wom {

// Allocates the counters (graph networks only).
void init(World& w);
// What init() allocates per agent: the counters per product, the next day.
inline std::size_t bytes_per_agent(int products) {
  return sizeof(std::uint32_t) * static_cast<std::size_t>(products) + sizeof(std::int32_t);
}
using Change = WomChange;  // models/world.hpp
// Adjusts the neighbours' counters for every change (in parallel: integer counts, so the
// result does not depend on the order) and collects the agents whose hazard changed.
void apply_changes(World& w, const std::vector<Change>& changes, std::vector<std::uint32_t>& dirty);
// Redraws the next word-of-mouth day of the marked agents (after all of a day's changes), in
// parallel: each draw depends only on (agent, day), never on the order.
void redraw(World& w, std::vector<std::uint32_t>& dirty, std::int32_t day);
// The scheduler's part (sim/engine/schedule.cpp): lists the block's agents whose word of
// mouth falls due today in c.buf.wom_due, and returns the earliest next word-of-mouth day of
// the others (kNever if none, or without word of mouth on a graph).
std::int32_t due(BlockContext& c);
// Stage part: emits today's word-of-mouth events for the agents due() listed, in that order.
void events(BlockContext& c);
// End of the block's day: the next word-of-mouth day of the agents who heard one today, drawn
// now rather than when they heard (the same draw: the hazard cannot change during the day),
// so that one who bought and retired today needs none; kWomRetired for every agent who
// retired today (it never hears again). Lowers c.buf.wake accordingly.
void settle(BlockContext& c);

}  // namespace motsim::wom
