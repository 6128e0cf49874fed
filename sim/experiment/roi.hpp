#pragma once
// Is it worth doing? Each variant's incremental profit and incremental discretionary spend
// against the base (paired over replicates, as every difference of a comparison), the return
// on that spend, and the payback day. Definitions: docs/model.md section 7.10.
#include <vector>

#include "sim/experiment/stats.hpp"

namespace motsim {

// Incremental profit / incremental spend: what each unit of extra spend returns beyond paying
// for itself (the profit is net of the spend). NaN when the spend does not grow (below 0.01, a
// cent: rounding; a lever that costs nothing more, or saves, has no return on spend), when the
// spend is under 1% of the change in profit (the change came from a free lever or from volume,
// not from the spend: a ratio above 100 is not reported), or when either is NaN.
double return_on_spend(double incremental_profit, double incremental_spend);

// The first day from which the cumulative sum of the daily incremental profit stays >= 0 to the
// end; NaN if it ends below 0 (never paid back) or there are no days.
double payback_day(const std::vector<double>& incremental_daily_profit);

// The variant's discretionary spend without the volume effect: spend - sum over products of
// the base's discretionary unit cost x (variant units - base units), per replicate and column
// (products, then all products, which sums them). Selling more at the same unit cost is not
// spending more: what remains is the change in what is bought (campaigns, content, answers,
// fixed costs, and the change of the quality and accessory unit cost on the variant's units).
// [replicate][column] each; `base_unit_cost` [product].
std::vector<std::vector<double>> spend_net_of_volume(const std::vector<std::vector<double>>& variant_spend,
                                                     const std::vector<std::vector<double>>& base_units,
                                                     const std::vector<std::vector<double>>& variant_units,
                                                     const std::vector<double>& base_unit_cost);

// One variant against the base, per product column (the products, then all products).
struct VariantEconomics {
  std::vector<MeanCi> profit, spend;  // paired differences over replicates
  std::vector<double> roi, payback;   // return_on_spend of the means; payback_day of the mean series
};

// `base_profit`, `variant_profit`, `base_spend`, `variant_spend`: [replicate][column] KPI values;
// `base_daily`, `variant_daily`: the mean daily profit over replicates, [day * K + product].
// The all-products column's daily series is the sum over products.
VariantEconomics variant_economics(const std::vector<std::vector<double>>& base_profit,
                                   const std::vector<std::vector<double>>& variant_profit,
                                   const std::vector<std::vector<double>>& base_spend,
                                   const std::vector<std::vector<double>>& variant_spend,
                                   const std::vector<double>& base_daily, const std::vector<double>& variant_daily,
                                   int K);

}  // namespace motsim
