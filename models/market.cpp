#include "models/market.hpp"

#include <algorithm>
#include <cmath>

namespace motsim {

void ReviewPlatform::init(const std::vector<Product>& products, const BehaviorParams& b) {
  K = static_cast<int>(products.size());
  hist.assign(K, {0, 0, 0, 0, 0});
  answered_hist.assign(K, {0, 0, 0, 0, 0});
  count.assign(K, 0);
  displayed_mean.assign(K, 0.0);
  research_quality.assign(K, 0.0);
  const auto& c = b.star_cuts;
  star_quality = {c[0] / 2, (c[0] + c[1]) / 2, (c[1] + c[2]) / 2, (c[2] + c[3]) / 2, (c[3] + 10.0) / 2};
  for (int k = 0; k < K; ++k)
    for (int s = 0; s < 5; ++s) hist[k][s] = products[k].initial_ratings[s];
  refresh(b);
}

void ReviewPlatform::add(const ReviewRecord& r) {
  hist[r.product][r.stars - 1] += 1;
  if (r.answered) answered_hist[r.product][r.stars - 1] += 1;
}

void ReviewPlatform::refresh(const BehaviorParams& b) {
  for (int k = 0; k < K; ++k) {
    std::int64_t n = 0, sum = 0;
    double wsum = 0, wq = 0;
    for (int s = 0; s < 5; ++s) {
      n += hist[k][s];
      sum += hist[k][s] * (s + 1);
      const double w = static_cast<double>(hist[k][s]) - (1.0 - b.answered_weight) * answered_hist[k][s];
      wsum += w;
      wq += w * star_quality[s];
    }
    count[k] = n;
    displayed_mean[k] = n ? static_cast<double>(sum) / n : 0.0;
    research_quality[k] = wsum > 0 ? wq / wsum : 0.0;
  }
}

namespace model {

PeakEnd peak_end(const double* x, int n, double neutral, const double* weight) {
  PeakEnd r{neutral, neutral, neutral, neutral};
  if (n <= 0) return r;
  double best = -1, sum = 0;
  for (int i = 0; i < n; ++i) {
    const double intensity = std::abs(x[i] - neutral) * (weight ? weight[i] : 1.0);
    if (intensity > best) {
      best = intensity;
      r.peak = x[i];
    }
    sum += x[i];
  }
  r.end = x[n - 1];
  r.remembered = 0.5 * (r.peak + r.end);
  r.mean = sum / n;
  return r;
}

double experienced_value(double performance, double expectation, double c) {
  return std::clamp(performance + c * (performance - expectation), 0.0, 10.0);
}

double review_probability(double base, double remembered, const BehaviorParams& b) {
  const double ref = std::clamp(b.review_reference, 1e-9, 10.0 - 1e-9);
  const bool above = remembered >= ref;
  const double d = above ? (remembered - ref) / (10.0 - ref) : (ref - remembered) / ref;
  const double a = above ? b.review_extremity : b.review_extremity_negative;
  return std::min(1.0, base * (1.0 + a * std::pow(d, b.review_gamma)));
}

int stars_from_score(double score, const std::array<double, 4>& cuts) {
  int s = 1;
  for (double c : cuts) s += score >= c;
  return s;
}

double herding_turnout(double displayed_mean, std::int64_t count, int stars, const BehaviorParams& b) {
  if (count <= 0) return 1.0;
  const double d = (displayed_mean - 3.0) / 2.0;  // -1 (all 1 star) .. 1 (all 5 stars)
  if (d >= 0) return stars >= 4 ? 1.0 + b.herding_positive * d : 1.0;
  return 1.0 - b.herding_negative * d;
}

Performance performance(double quality, double quality_sd, double taste_share, double fit_z) {
  const double t = std::clamp(taste_share, 0.0, 1.0);
  return {quality + quality_sd * std::sqrt(t) * fit_z, quality_sd * std::sqrt(1.0 - t)};
}

double taste_z(double u, double sign_u) {
  const double z = std::min(4.0, -std::log(u) / std::sqrt(2.0));  // at most 4 sd (0.17% of the mass beyond)
  return sign_u < 0.5 ? -z : z;
}

double incident_episode(bool resolved, double z, double use, const BehaviorParams& b) {
  if (resolved) return std::clamp(use + b.recovery_bonus + b.incident_sd * z, 0.0, 10.0);
  return std::clamp(b.incident_value + b.incident_sd * z, 0.0, std::max(b.neutral, b.incident_value));
}

double trusted_value(double remembered, int incidents, double trust_loss) {
  return std::clamp(remembered - trust_loss * incidents, 0.0, 10.0);
}

std::int64_t recall_days(double salience, double u, const BehaviorParams& b) {
  return recall_days(salience, u, b, -std::log1p(-b.salience_decay));
}

std::int64_t recall_days(double salience, double u, const BehaviorParams& b, double log_keep) {
  if (b.recall_threshold <= 0 || b.salience_decay <= 0) return -1;
  if (b.salience_decay >= 1) return 1;
  const double s = std::max(salience, b.ad_salience);
  const double days = (std::log(s / b.recall_threshold) - std::log(u)) / log_keep;
  if (!(days < 1e9)) return -1;  // a trace that outlives any run (or s = inf)
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(days)));
}

void gaussian_update(float& mean, float& precision, double observation, double obs_precision) {
  if (obs_precision <= 0) return;
  const double p = precision + obs_precision;
  mean = static_cast<float>((precision * mean + obs_precision * observation) / p);
  precision = static_cast<float>(p);
}

int mnl_choice(const double* v, int n, double v0, double u) {
  double m = v0;
  for (int i = 0; i < n; ++i) m = std::max(m, v[i]);
  double w[65];
  const double w0 = std::exp(v0 - m);  // the outside option
  double total = w0;
  for (int i = 0; i < n; ++i) {
    w[i] = std::exp(v[i] - m);
    total += w[i];
  }
  double x = u * total - w0;
  if (x < 0) return -1;
  for (int i = 0; i < n; ++i) {
    x -= w[i];
    if (x < 0) return i;
  }
  return n - 1;
}

int mnl_certain(const double* v, int n, double v0) {
  if (n != 1) return kUncertain;
  const double d = v0 - std::max(v0, v[0]);
  // exp(d) is 0 below about -745.13 (the smallest subnormal); exp itself decides near it
  if (d < -746.0) return 0;
  return std::exp(d) == 0.0 ? 0 : kUncertain;
}

}  // namespace model
}  // namespace motsim
