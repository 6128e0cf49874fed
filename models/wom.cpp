#include "models/wom.hpp"

#include <algorithm>
#include <atomic>

#include "sim/core/parallel.hpp"

namespace motsim::wom {

void init(World& w) {
  if (w.net.kind != Network::Kind::Graph || w.sc.behavior.wom_rate <= 0) return;
  w.wom_pos.assign(static_cast<std::size_t>(w.pop.n) * w.K, 0);
  w.wom_next.assign(w.pop.n, kNever);
}

namespace {
bool active(const World& w) { return !w.wom_next.empty(); }

// Daily hazard of hearing a recommendation, and the per-product weights. Never asked for a
// retired agent: it is never due nor queued (wom_next = kWomRetired).
double hazard(const World& w, std::uint32_t i, double* weights) {
  const std::uint64_t deg = w.net.degree(i);
  if (deg == 0) return 0;
  const double base =
      w.sc.behavior.wom_rate * w.sc.segments[w.pop.segment[i]].wom_susceptibility / static_cast<double>(deg);
  double h = 0;
  for (int k = 0; k < w.K; ++k) {
    weights[k] = base * w.wom_pos[static_cast<std::size_t>(i) * w.K + k];
    h += weights[k];
  }
  return std::min(1.0, h);
}

// day + 1 + g, g failures before the day one is heard (beyond any day: never).
std::int32_t day_after(std::int32_t day, std::uint64_t g) {
  const std::int64_t next =
      static_cast<std::int64_t>(day) + 1 + static_cast<std::int64_t>(std::min<std::uint64_t>(g, kNever));
  return next >= kWomQueued ? kNever : static_cast<std::int32_t>(next);
}
// `sub` separates the draw made when the event fires (0) from the redraw between days (1).
// Exactly Rng::geometric(h), with log1p(-h) from the caller's cache.
std::int32_t next_day(const World& w, std::uint32_t i, std::int32_t day, double h, std::uint64_t sub,
                      Log1mCache& log1m) {
  if (h <= 0) return kNever;
  Rng r = w.rng(i, day, Stream::WomNext, sub);
  return day_after(day, r.geometric(h, log1m(h)));
}
// Which of i's recommending neighbours spoke, uniformly among them: the event carries 1 + its
// remembered satisfaction x 10, the value told (models/stimulus.cpp). Without an experience
// stage every owner remembers 10, so no neighbour needs to be read.
std::uint16_t recommender_score(const World& w, std::uint32_t i, int k, Rng& r) {
  if (!w.sc.behavior.experience) return 0;
  const std::uint32_t n = w.wom_pos[static_cast<std::size_t>(i) * w.K + k];
  if (n == 0) return 0;
  std::uint64_t m = r.below(n);
  const std::uint8_t thr = w.wom_threshold10();
  for (std::uint64_t e = w.net.offsets[i]; e < w.net.offsets[i + 1]; ++e) {
    const std::uint32_t j = w.net.neighbors[e];
    if (w.pop.shared[j].product == k && w.recommends(j, thr) && m-- == 0)
      return static_cast<std::uint16_t>(1 + w.pop.shared[j].score);
  }
  return 0;  // unreachable while the counters are exact; the population mean is the fallback
}
// Software prefetching for the scattered passes between days (how far ahead: measured).
constexpr std::size_t kAhead = 8;
void prefetch_agent(const World& w, std::uint32_t i) {
  const std::uint64_t e = w.net.offsets[i];
  __builtin_prefetch(w.net.neighbors.data() + e);  // may be one past the end: fine
  __builtin_prefetch(&w.wom_next[i]);
  __builtin_prefetch(&w.wom_pos[static_cast<std::size_t>(i) * w.K]);
}
// For the word-of-mouth events of the due agent `a`: its neighbours' shared records, which
// recommender_score reads (its list must be at hand: fetched ahead by the caller).
void prefetch_speakers(const World& w, std::uint32_t a) {
  for (std::uint64_t e = w.net.offsets[a]; e < w.net.offsets[a + 1]; ++e)
    __builtin_prefetch(&w.pop.shared[w.net.neighbors[e]]);
}
void prefetch_hazard(const World& w, std::uint32_t i) {
  __builtin_prefetch(&w.net.offsets[i]);
  __builtin_prefetch(&w.pop.segment[i]);
  __builtin_prefetch(&w.wom_pos[static_cast<std::size_t>(i) * w.K]);
}
}  // namespace

void apply_changes(World& w, const std::vector<Change>& changes, std::vector<std::uint32_t>& dirty) {
  if (!active(w) || changes.empty()) return;
  par::PerThread<std::vector<std::uint32_t>> found;
  par::for_range<std::size_t>(0, changes.size(), 256, [&](std::size_t lo, std::size_t hi) {
    auto& mine = found.local();
    for (std::size_t n = lo; n != hi; ++n) {
      // The changes are scattered over the population, so each one's neighbour list and
      // neighbours' counters miss the cache: ask for a later change's lines ahead (results
      // do not depend on it). Neighbours are mostly near the agent on small-world graphs.
      if (n + 2 * kAhead < hi) __builtin_prefetch(&w.net.offsets[changes[n + 2 * kAhead].agent]);
      if (n + kAhead < hi) prefetch_agent(w, changes[n + kAhead].agent);
      const Change& ch = changes[n];
      if (ch.old_positive == ch.new_positive && (!ch.old_positive || ch.old_product == ch.new_product)) continue;
      for (std::uint64_t e = w.net.offsets[ch.agent]; e < w.net.offsets[ch.agent + 1]; ++e) {
        const std::uint32_t j = w.net.neighbors[e];
        std::atomic_ref<std::int32_t> next(w.wom_next[j]);
        std::int32_t v = next.load(std::memory_order_relaxed);
        // A retired agent never hears again (retirement is permanent, and happens only during
        // the day): its counters are not kept up to date, which saves most of the work late
        // in a diffusion.
        if (v == kWomRetired) continue;
        const std::size_t base = static_cast<std::size_t>(j) * w.K;
        if (ch.old_positive)
          std::atomic_ref<std::uint32_t>(w.wom_pos[base + ch.old_product]).fetch_sub(1, std::memory_order_relaxed);
        if (ch.new_positive)
          std::atomic_ref<std::uint32_t>(w.wom_pos[base + ch.new_product]).fetch_add(1, std::memory_order_relaxed);
        // Queue it once: whichever thread turns its next day into kWomQueued lists it.
        while (v != kWomQueued)
          if (next.compare_exchange_weak(v, kWomQueued, std::memory_order_relaxed)) {
            mine.push_back(j);
            break;
          }
      }
    }
  });
  found.each([&](auto& v) { dirty.insert(dirty.end(), v.begin(), v.end()); });
}

void redraw(World& w, std::vector<std::uint32_t>& dirty, std::int32_t day) {
  if (!active(w) || dirty.empty()) return;
  par::for_range<std::size_t>(0, dirty.size(), 1024, [&](std::size_t lo, std::size_t hi) {
    double weights[kMaxProducts];
    Log1mCache log1m;
    for (std::size_t n = lo; n != hi; ++n) {
      if (n + kAhead < hi) prefetch_hazard(w, dirty[n + kAhead]);
      const std::uint32_t j = dirty[n];
      w.wom_next[j] = next_day(w, j, day, hazard(w, j, weights), 1, log1m);
    }
  });
  if (!w.block_wake.empty())
    for (std::uint32_t j : dirty) {
      auto& b = w.block_wake[j / kBlockSize];
      b = std::min(b, w.wom_next[j]);
    }
  dirty.clear();
}

std::int32_t due(BlockContext& c) {
  World& w = c.w;
  c.buf.wom_due.clear();
  if (!active(w)) return kNever;
  return scan_due(w.wom_next.data(), c.begin, c.end, c.day, c.buf.wom_due);
}

void events(BlockContext& c) {
  World& w = c.w;
  if (!active(w)) return;
  // The agents due today were found first (a sequential scan), then come their events, in the
  // same order: knowing who comes next lets their neighbour lists and neighbours' records be
  // fetched ahead (they are scattered; the result does not depend on it).
  const auto& due = c.buf.wom_due;
  c.buf.wom_heard.clear();
  double weights[kMaxProducts];
  const bool read_neighbours = w.sc.behavior.experience;  // see recommender_score
  for (std::size_t n = 0; n < due.size(); ++n) {
    if (read_neighbours) {  // three stages ahead: the offsets, the list, the records
      if (n + kAhead < due.size()) __builtin_prefetch(&w.net.offsets[due[n + kAhead]]);
      if (n + kAhead / 2 < due.size()) __builtin_prefetch(w.net.neighbors.data() + w.net.offsets[due[n + kAhead / 2]]);
      if (n + kAhead / 4 < due.size()) prefetch_speakers(w, due[n + kAhead / 4]);
    }
    const std::uint32_t i = due[n];
    const double h = hazard(w, i, weights);
    if (h > 0) {
      Rng r = w.rng(i, c.day, Stream::Wom);
      int k = 0;
      if (w.K > 1) {
        double total = 0;
        for (int kk = 0; kk < w.K; ++kk) total += weights[kk];
        double x = r.uniform() * total;
        while (k < w.K - 1 && (x -= weights[k]) >= 0) ++k;
      } else {
        r.skip();  // one product: heard for certain
      }
      c.buf.events.push_back({i, EventKind::WordOfMouth, static_cast<std::uint8_t>(k), recommender_score(w, i, k, r)});
      // Its next day: settle(); version 2 reads the uniform now, from this block of the stream.
      c.buf.wom_heard.push_back({i, h, w.streams >= 2 && h < 1.0 ? r.uniform_pos() : 0.0});
    }
    w.wom_next[i] = kNever;  // for good if h = 0 (nobody around recommends anything), else until settle()
  }
}

void settle(BlockContext& c) {
  World& w = c.w;
  if (!active(w)) return;
  Log1mCache log1m;
  for (const auto& e : c.buf.wom_heard) {
    const std::uint32_t i = e.agent;
    if (w.retired(i))
      w.wom_next[i] = kWomRetired;
    else if (w.streams >= 2)
      w.wom_next[i] = day_after(c.day, e.h < 1.0 ? Rng::geometric_of(e.u, log1m(e.h)) : 0);
    else
      w.wom_next[i] = next_day(w, i, c.day, e.h, 0, log1m);
    c.buf.wake = std::min(c.buf.wake, w.wom_next[i]);
  }
  for (std::uint32_t i : c.buf.decide)
    if (w.retired(i)) w.wom_next[i] = kWomRetired;
}

}  // namespace motsim::wom
