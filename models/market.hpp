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
PeakEnd peak_end(const double* x, int n, double neutral);

// Expectation-disconfirmation (Oliver 1980): x = perf + c (perf - expectation), clamped to [0, 10].
double experienced_value(double performance, double expectation, double c);

// Self-selection of reviewers (Hu, Pavlou & Zhang 2009):
// p = base (1 + a (|R - neutral| / 5)^gamma), at most 1.
double review_probability(double base, double remembered, const BehaviorParams& b);

// Stars 1..5 from a 0-10 score through the four cut points.
int stars_from_score(double score, const std::array<double, 4>& cuts);

// Herding (Muchnik, Aral & Taylor 2013): shift of the rater's score by the displayed mean;
// positive prior nudges persist, negative ones are largely corrected.
double herding_shift(double displayed_mean, std::int64_t count, const BehaviorParams& b);

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
