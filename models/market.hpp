#pragma once
// The market: the review platform and the pure functions of the journey's mechanisms,
// each with its equation and source (docs/model.md, "Submodels").
#include <array>
#include <cstdint>
#include <vector>

#include "models/params.hpp"

namespace motsim {

struct ReviewRecord {
  std::int32_t day;
  std::uint32_t agent;
  std::int16_t product;
  std::int8_t stars;
  std::int8_t answered;
};

// Reviews posted so far, per product. What it displays is refreshed between days, so a
// review is visible from the day after it was posted.
struct ReviewPlatform {
  int K = 0;
  std::vector<std::array<std::int64_t, 5>> hist;
  std::vector<std::array<std::int64_t, 5>> answered_hist;
  std::vector<std::int64_t> count;
  std::vector<double> displayed_mean;    // plain mean of stars (0 when there is none)
  std::vector<double> research_quality;  // quality-scale mean a researcher reads (answered negatives weigh less)
  std::array<double, 5> star_quality{};  // quality (0-10) a star stands for

  void init(const std::vector<Product>& products, const BehaviorParams& b);
  void add(const ReviewRecord& r);
  void refresh(const BehaviorParams& b);
};

namespace model {

// Peak-end rule (Kahneman et al. 1993): remembered = (peak + end) / 2, where the peak is the
// most intense episode (largest |x - neutral|) and the end the last one; mean = experiencing self.
struct PeakEnd {
  double peak, end, remembered, mean;
};
// With weights, episode i's intensity |x_i - neutral| counts weight[i] times when the peak is
// chosen: an incident (a breakdown, a missing part, a customer-service call) stands out in
// memory more than an ordinary moment of use ("bad is stronger than good", Baumeister et al.
// 2001), so a product that broke after a good start is remembered by the breakdown.
PeakEnd peak_end(const double* x, int n, double neutral, const double* weight = nullptr);

// Taste (horizontal fit; Kwark, Chen & Raghunathan 2014; Sun 2012): the performance a consumer
// gets from a product is quality + fit + episode noise, with fit a lasting trait of the pair.
// taste_share of the variance quality_sd^2 is fit, the rest varies between episodes.
struct Performance {
  double mean, sd;  // of this consumer's episodes
};
Performance performance(double quality, double quality_sd, double taste_share, double fit_z);
// The fit's standard score: Laplace (double exponential) with variance 1, from u in (0, 1] and a
// uniform for the sign, truncated at 4 (0.17% of the mass lies beyond). Heavier tails than a normal: most consumers get
// about the typical product, a few love or hate it (docs/model.md 7.6: a normal fit failed the J-shape at quality 3.5).
double taste_z(double u, double sign_u);

// An incident's experienced value, of varying severity (z standard normal): unresolved,
// incident_value + incident_sd z in [0, neutral]; resolved by customer service, what a use of the
// product is worth to this consumer (`use`) plus recovery_bonus + incident_sd z, in [0, 10]: good
// service pleases (the recovery paradox on satisfaction, de Matos, Henrique & Rossi 2007).
double incident_episode(bool resolved, double z, double use, const BehaviorParams& b);

// Trust (reliability): what behaviour remembers of an experience with `incidents` incidents,
// resolved or not: R - trust_loss x incidents, in [0, 10]. Satisfaction (R) and repurchase part
// ways after a recovery (de Matos, Henrique & Rossi 2007; Maxham & Netemeyer 2002).
double trusted_value(double remembered, int incidents, double trust_loss);

// Forgetting: days a product stays in memory after a contact, salience s (at least ad_salience:
// any contact leaves one contact's trace). The product is forgotten when its salience, decaying
// by salience_decay a day, falls below a threshold drawn uniformly in (0, recall_threshold):
//     days = (ln(s / recall_threshold) - ln u) / -ln(1 - salience_decay),  u uniform in (0, 1],
// at least 1 (a contact is remembered through its day). -1: never forgotten (recall_threshold
// or salience_decay 0). Advertising carryover: Leone 1995, Broadbent's adstock.
std::int64_t recall_days(double salience, double u, const BehaviorParams& b);
// The same with -log1p(-b.salience_decay) computed once by the caller (the same value, so the
// same days): for the loops that remember many contacts.
std::int64_t recall_days(double salience, double u, const BehaviorParams& b, double log_keep);

// Expectation-disconfirmation (Oliver 1980): x = perf + c (perf - expectation), clamped to [0, 10].
double experienced_value(double performance, double expectation, double c);

// Self-selection of reviewers (Hu, Pavlou & Zhang 2009; Anderson 1998):
// p = base (1 + a d^gamma), at most 1, a = review_extremity above r (brag) and
// review_extremity_negative below (moan), d the distance of R from review_reference r as a share of
// the room on its side: (R - r)/(10 - r) above, (r - R)/r below (0 at r, 1 at 0 and 10).
double review_probability(double base, double remembered, const BehaviorParams& b);

// Stars 1..5 from a 0-10 score through the four cut points.
int stars_from_score(double score, const std::array<double, 4>& cuts);

// Herding (Muchnik, Aral & Taylor 2013) as turnout: the factor on a buyer's probability to post,
// given the stars it would give and the displayed mean m (no reviews: 1). m >= 3: a positive
// rater (4-5 stars) posts 1 + herding_positive (m - 3)/2 times as often, others as before (a
// positive prior made the first viewer 32% more likely to rate positively, with no effect on
// negative ratings); m < 3: every rater 1 + herding_negative (3 - m)/2 (greater turnout both
// ways, no net effect on the mean: negative herding corrected).
double herding_turnout(double displayed_mean, std::int64_t count, int stars, const BehaviorParams& b);

// Gaussian (normal-normal) belief update with an observation of given precision.
void gaussian_update(float& mean, float& precision, double observation, double obs_precision);

// Weight g(n) = n / (n + half) of a displayed rating with n reviews.
inline double count_weight(double n, double half) { return half <= 0 ? (n > 0 ? 1.0 : 0.0) : n / (n + half); }

// Multinomial logit with an outside option: returns the chosen index in [0, n) or -1 for
// "do not buy now". u is a uniform draw in [0, 1).
int mnl_choice(const double* v, int n, double v0, double u);
// The choice mnl_choice makes whatever u, or kUncertain when it depends on u: a single
// alternative beside an outside option of weight 0 (exp(v0 - v) underflows) is always chosen.
inline constexpr int kUncertain = -2;
int mnl_certain(const double* v, int n, double v0);

}  // namespace model
}  // namespace motsim
