// Stage 4, SMOT: living with the product (MODEL.md "SMOT").
#include <cmath>

#include "models/journey.hpp"

namespace motsim::stage {

namespace {

// An incident: the customer may contact customer service, which resolves it with the
// product's service quality. Returns the episode's experienced value; `resolved` tells
// whether the problem is gone.
double incident(BlockContext& c, int k, Rng& r, bool& resolved) {
  const auto& b = c.w.sc.behavior;
  resolved = false;
  c.count(kIncidents, k) += 1;
  if (!r.bernoulli(b.service_contact_prob)) return b.incident_value;
  c.count(kComplaints, k) += 1;
  if (!r.bernoulli(c.w.sc.products[k].service_quality)) return b.incident_value;
  c.count(kRecoveries, k) += 1;
  resolved = true;
  return b.recovery_value;
}

}  // namespace

void smot(BlockContext& c) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  auto& x = c.buf.episodes;
  for (std::uint32_t i : c.buf.finish) {
    const int k = p.owned[i];
    const auto& prod = w.sc.products[k];
    Rng r = w.rng(i, c.day, Stream::Smot);
    x.clear();
    // Incidents at the start: a delivery problem, a missing accessory.
    bool resolved;
    if (p.flags[i] & kDeliveryProblem) {
      c.count(kDeliveryIncidents, k) += 1;
      x.push_back(incident(c, k, r, resolved));
    }
    if (r.bernoulli(prod.missing_accessory_prob)) x.push_back(incident(c, k, r, resolved));
    const int episodes = static_cast<int>(b.experience_episodes);
    const int defect_at = r.bernoulli(prod.defect_prob) ? static_cast<int>(r.below(episodes)) : -1;
    bool broken = false;  // an unresolved defect: the product no longer works
    for (int e = 0; e < episodes; ++e) {
      if (e == defect_at) {
        x.push_back(incident(c, k, r, resolved));
        broken = !resolved;
        continue;
      }
      const double perf = r.normal(prod.quality, prod.quality_sd);
      x.push_back(broken ? b.incident_value : model::experienced_value(perf, p.expectation[i], b.disconfirmation));
    }
    // An after-sales follow-up closes the experience: the end the remembering self keeps.
    if (prod.follow_up_value >= 0) x.push_back(prod.follow_up_value);
    const auto pe = model::peak_end(x.data(), static_cast<int>(x.size()), b.neutral);
    const double R = pe.remembered;
    c.count(kExperiences, k) += 1;
    c.buf.sum(kRememberedSum, k, w.K) += R;
    c.buf.sum(kExperiencedSum, k, w.K) += pe.mean;
    if (R >= b.satisfied_threshold) c.count(kSatisfied, k) += 1;
    if (R < b.dissatisfied_threshold) c.count(kDissatisfied, k) += 1;
    // The stars this buyer would give if every buyer rated (Hu, Pavlou & Zhang 2009).
    c.buf.experience_stars[static_cast<std::size_t>(k) * 5 + model::stars_from_score(R, b.star_cuts) - 1] += 1;
    if (R >= b.promoter_threshold) c.count(kPromoters, k) += 1;  // net promoter score
    if (R < b.detractor_threshold) c.count(kDetractors, k) += 1;

    const std::size_t ik = static_cast<std::size_t>(i) * w.K + k;
    model::gaussian_update(p.belief[ik], p.precision[ik], R, b.own_experience_precision);
    if (R < b.churn_threshold && !(p.pflags[ik] & kLost)) {
      p.pflags[ik] |= kLost;  // lost forever: never considered again
      c.count(kLostCustomers, k) += 1;
      if (p.loyal[i] == k) p.loyal[i] = -1;
    } else if (R >= b.loyalty_threshold) {
      p.loyal[i] = static_cast<std::int8_t>(k);
    }
    // The withdrawal window runs from delivery (EU Directive 2011/83/EU, art. 9: 14 days from
    // taking possession of the goods), so the delivery time does not eat into it.
    const auto delivered = p.purchase_day[i] + static_cast<std::int32_t>(std::ceil(prod.delivery_days));
    const bool refund =
        prod.refund_window_days > 0 && (c.day - delivered) <= prod.refund_window_days && R < b.refund_threshold;
    const auto score = static_cast<std::uint8_t>(std::lround(R * 10.0));
    c.buf.shared.push_back({i, static_cast<std::int8_t>(k), score, static_cast<std::uint8_t>(refund ? 0 : 1)});
    if (refund) c.count(kRefunds, k) += 1;
    if (refund && b.repeat_purchase) {
      // The product goes back and the need is still there: the journey restarts tomorrow.
      p.phase[i] = static_cast<std::uint8_t>(Phase::Idle);
      p.next_day[i] = c.day + 1;
    } else {
      // Without repeat purchases an agent buys at most once: a refund ends its journey too
      // (World::retired() already treats it as finished).
      schedule_next_need(w, i, c.day);
    }
    c.buf.finish_R.push_back(static_cast<float>(R));
  }
}

}  // namespace motsim::stage
