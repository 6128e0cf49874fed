#include "sim/experiment/roi.hpp"

#include <cmath>
#include <stdexcept>

namespace motsim {

namespace {
// Below a cent, a spend is rounding (sums of a run's days in another order), not a purchase.
constexpr double kMinSpend = 0.01;
// A spend under 1% of the change in profit did not make that change (a free lever did, or the
// volume): its ratio, above 100, would not be a return on it.
constexpr double kMaterial = 0.01;
}  // namespace

double return_on_spend(double incremental_profit, double incremental_spend) {
  if (std::isnan(incremental_profit) || std::isnan(incremental_spend) || !(incremental_spend >= kMinSpend)) return NAN;
  if (incremental_spend < kMaterial * std::abs(incremental_profit)) return NAN;  // the gain is not the spend's
  return incremental_profit / incremental_spend;
}

double payback_day(const std::vector<double>& incremental_daily_profit) {
  double cum = 0;
  double first = NAN;  // the start of the current run of days with cum >= 0
  for (std::size_t d = 0; d < incremental_daily_profit.size(); ++d) {
    cum += incremental_daily_profit[d];
    if (!(cum >= 0))
      first = NAN;
    else if (std::isnan(first))
      first = static_cast<double>(d);
  }
  return first;
}

namespace {

// Column k of every replicate, [replicate].
std::vector<double> column(const std::vector<std::vector<double>>& v, std::size_t k) {
  std::vector<double> c;
  c.reserve(v.size());
  for (const auto& r : v) c.push_back(k < r.size() ? r[k] : NAN);
  return c;
}

// Mean over the pairs without a NaN of variant - base, with its 95% interval.
MeanCi paired(const std::vector<double>& base, const std::vector<double>& variant) {
  if (base.size() != variant.size()) throw std::invalid_argument("variant_economics: replicates differ");
  std::vector<double> d(base.size());
  for (std::size_t r = 0; r < base.size(); ++r) d[r] = variant[r] - base[r];
  return mean_ci(d);
}

// Daily incremental profit of column k (k == K: every product together).
std::vector<double> incremental_daily(const std::vector<double>& base, const std::vector<double>& variant, int K,
                                      int k) {
  const std::size_t D = base.size() / static_cast<std::size_t>(K);
  std::vector<double> inc(D, 0.0);
  for (std::size_t d = 0; d < D; ++d)
    for (int j = 0; j < K; ++j)
      if (j == k || k == K) inc[d] += variant[d * K + j] - base[d * K + j];
  return inc;
}

}  // namespace

std::vector<std::vector<double>> spend_net_of_volume(const std::vector<std::vector<double>>& variant_spend,
                                                     const std::vector<std::vector<double>>& base_units,
                                                     const std::vector<std::vector<double>>& variant_units,
                                                     const std::vector<double>& base_unit_cost) {
  const std::size_t K = base_unit_cost.size();
  if (base_units.size() != variant_spend.size() || variant_units.size() != variant_spend.size())
    throw std::invalid_argument("spend_net_of_volume: replicates differ");
  std::vector<std::vector<double>> out = variant_spend;
  for (std::size_t r = 0; r < out.size(); ++r) {
    if (out[r].size() != K + 1 || base_units[r].size() != K + 1 || variant_units[r].size() != K + 1)
      throw std::invalid_argument("spend_net_of_volume: columns differ");
    double all = 0;
    for (std::size_t k = 0; k < K; ++k) {
      const double volume = base_unit_cost[k] * (variant_units[r][k] - base_units[r][k]);
      out[r][k] -= volume;
      all += volume;
    }
    out[r][K] -= all;
  }
  return out;
}

VariantEconomics variant_economics(const std::vector<std::vector<double>>& base_profit,
                                   const std::vector<std::vector<double>>& variant_profit,
                                   const std::vector<std::vector<double>>& base_spend,
                                   const std::vector<std::vector<double>>& variant_spend,
                                   const std::vector<double>& base_daily, const std::vector<double>& variant_daily,
                                   int K) {
  if (base_daily.size() != variant_daily.size() || K <= 0 || base_daily.size() % static_cast<std::size_t>(K) != 0)
    throw std::invalid_argument("variant_economics: daily series of different shapes");
  VariantEconomics e;
  for (int k = 0; k <= K; ++k) {
    const auto kk = static_cast<std::size_t>(k);
    e.profit.push_back(paired(column(base_profit, kk), column(variant_profit, kk)));
    e.spend.push_back(paired(column(base_spend, kk), column(variant_spend, kk)));
    e.roi.push_back(return_on_spend(e.profit.back().mean, e.spend.back().mean));
    e.payback.push_back(payback_day(incremental_daily(base_daily, variant_daily, K, k)));
  }
  return e;
}

}  // namespace motsim
