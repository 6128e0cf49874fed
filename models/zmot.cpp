// Stage 2, ZMOT: online research, once per need episode (MODEL.md "ZMOT").
#include <algorithm>
#include <cmath>

#include "models/journey.hpp"

namespace motsim::stage {

namespace {

// A neighbour whose experience the agent reads: a random neighbour on a graph, a random
// other agent in the mean field, nobody without a network.
std::int64_t pick_neighbor(const World& w, std::uint32_t i, Rng& r) {
  if (w.net.kind == Network::Kind::Graph) {
    const std::uint64_t d = w.net.degree(i);
    if (d == 0) return -1;
    return w.net.neighbors[w.net.offsets[i] + r.below(d)];
  }
  if (w.net.kind == Network::Kind::Complete && w.pop.n > 1) {
    std::uint64_t j = r.below(w.pop.n - 1);
    return static_cast<std::int64_t>(j >= i ? j + 1 : j);
  }
  return -1;
}

void research(BlockContext& c, std::uint32_t i, Rng& r) {
  Rng mem = c.w.rng(i, c.day, Stream::Memory);  // version 2's memory thresholds (a block when read)
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  const auto& seg = w.sc.segments[p.segment[i]];
  const int n = r.poisson(seg.sources_mean);
  const double total = b.share_reviews + b.share_brand + b.share_neighbors;
  std::uint64_t touched = 0, read_reviews = 0, read_brand = 0;
  const std::size_t base = static_cast<std::size_t>(i) * w.K;
  for (int s = 0; s < n; ++s) {
    const double u = r.uniform() * total;
    if (u < b.share_reviews) {
      // Review pages: which product's reviews show up follows its search visibility.
      const int k = w.sample_visible_product(r.uniform());
      touched |= 1ull << k;
      c.count(kSourcesRead, k) += 1;
      make_aware(c, i, k, false);
      remember(c, i, k, &mem);
      if (read_reviews & (1ull << k)) continue;  // the same page again adds nothing
      read_reviews |= 1ull << k;
      const double cnt = static_cast<double>(w.platform.count[k]);
      if (cnt > 0)
        model::gaussian_update(p.belief[base + k], p.precision[base + k], w.platform.research_quality[k],
                               b.review_precision * model::count_weight(cnt, b.review_count_half));
    } else if (u < b.share_reviews + b.share_brand) {
      // Brand content: makes the product known; an incomplete page may drop it.
      const int k = w.sample_visible_product(r.uniform());
      touched |= 1ull << k;
      c.count(kSourcesRead, k) += 1;
      make_aware(c, i, k, false);
      remember(c, i, k, &mem);
      if (read_brand & (1ull << k)) continue;
      read_brand |= 1ull << k;
      const auto& prod = w.sc.products[k];
      if (!r.bernoulli(prod.info_completeness)) {
        if (r.bernoulli(b.incomplete_drop_prob)) p.pflags[base + k] |= kDropped;
      } else {
        model::gaussian_update(p.belief[base + k], p.precision[base + k], prod.claim, b.content_precision);
        p.salience[base + k] = std::min(1.0f, p.salience[base + k] + static_cast<float>(b.ad_salience));
        remember(c, i, k, &mem);
      }
    } else {
      // A neighbour's experience, as it stood yesterday.
      const std::int64_t j = pick_neighbor(w, i, r);
      if (j < 0 || p.shared[j].product < 0) continue;
      const int k = p.shared[j].product;
      touched |= 1ull << k;
      c.count(kSourcesRead, k) += 1;
      make_aware(c, i, k, false);
      remember(c, i, k, &mem);
      model::gaussian_update(p.belief[base + k], p.precision[base + k], p.shared[j].score / 10.0, b.neighbor_precision);
    }
  }
  for (int k = 0; k < w.K; ++k)
    if (touched & (1ull << k)) c.count(kResearchers, k) += 1;
}

}  // namespace

void zmot(BlockContext& c) {
  auto& w = c.w;
  auto& p = w.pop;
  for (std::uint32_t i : c.buf.decide) {
    if (p.flags[i] & kResearched) continue;  // once per need episode
    p.flags[i] |= kResearched;
    decay_salience(w, i, c.day);
    Rng r = w.rng(i, c.day, Stream::Zmot);
    const int loyal = p.loyal[i];
    if (loyal >= 0 && !(p.pflags[static_cast<std::size_t>(i) * w.K + loyal] & kLost) &&
        r.bernoulli(w.sc.behavior.loyal_skip_research))
      continue;  // a loyal customer goes straight to the brand
    if (r.bernoulli(w.sc.segments[p.segment[i]].research_prob)) research(c, i, r);
  }
}

int consideration_set(const World& w, std::uint32_t i, int* out, std::int32_t day) {
  const auto& p = w.pop;
  const std::size_t base = static_cast<std::size_t>(i) * w.K;
  const double sw = w.sc.behavior.salience_weight;
  double score[kMaxProducts];
  int n = 0;
  for (int k = 0; k < w.K; ++k) {
    const std::uint8_t f = p.pflags[base + k];
    if (!(f & kAware) || (f & (kLost | kDropped))) continue;
    score[k] = p.belief[base + k] + sw * p.salience[base + k];
    out[n++] = k;
  }
  const int cmax = static_cast<int>(w.sc.behavior.consideration_max);
  if (n > cmax) {
    // Equal scores in random order (a uniform per product, keyed by agent and day), or by index.
    double tie[64];
    Rng r = w.rng(i, day < 0 ? 0 : day, Stream::Tie);
    for (int k = 0; k < w.K; ++k) tie[k] = day < 0 ? -k : r.uniform();
    std::partial_sort(out, out + cmax, out + n,
                      [&](int a, int b) { return score[a] > score[b] || (score[a] == score[b] && tie[a] > tie[b]); });
    n = cmax;
  }
  return n;
}

}  // namespace motsim::stage
