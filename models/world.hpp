#pragma once
// The world a day's stages work on, and the per-block context they write to.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "models/market.hpp"
#include "models/metrics.hpp"
#include "models/params.hpp"
#include "models/population.hpp"
#include "sim/core/network.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/scan.hpp"

namespace motsim {

// Agents are processed in fixed blocks: block boundaries never depend on the thread count.
inline constexpr std::uint32_t kBlockSize = 4096;

// Values of World::wom_next besides days (days are at most 36,500). A retired agent never
// hears again; a queued one awaits its redraw between days (models/wom.cpp). Both are later
// than any day, so the scheduler never finds them due.
inline constexpr std::int32_t kWomRetired = kNever - 1;
inline constexpr std::int32_t kWomQueued = kNever - 2;

struct World {
  Scenario sc;
  Population pop;
  Network net;
  ReviewPlatform platform;
  std::uint64_t seed = 0, replicate = 0;
  int streams = kRngStreamsLatest;  // simulation.rng_streams (sim/core/rng.hpp)
  int K = 0;
  // Derived, constant
  std::vector<double> visibility_cdf;  // cumulative search visibility
  double max_susceptibility = 0;
  std::vector<float> salience_factor;  // [dt] = (1 - salience_decay)^dt, dt = 0..days
  double log_keep = 0;                 // -log1p(-salience_decay), for model::recall_days
  // Yesterday's aggregates (mean field)
  std::vector<std::int64_t> positive_owners;   // owners who remember k positively
  std::vector<std::int64_t> positive_score10;  // sum of their remembered satisfaction x 10
  // Word of mouth on a graph, event-driven (models/wom.cpp): per agent and product, the number
  // of neighbours who recommend it (yesterday), and the next day the agent hears one.
  std::vector<std::uint32_t> wom_pos;  // [agent * K + k]
  std::vector<std::int32_t> wom_next;  // a day, kNever (nobody around recommends anything),
                                       // kWomRetired or, between days only, kWomQueued

  // Forgetting (models/stimulus.cpp, remember): [day * K + k], how many agents forget k at the
  // start of that day, as scheduled so far; the aware stock subtracts it (sim/engine).
  std::vector<std::int64_t> forget_calendar;

  // Scheduling: per block, a lower bound of the next day any of its agents is due (its
  // next_day or wom_next). Blocks whose bound lies ahead are not scanned at all.
  std::vector<std::int32_t> block_wake;

  // An agent that can never decide again (repeat_purchase = false and already bought):
  // what it hears or sees changes nothing, so it is skipped.
  bool retired(std::uint32_t i) const { return !sc.behavior.repeat_purchase && (pop.flags[i] & kEverBought); }

  // wom_threshold on the x 10 integer scale of the shared scores.
  std::uint8_t wom_threshold10() const {
    return static_cast<std::uint8_t>(std::ceil(sc.behavior.wom_threshold * 10.0 - 1e-9));
  }
  // Whether agent j recommends a product (yesterday's shared state): it still owns the product
  // of its last experience and remembers it at wom_threshold or more.
  bool recommends(std::uint32_t j, std::uint8_t threshold10) const {
    const auto& e = pop.shared[j];
    return e.owns && e.product >= 0 && e.score >= threshold10;
  }

  Rng rng(std::uint64_t entity, std::int64_t day, Stream s, std::uint64_t sub = 0) const {
    return Rng(seed, replicate, entity, static_cast<std::uint64_t>(day), static_cast<std::uint64_t>(s) + 16 * sub);
  }
  int sample_visible_product(double u) const;
};

// A change of an agent's recommendation between days (see models/wom.hpp).
struct WomChange {
  std::uint32_t agent;
  std::int8_t old_product, new_product;
  bool old_positive, new_positive;
};
enum class EventKind : std::uint8_t { Exposure, WordOfMouth };
// A move of one agent's forgetting day for a product, applied to World::forget_calendar between
// days (from: the day it was scheduled, kNever none; to: the new day, kNever none).
struct ForgetMove {
  std::int32_t from, to;
  int product;
};
struct Event {
  std::uint32_t agent;
  EventKind kind;
  std::uint8_t product;
  std::uint16_t source;  // exposures: campaign index; word of mouth: 0 = the population mean
                         // of positive owners is told, else 1 + the recommender's score x 10
};

// Everything one block writes during a day; merged in block order after the day.
struct BlockBuffer {
  std::vector<std::int64_t> counts;            // [kNumCounts * K]
  std::vector<double> sums;                    // [kNumSums * K]
  std::vector<std::int64_t> experience_stars;  // [K * 5]: stars every buyer's R maps to
  // [campaign]: today's exposures of each campaign (set by the stimulus)
  std::vector<std::int64_t> campaign_exposures;
  std::vector<ReviewRecord> reviews;
  std::vector<SharedUpdate> shared;
  std::vector<ForgetMove> forget_moves;
  std::vector<Event> events;
  std::vector<Event> events_scratch;    // sort_by_agent's buffer
  std::vector<std::uint32_t> decide;    // agents deciding today (need active)
  std::vector<std::uint32_t> finish;    // agents whose experience ends today
  std::vector<float> finish_R;          // their remembered satisfaction (for TMOT)
  std::vector<double> episodes;         // scratch: one experience's episodes
  std::vector<double> episode_weights;  // scratch: their weights in the peak
  std::vector<std::uint32_t> wom_due;   // scratch: agents who hear word of mouth today
  std::vector<std::uint32_t> due;       // scratch: agents whose next_day has come
  // Heard word of mouth today: the agent, its hazard, and (stream version 2) the uniform of its
  // next word-of-mouth day, read from the event's stream.
  struct Heard {
    std::uint32_t agent;
    double h, u;
  };
  std::vector<Heard> wom_heard;
  std::int32_t wake = 0;  // lower bound of the block's next due day, before today's lists
  // Merge scratch: changes of recommenders (word of mouth) and their integer deltas.
  std::vector<std::int64_t> positive_delta, score10_delta;
  std::vector<WomChange> wom_changes;

  void reset(int K) {
    counts.assign(static_cast<std::size_t>(kNumCounts) * K, 0);
    sums.assign(static_cast<std::size_t>(kNumSums) * K, 0.0);
    experience_stars.assign(static_cast<std::size_t>(K) * 5, 0);
    reviews.clear();
    shared.clear();
    forget_moves.clear();
    events.clear();
    decide.clear();
    finish.clear();
    finish_R.clear();
    wom_heard.clear();  // settle() runs every day, also when the block is not scanned
  }
  std::int64_t& count(Count c, int k, int K) { return counts[static_cast<std::size_t>(c) * K + k]; }
  double& sum(Sum s, int k, int K) { return sums[static_cast<std::size_t>(s) * K + k]; }
};

struct BlockContext {
  World& w;
  BlockBuffer& buf;
  std::int32_t day;
  std::uint32_t block;
  std::uint32_t begin, end;
  std::int64_t& count(Count c, int k) { return buf.count(c, k, w.K); }
};

}  // namespace motsim
