#pragma once
// Consumers as structure-of-arrays: one contiguous array per field, indexed by agent id;
// per-product fields are [agent * K + product]. No Agent class.
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/core/scan.hpp"

namespace motsim {

enum class Phase : std::uint8_t { Idle = 0, Need = 1, Delivery = 2, Using = 3 };

// Agent flags
inline constexpr std::uint8_t kResearched = 1;  // researched during the current need
inline constexpr std::uint8_t kEverBought = 2;  // bought at least once (any product)
inline constexpr std::uint8_t kDeliveryProblem = 4;

// Agent x product flags
inline constexpr std::uint8_t kAware = 1;
inline constexpr std::uint8_t kLost = 2;     // brand lost forever
inline constexpr std::uint8_t kDropped = 4;  // dropped during the current need (incomplete page)
inline constexpr std::uint8_t kBought = 8;   // bought this product at least once

struct Population {
  std::uint32_t n = 0;
  int K = 0;
  // Traits
  std::vector<std::uint8_t> segment;
  std::vector<float> price_sens;
  // Journey state
  std::vector<std::uint8_t> phase;
  std::vector<std::int32_t> next_day;  // next day this agent has something to do
  std::vector<std::int32_t> need_deadline;
  std::vector<std::uint8_t> flags;
  std::vector<std::int8_t> owned;  // product in use or last owned, -1 none
  std::vector<std::int8_t> loyal;  // loyal brand, -1 none
  std::vector<float> expectation;  // belief about the owned product at purchase
  std::vector<std::int32_t> purchase_day;
  std::vector<std::int32_t> salience_day;  // day saliences were last decayed
  // Per product
  std::vector<std::uint8_t> pflags;
  std::vector<float> salience;
  std::vector<float> belief;              // believed quality (0-10)
  std::vector<float> precision;           // precision of that belief
  std::vector<std::int32_t> aware_until;  // day an aware agent forgets the product (kNever: never)
  // Shared with others: written only between days, so every agent reads yesterday's value.
  // One 3-byte record per agent, so that a neighbour's record is one cache line, not three
  // (word of mouth and research read scattered neighbours).
  struct Experience {
    std::int8_t product = -1;  // product of the last experience, -1 none
    std::uint8_t score = 0;    // remembered satisfaction x 10
    std::uint8_t owns = 0;     // still owns `product`
  };
  std::vector<Experience> shared;

  void resize(std::uint32_t agents, int products) {
    n = agents;
    K = products;
    const std::size_t nk = static_cast<std::size_t>(agents) * products;
    segment.assign(n, 0);
    price_sens.assign(n, 0.f);
    phase.assign(n, 0);
    next_day.assign(n, kNever);
    need_deadline.assign(n, 0);
    flags.assign(n, 0);
    owned.assign(n, -1);
    loyal.assign(n, -1);
    expectation.assign(n, 0.f);
    purchase_day.assign(n, -1);
    salience_day.assign(n, 0);
    pflags.assign(nk, 0);
    salience.assign(nk, 0.f);
    belief.assign(nk, 0.f);
    precision.assign(nk, 0.f);
    aware_until.assign(nk, kNever);
    shared.assign(n, Experience{});
  }

  static std::size_t bytes_per_agent(int products) {
    return 1 + 4 + 1 + 4 + 4 + 1 + 1 + 1 + 4 + 4 + 4 + 1 + 1 + 1 +
           static_cast<std::size_t>(products) * (1 + 4 + 4 + 4 + 4);
  }
};

// A change to the shared state, applied between days in agent order.
struct SharedUpdate {
  std::uint32_t agent;
  std::int8_t product;
  std::uint8_t score;
  std::uint8_t owns;
};

}  // namespace motsim
