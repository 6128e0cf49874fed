#pragma once
// Consumers as structure-of-arrays: one contiguous array per field, indexed by agent id;
// per-product fields are [agent * K + product]. No Agent class.
#include <cstddef>
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

// The columns (their meaning: for_each_column below).
struct Population {
  std::uint32_t n = 0;
  int K = 0;
  // Traits
  std::vector<std::uint8_t> segment;
  std::vector<float> price_sens;
  // Journey state
  std::vector<std::uint8_t> phase;
  std::vector<std::int32_t> next_day;
  std::vector<std::int32_t> need_deadline;
  std::vector<std::uint8_t> flags;
  std::vector<std::int8_t> owned;
  std::vector<std::int8_t> loyal;
  std::vector<float> expectation;
  std::vector<std::int32_t> purchase_day;
  std::vector<std::int32_t> salience_day;
  // Per product
  std::vector<std::uint8_t> pflags;
  std::vector<float> salience;
  std::vector<float> belief;
  std::vector<float> precision;
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

  // Every column [n] (or [n * K]) set to its initial value.
  void resize(std::uint32_t agents, int products);
  // Bytes of one agent's columns with `products` products.
  static std::size_t bytes_per_agent(int products);
};

// One column of the population, as the visitor of for_each_column sees it.
struct Column {
  const char* name;  // in the results file (/agents, docs/hdf5-schema.md) and in reports
  const char* doc;   // meaning
  bool per_product;  // [agent * K + product] rather than [agent]
  bool saved;        // written as it is by --save-agents (pflags and shared: in derived form)
};

// The list of the population's columns, written once: calls f(column, vector, initial value)
// for each, in declaration order (P is Population or const Population). resize,
// bytes_per_agent, the memory estimate and --save-agents all follow it.
template <class P, class F>
void for_each_column(P& p, F&& f) {
  using E = Population::Experience;
  f(Column{"segment", "segment index", false, true}, p.segment, std::uint8_t{0});
  f(Column{"price_sensitivity", "the agent's b_p (utility per currency unit)", false, true}, p.price_sens, 0.f);
  f(Column{"phase", "0 idle, 1 need, 2 awaiting delivery, 3 using", false, true}, p.phase, std::uint8_t{0});
  f(Column{"next_day", "next day this agent has something to do", false, false}, p.next_day, kNever);
  f(Column{"need_deadline", "day the current need lapses unmet", false, false}, p.need_deadline, std::int32_t{0});
  f(Column{"flags", "kResearched, kEverBought, kDeliveryProblem", false, false}, p.flags, std::uint8_t{0});
  f(Column{"owned", "product in use or last bought (-1 none)", false, true}, p.owned, std::int8_t{-1});
  f(Column{"loyal", "loyal brand (-1 none)", false, true}, p.loyal, std::int8_t{-1});
  f(Column{"expectation", "belief about the owned product at purchase", false, false}, p.expectation, 0.f);
  f(Column{"purchase_day", "day of the last purchase (-1 none)", false, true}, p.purchase_day, std::int32_t{-1});
  f(Column{"salience_day", "day saliences were last decayed", false, false}, p.salience_day, std::int32_t{0});
  f(Column{"pflags", "kAware, kLost, kDropped, kBought (saved as aware, lost, bought)", true, false}, p.pflags,
    std::uint8_t{0});
  f(Column{"salience", "salience at its last update", true, true}, p.salience, 0.f);
  f(Column{"belief", "believed quality (0-10)", true, true}, p.belief, 0.f);
  f(Column{"precision", "precision of that belief", true, false}, p.precision, 0.f);
  f(Column{"aware_until", "day an aware agent forgets the product (kNever: never)", true, false}, p.aware_until,
    kNever);
  f(Column{"shared", "the last experience (saved as experienced_product, remembered_satisfaction)", false, false},
    p.shared, E{});
}

inline void Population::resize(std::uint32_t agents, int products) {
  n = agents;
  K = products;
  const std::size_t nk = static_cast<std::size_t>(agents) * products;
  for_each_column(*this,
                  [&](const Column& c, auto& v, const auto& initial) { v.assign(c.per_product ? nk : n, initial); });
}

inline std::size_t Population::bytes_per_agent(int products) {
  std::size_t b = 0;
  const Population none;
  for_each_column(none, [&](const Column& c, const auto& v, const auto&) {
    b += sizeof(v[0]) * (c.per_product ? static_cast<std::size_t>(products) : 1);
  });
  return b;
}

// A change to the shared state, applied between days in agent order.
struct SharedUpdate {
  std::uint32_t agent;
  std::int8_t product;
  std::uint8_t score;
  std::uint8_t owns;
};

}  // namespace motsim
