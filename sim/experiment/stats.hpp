#pragma once
// Small statistics for comparing runs: means with Student-t confidence intervals.
#include <vector>

namespace motsim {

struct MeanCi {
  double mean = 0;
  double half = 0;  // half-width of the 95% confidence interval (0 with one value)
  int n = 0;
};

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
double t975(int df);
// Mean and 95% confidence interval of the values (NaN values are skipped).
MeanCi mean_ci(const std::vector<double>& v);

}  // namespace motsim
