#include "models/wom.hpp"

#include <algorithm>

namespace motsim::wom {

void init(World& w) {
  if (w.net.kind != Network::Kind::Graph || w.sc.behavior.wom_rate <= 0) return;
  w.wom_pos.assign(static_cast<std::size_t>(w.pop.n) * w.K, 0);
  w.wom_next.assign(w.pop.n, kNever);
}

namespace {
bool active(const World& w) { return !w.wom_next.empty(); }

// Daily hazard of hearing a recommendation, and the per-product weights.
double hazard(const World& w, std::uint32_t i, double* weights) {
  const std::uint64_t deg = w.net.degree(i);
  if (deg == 0) return 0;
  const double base = w.sc.behavior.wom_rate * w.sc.segments[w.pop.segment[i]].wom_susceptibility /
                      static_cast<double>(deg);
  double h = 0;
  for (int k = 0; k < w.K; ++k) {
    weights[k] = base * w.wom_pos[static_cast<std::size_t>(i) * w.K + k];
    h += weights[k];
  }
  return std::min(1.0, h);
}

// `sub` separates the draw made when the event fires (0) from the redraw between days (1).
std::int32_t next_day(const World& w, std::uint32_t i, std::int32_t day, double h, std::uint64_t sub) {
  if (h <= 0) return kNever;
  Rng r = w.rng(i, day, Stream::WomNext, sub);
  const std::uint64_t g = r.geometric(h);
  const std::int64_t next = static_cast<std::int64_t>(day) + 1 + static_cast<std::int64_t>(std::min<std::uint64_t>(g, kNever));
  return next >= kNever ? kNever : static_cast<std::int32_t>(next);
}
}  // namespace

void on_shared_change(World& w, std::uint32_t i, int old_product, bool old_positive, int new_product,
                      bool new_positive, std::vector<std::uint32_t>& dirty) {
  if (!active(w)) return;
  if (old_positive == new_positive && (!old_positive || old_product == new_product)) return;
  for (std::uint64_t e = w.net.offsets[i]; e < w.net.offsets[i + 1]; ++e) {
    const std::uint32_t j = w.net.neighbors[e];
    if (old_positive) w.wom_pos[static_cast<std::size_t>(j) * w.K + old_product] -= 1;
    if (new_positive) w.wom_pos[static_cast<std::size_t>(j) * w.K + new_product] += 1;
    dirty.push_back(j);
  }
}

void redraw(World& w, std::vector<std::uint32_t>& dirty, std::int32_t day) {
  if (!active(w) || dirty.empty()) return;
  std::sort(dirty.begin(), dirty.end());
  dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
  double weights[64];
  for (std::uint32_t j : dirty) w.wom_next[j] = next_day(w, j, day, hazard(w, j, weights), 1);
  dirty.clear();
}

void events(BlockContext& c) {
  World& w = c.w;
  if (!active(w)) return;
  double weights[64];
  for (std::uint32_t i = c.begin; i < c.end; ++i) {
    if (w.wom_next[i] > c.day) continue;
    const double h = hazard(w, i, weights);
    if (h > 0) {
      Rng r = w.rng(i, c.day, Stream::Wom);
      double total = 0;
      for (int k = 0; k < w.K; ++k) total += weights[k];
      double x = r.uniform() * total;
      int k = 0;
      while (k < w.K - 1 && (x -= weights[k]) >= 0) ++k;
      c.buf.events.push_back({i, 1, static_cast<std::uint8_t>(k), 0});
    }
    w.wom_next[i] = next_day(w, i, c.day, h, 0);
  }
}

}  // namespace motsim::wom
