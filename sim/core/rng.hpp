#pragma once
// Counter-based random numbers (Random123 Philox 4x64-10).
// A stream is identified by key (seed, replicate) and counter (entity, day, stage, draw):
// the value of any draw depends only on those numbers, never on thread scheduling.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace motsim {

// Stage identifiers used in counters. Each consumer of randomness has its own id so
// that streams never overlap.
enum class Stream : std::uint64_t {
  Init = 1,
  Need = 2,
  Campaign = 3,  // + campaign index * 16 (block streams)
  WomField = 4,  // mean-field word of mouth, block streams
  Wom = 5,
  Zmot = 6,
  Fmot = 7,
  Purchase = 8,
  Smot = 9,
  Tmot = 10,
  Network = 11,
  WomNext = 12,  // next word-of-mouth day on a graph, drawn ahead
  Taste = 13,    // + product * 16: a consumer's lasting fit with a product (day 0)
  Memory = 14,   // + product * 16: how long a contact keeps a product in memory
  Tie = 15,      // random order of equally ranked products in the consideration set
  Abc = 16,      // calibration: proposals of ABC-SMC (entity = attempt, day = generation)
};

// Versions of the random streams (simulation.rng_streams; the `rng_streams` attribute of every
// results file). Within a version, a stream's values never change: the same scenario and seed
// give bit-identical results on any machine, thread count and rank count. A new version may
// assign values to draws differently, and is accepted only with evidence that no statistic moved
// (tests/streams, docs/performance.md "Random stream versions"); the old ones stay selectable.
//   1  motsim up to 2026-12-03: every draw of an agent's day has a stream of its own
//      (agent, day, stage, sub) and starts a Philox block of its own.
//   2  fewer Philox blocks for the same draws: the memory threshold of an agent, product and day
//      (how long a contact is remembered; one per agent, product and day, as in version 1) is
//      value k of the agent's Memory stream of the day, so that one block serves four products
//      and every contact of the day (version 1: value 0 of a stream per product, a block per
//      contact); the next word-of-mouth day after one is heard is the value after the event's
//      own in the event's stream (Stream::Wom) instead of a stream of its own (Stream::WomNext).
inline constexpr int kRngStreamsOldest = 1;
inline constexpr int kRngStreamsLatest = 2;

// Entity ids at or above this value denote blocks of agents rather than agents.
inline constexpr std::uint64_t kBlockEntity = 1ull << 48;

// log1p(-p) remembered for the last few p (direct-mapped on p's bits): where one loop draws
// geometric days for many agents whose probabilities take few distinct values (word of mouth:
// wom_rate x susceptibility x recommenders / degree). A cache hit returns the same value.
class Log1mCache {
 public:
  // No p is the all-ones bit pattern (a NaN), so every slot starts empty.
  Log1mCache() { std::memset(key_, 0xFF, sizeof key_); }
  double operator()(double p) {
    std::uint64_t bits;
    std::memcpy(&bits, &p, sizeof bits);
    const std::size_t slot = static_cast<std::size_t>((bits * 0x9E3779B97F4A7C15ull) >> 58);
    if (key_[slot] != bits) {
      key_[slot] = bits;
      value_[slot] = std::log1p(-p);
    }
    return value_[slot];
  }

 private:
  std::uint64_t key_[64];
  double value_[64];
};

class Rng {
 public:
  using Philox = r123::Philox4x64;

  Rng(std::uint64_t seed, std::uint64_t replicate, std::uint64_t entity, std::uint64_t day, std::uint64_t stage)
      : key_{{seed, replicate}}, ctr_{{entity, day, stage << 32, 0}}, base_(stage << 32) {}

  // 64 uniformly distributed bits: the stream's next value. Value n of a stream is word n % 4
  // of Philox block n / 4 (counter word 2 = stage << 32 + n / 4); a block is computed only
  // when one of its values is read.
  std::uint64_t next_u64() { return u64_at(pos_++); }
  // Value n of the stream, out of turn (the position of next_u64 does not move): for a stream
  // read as a table, one value per product (Stream::Memory under version 2).
  std::uint64_t u64_at(std::uint64_t n) {
    const std::uint64_t block = n >> 2;
    if (block != have_) {
      ctr_.v[2] = base_ + block;
      out_ = gen_(ctr_, key_);
      have_ = block;
    }
    return out_.v[n & 3];
  }
  // Uniform in (0, 1] from value n.
  double uniform_pos_at(std::uint64_t n) { return (static_cast<double>(u64_at(n) >> 11) + 1.0) * 0x1.0p-53; }
  // Passes over the stream's next value without computing it: for a draw whose outcome is
  // certain. The draws after it get exactly the values they would have had.
  void skip() { ++pos_; }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe for logarithms.
  double uniform_pos() { return (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53; }

  // uniform() < p; when p <= 0 or p >= 1 the outcome is certain and the value is skipped.
  bool bernoulli(double p) {
    if (!(p > 0.0) || p >= 1.0) {
      skip();
      return p >= 1.0;
    }
    return uniform() < p;
  }

  // Integer uniform in [0, n) (n <= 1: 0, the value skipped).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) {
      skip();
      return 0;
    }
    return static_cast<std::uint64_t>(uniform() * static_cast<double>(n));
  }

  // Standard normal, Box-Muller (both uniforms from this stream; deterministic).
  double normal() {
    const double u1 = uniform_pos();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }

  // Number of failures before the first success of a Bernoulli(p) sequence (p in (0,1]).
  // Used to skip over agents or days that a rare event does not touch.
  std::uint64_t geometric(double p) { return geometric(p, std::log1p(-p)); }  // not used when p <= 0 or p >= 1
  // geometric(p) with log1p(-p) computed once by the caller (the same value, so the same
  // draw): for loops drawing many times with few different p.
  std::uint64_t geometric(double p, double log1m_p) {
    if (p >= 1.0) return 0;
    if (p <= 0.0) return UINT64_MAX;
    return geometric_of(uniform_pos(), log1m_p);
  }
  // The geometric draw (p in (0, 1)) of a uniform u in (0, 1] read earlier from a stream.
  static std::uint64_t geometric_of(double u, double log1m_p) {
    const double g = std::floor(std::log(u) / log1m_p);
    return g >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(g);
  }

  // Poisson by inversion for moderate means, normal approximation for large ones.
  int poisson(double mean) {
    if (mean <= 0.0) return 0;
    if (mean > 200.0) {
      const double x = std::round(normal(mean, std::sqrt(mean)));
      return x < 0 ? 0 : static_cast<int>(x);
    }
    double u = uniform();
    double p = std::exp(-mean);
    double cdf = p;
    int k = 0;
    while (u > cdf && k < 10000) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

 private:
  Philox gen_;
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type out_{};
  std::uint64_t base_;
  std::uint64_t pos_ = 0;            // values consumed so far
  std::uint64_t have_ = UINT64_MAX;  // block held in out_
};

}  // namespace motsim
