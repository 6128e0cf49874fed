#include "sim/experiment/roi.hpp"

#include <cmath>
#include <stdexcept>

namespace motsim {

double return_on_spend(double incremental_profit, double incremental_spend) {
  if (std::isnan(incremental_profit) || std::isnan(incremental_spend) || !(incremental_spend > 0)) return NAN;
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
