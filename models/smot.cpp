// Stage 4, SMOT: living with the product (MODEL.md "SMOT").
#include <cmath>

#include "models/journey.hpp"

namespace motsim::stage {

namespace {

// What an experience leaves: the remembering self's R (peak-end), the experiencing self's
// mean, and what behaviour keeps after its incidents (trust).
struct Lived {
  double remembered, mean, trusted;
};

// An incident: the customer may contact customer service, which resolves it with the
// product's service quality. Returns the episode's value, of random severity (`use`: what a use
// of the product is worth to this consumer); `resolved` tells whether the problem is gone.
double incident(BlockContext& c, int k, Rng& r, double use, bool& resolved) {
  const auto& b = c.w.sc.behavior;
  c.count(kIncidents, k) += 1;
  const bool contact = r.bernoulli(b.service_contact_prob);
  if (contact) c.count(kComplaints, k) += 1;
  resolved = contact && r.bernoulli(c.w.sc.products[k].service_quality);
  if (!contact) r.skip();  // the resolution draw keeps its rank
  if (resolved) c.count(kRecoveries, k) += 1;
  return model::incident_episode(resolved, r.normal(), use, b);
}

// The episodes: incidents at the start (a delivery problem, a missing accessory), the usage
// episodes with perhaps a defect before one of them (resolved, the product works again;
// unresolved, it spoils that use and the rest: the product does not work), and an after-sales
// follow-up that ends the experience.
Lived live(BlockContext& c, std::uint32_t i, int k, Rng& r) {
  auto& w = c.w;
  const auto& b = w.sc.behavior;
  const auto& prod = w.sc.products[k];
  auto& x = c.buf.episodes;
  auto& wt = c.buf.episode_weights;
  x.clear();
  wt.clear();
  Rng taste = w.rng(i, 0, Stream::Taste, k);  // the same every time: a trait of the pair
  const double u = taste.uniform_pos();
  const double fit = model::taste_z(u, taste.uniform());
  const auto perf = model::performance(prod.quality, prod.quality_sd, b.taste_share, fit);
  const double expectation = w.pop.expectation[i];
  auto use = [&] { return model::experienced_value(r.normal(perf.mean, perf.sd), expectation, b.disconfirmation); };
  int incidents = 0;
  bool resolved;
  auto add_incident = [&] {
    x.push_back(incident(c, k, r, use(), resolved));
    wt.push_back(b.incident_weight);
    ++incidents;
  };
  if (w.pop.flags[i] & kDeliveryProblem) {
    c.count(kDeliveryIncidents, k) += 1;  // reshipped (sim/engine/economics.cpp)
    add_incident();
  }
  if (r.bernoulli(prod.missing_accessory_prob)) add_incident();
  const int episodes = static_cast<int>(b.experience_episodes);
  const int defect_at = r.bernoulli(prod.defect_prob) ? static_cast<int>(r.below(episodes)) : -1;
  double broken = -1;  // an unresolved defect: the value of every later episode
  for (int e = 0; e < episodes; ++e) {
    if (e == defect_at) {  // a defect before this use: resolved, the product works again
      add_incident();
      if (!resolved) broken = x.back();
    }
    const double v = use();
    x.push_back(broken >= 0 ? broken : v);
    wt.push_back(broken >= 0 ? b.incident_weight : 1.0);
  }
  if (prod.follow_up_value >= 0) {
    x.push_back(prod.follow_up_value);
    wt.push_back(1.0);
  }
  const auto pe = model::peak_end(x.data(), static_cast<int>(x.size()), b.neutral, wt.data());
  return {pe.remembered, pe.mean, model::trusted_value(pe.remembered, incidents, b.trust_loss)};
}

// Satisfaction, NPS and every buyer's stars, all from the remembered experience R.
void count_experience(BlockContext& c, int k, const Lived& e) {
  const auto& b = c.w.sc.behavior;
  const double R = e.remembered;
  c.count(kExperiences, k) += 1;
  c.buf.sum(kRememberedSum, k, c.w.K) += R;
  c.buf.sum(kExperiencedSum, k, c.w.K) += e.mean;
  if (R >= b.satisfied_threshold) c.count(kSatisfied, k) += 1;
  if (R < b.dissatisfied_threshold) c.count(kDissatisfied, k) += 1;
  // The stars this buyer would give if every buyer rated (Hu, Pavlou & Zhang 2009).
  c.buf.experience_stars[static_cast<std::size_t>(k) * 5 + model::stars_from_score(R, b.star_cuts) - 1] += 1;
  if (R >= b.promoter_threshold) c.count(kPromoters, k) += 1;  // net promoter score
  if (R < b.detractor_threshold) c.count(kDetractors, k) += 1;
}

// What the agent does with it: behaviour reads the trusted value (belief, brand lost, loyalty,
// what neighbours hear); a return follows dissatisfaction (R).
void conclude(BlockContext& c, std::uint32_t i, int k, const Lived& e) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  const auto& prod = w.sc.products[k];
  const double T = e.trusted;
  const std::size_t ik = static_cast<std::size_t>(i) * w.K + k;
  model::gaussian_update(p.belief[ik], p.precision[ik], T, b.own_experience_precision);
  if (T < b.churn_threshold && !(p.pflags[ik] & kLost)) {
    p.pflags[ik] |= kLost;  // lost forever: never considered again
    c.count(kLostCustomers, k) += 1;
    if (p.loyal[i] == k) p.loyal[i] = -1;
  } else if (T >= b.loyalty_threshold) {
    p.loyal[i] = static_cast<std::int8_t>(k);
  }
  // The withdrawal window runs from delivery (EU Directive 2011/83/EU, art. 9: 14 days from
  // taking possession of the goods), so the delivery time does not eat into it.
  const auto delivered = p.purchase_day[i] + static_cast<std::int32_t>(std::ceil(prod.delivery_days));
  const bool refund = prod.refund_window_days > 0 && (c.day - delivered) <= prod.refund_window_days &&
                      e.remembered < b.refund_threshold;
  const auto score = static_cast<std::uint8_t>(std::lround(T * 10.0));
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
}

}  // namespace

void smot(BlockContext& c) {
  for (std::uint32_t i : c.buf.finish) {
    const int k = c.w.pop.owned[i];
    Rng r = c.w.rng(i, c.day, Stream::Smot);
    const Lived e = live(c, i, k, r);
    count_experience(c, k, e);
    conclude(c, i, k, e);
    c.buf.finish_R.push_back(static_cast<float>(e.remembered));
  }
}

}  // namespace motsim::stage
