// Stage 5, TMOT/UMOT: sharing the experience (MODEL.md "TMOT/UMOT").
#include <algorithm>

#include "models/journey.hpp"

namespace motsim::stage {

void tmot(BlockContext& c) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  for (std::size_t j = 0; j < c.buf.finish.size(); ++j) {
    const std::uint32_t i = c.buf.finish[j];
    const int k = p.owned[i];
    const double R = c.buf.finish_R[j];
    Rng r = w.rng(i, c.day, Stream::Tmot);
    const double base = w.sc.segments[p.segment[i]].review_propensity;
    const int stars = model::stars_from_score(R, b.star_cuts);
    // Herding: the rating displayed yesterday changes who posts.
    const double herd = model::herding_turnout(w.platform.displayed_mean[k], w.platform.count[k], stars, b);
    if (!r.bernoulli(std::min(1.0, herd * model::review_probability(base, R, b)))) continue;
    const bool answered = stars <= 2 && r.bernoulli(w.sc.products[k].response_rate);
    c.count(kReviews, k) += 1;
    if (answered) c.count(kAnswered, k) += 1;
    c.buf.reviews.push_back(
        {c.day, i, static_cast<std::int16_t>(k), static_cast<std::int8_t>(stars), static_cast<std::int8_t>(answered)});
  }
}

}  // namespace motsim::stage
