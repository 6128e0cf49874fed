// Stage 3, FMOT: the decision in seconds (MODEL.md "FMOT").
#include <cmath>

#include "models/journey.hpp"

namespace motsim::stage {

namespace {

void purchase(BlockContext& c, std::uint32_t i, int k, Rng& r) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& prod = w.sc.products[k];
  const std::size_t ik = static_cast<std::size_t>(i) * w.K + k;
  c.count(kPurchases, k) += 1;
  if (!(p.pflags[ik] & kBought)) {
    p.pflags[ik] |= kBought;
    c.count(kNewAdopters, k) += 1;
  }
  p.flags[i] |= kEverBought;
  remember_owned(c, i, k);
  p.owned[i] = static_cast<std::int8_t>(k);
  p.expectation[i] = p.belief[ik];
  p.purchase_day[i] = c.day;
  if (!w.sc.behavior.experience) {
    // Bass limit: every purchase satisfies; the owner recommends from tomorrow.
    c.buf.shared.push_back({i, static_cast<std::int8_t>(k), 100, 1});
    schedule_next_need(w, i, c.day);
    return;
  }
  if (r.bernoulli(prod.delivery_problem_prob))
    p.flags[i] |= kDeliveryProblem;
  else
    p.flags[i] &= static_cast<std::uint8_t>(~kDeliveryProblem);
  p.phase[i] = static_cast<std::uint8_t>(Phase::Delivery);
  p.next_day[i] = c.day + static_cast<std::int32_t>(std::ceil(prod.delivery_days));
  if (p.next_day[i] <= c.day) begin_use(c, i);
}

}  // namespace

void fmot(BlockContext& c) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  int set[kMaxProducts];
  double v[kMaxProducts];
  for (std::uint32_t i : c.buf.decide) {
    decay_salience(w, i, c.day);
    const int n = consideration_set(w, i, set, c.day);
    const auto& seg = w.sc.segments[p.segment[i]];
    const std::size_t base = static_cast<std::size_t>(i) * w.K;
    for (int j = 0; j < n; ++j) {
      const int k = set[j];
      const auto& prod = w.sc.products[k];
      c.count(kConsidered, k) += 1;
      // V_k = b_q belief - b_p price + (b_r (rating - 3) + b_v) g(count) + b_l loyal - b_i (1 - info)
      const double cnt = static_cast<double>(w.platform.count[k]);
      const double g = model::count_weight(cnt, b.rating_count_weight_half);
      const double reviews =
          cnt > 0 ? (seg.rating_weight * (w.platform.displayed_mean[k] - 3.0) + seg.review_volume_weight) * g : 0.0;
      v[j] = seg.quality_weight * p.belief[base + k] - p.price_sens[i] * prod.price + reviews +
             (p.loyal[i] == k ? b.loyalty_weight : 0.0) - b.info_weight * (1.0 - prod.info_completeness);
    }
    Rng r = w.rng(i, c.day, Stream::Fmot);
    int choice = -1;  // nothing considered: no purchase, no draw
    if (n > 0) {
      choice = model::mnl_certain(v, n, b.outside_utility);
      if (choice == model::kUncertain)
        choice = model::mnl_choice(v, n, b.outside_utility, r.uniform());
      else
        r.skip();  // certain: the draw keeps its rank in the stream
    }
    if (choice >= 0) {
      purchase(c, i, set[choice], r);
    } else {
      const std::int32_t next = c.day + static_cast<std::int32_t>(std::ceil(b.redecide_days));
      if (next >= p.need_deadline[i])
        schedule_next_need(w, i, c.day);  // the need lapses unmet
      else
        p.next_day[i] = next;
    }
  }
}

}  // namespace motsim::stage
