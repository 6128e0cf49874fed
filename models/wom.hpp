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
#include "sim/world.hpp"

namespace motsim::wom {

// Allocates the counters (graph networks only).
void init(World& w);
// Called between days for each change of an agent's shared state, in a fixed order:
// adjusts its neighbours' counters and marks them for a redraw.
void on_shared_change(World& w, std::uint32_t agent, int old_product, bool old_positive, int new_product,
                      bool new_positive, std::vector<std::uint32_t>& dirty);
// Redraws the next word-of-mouth day of the marked agents (after all of a day's changes).
void redraw(World& w, std::vector<std::uint32_t>& dirty, std::int32_t day);
// Stage part: emits today's word-of-mouth events for the block's agents.
void events(BlockContext& c);

}  // namespace motsim::wom
