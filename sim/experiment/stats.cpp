#include "sim/experiment/stats.hpp"

#include <cmath>

namespace motsim {

double t975(int df) {
  static const double table[] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
                                 2.3060, 2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
                                 2.1199, 2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
                                 2.0639, 2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df <= 0) return NAN;
  if (df <= 30) return table[df];
  // Cornish-Fisher expansion around the normal quantile (error below 1e-4 for df > 30).
  const double z = 1.959964, d = df;
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

MeanCi mean_ci(const std::vector<double>& v) {
  MeanCi r;
  double s = 0;
  for (double x : v)
    if (!std::isnan(x)) {
      s += x;
      ++r.n;
    }
  if (r.n == 0) return {NAN, NAN, 0};
  r.mean = s / r.n;
  if (r.n < 2) return r;
  double ss = 0;
  for (double x : v)
    if (!std::isnan(x)) ss += (x - r.mean) * (x - r.mean);
  r.half = t975(r.n - 1) * std::sqrt(ss / (r.n - 1)) / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace motsim
