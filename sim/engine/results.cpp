#include "sim/engine/results.hpp"

#include <algorithm>
#include <stdexcept>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace motsim {

void Results::init(int d, int k, std::uint32_t n) {
  days = d;
  K = k;
  agents = n;
  const std::size_t dk = static_cast<std::size_t>(d) * k;
  counts.assign(kNumCounts * dk, 0);
  sums.assign(kNumSums * dk, 0.0);
  aware.assign(dk, 0);
  adopters.assign(dk, 0);
  rating_mean.assign(dk, 0.0);
  rating_count.assign(dk, 0);
  rating_hist.assign(dk * 5, 0);
  experience_stars.assign(dk * 5, 0);
  reviews.clear();
}

std::int64_t Results::total(Count c, int k) const {
  std::int64_t t = 0;
  for (int d = 0; d < days_done; ++d) t += count(c, d, k);
  return t;
}

std::vector<std::string> daily_series_names() {
  std::vector<std::string> v(kCountNames.begin(), kCountNames.end());
  for (const char* s : {"aware", "adopters", "rating_mean", "rating_count", "revenue"}) v.push_back(s);
  for (const auto& s : economic_series_names()) v.push_back(s);
  return v;
}

std::vector<double> daily_series(const Results& r, const std::string& name) {
  const std::size_t DK = static_cast<std::size_t>(r.days_done) * r.K;
  std::vector<double> s(DK);
  const auto day = [&](std::size_t i) { return static_cast<int>(i / r.K); };
  const auto prod = [&](std::size_t i) { return static_cast<int>(i % r.K); };
  if (name == "aware") {
    for (std::size_t i = 0; i < DK; ++i) s[i] = static_cast<double>(r.aware[i]);
  } else if (name == "adopters") {
    for (std::size_t i = 0; i < DK; ++i) s[i] = static_cast<double>(r.adopters[i]);
  } else if (name == "rating_mean") {
    for (std::size_t i = 0; i < DK; ++i) s[i] = r.rating_mean[i];
  } else if (name == "rating_count") {
    for (std::size_t i = 0; i < DK; ++i) s[i] = static_cast<double>(r.rating_count[i]);
  } else if (name == "revenue") {
    for (std::size_t i = 0; i < DK; ++i)
      s[i] = static_cast<double>(r.count(kPurchases, day(i), prod(i))) * r.prices[prod(i)];
  } else if (const auto& en = economic_series_names(); std::find(en.begin(), en.end(), name) != en.end()) {
    s = *economic_series(r).named(name);
  } else {
    const auto it = std::find(kCountNames.begin(), kCountNames.end(), name);
    if (it == kCountNames.end()) throw std::invalid_argument("daily_series: no series '" + name + "'");
    const auto c = static_cast<Count>(it - kCountNames.begin());
    for (std::size_t i = 0; i < DK; ++i) s[i] = static_cast<double>(r.count(c, day(i), prod(i)));
  }
  return s;
}

Kpis compute_kpis(const Results& r) {
  Kpis out;
  auto add = [&](const char* name, const char* desc, std::vector<double> v) {
    out.names.push_back(name);
    out.descriptions.push_back(desc);
    out.values.push_back(std::move(v));
  };
  const int K = r.K;
  const int last = r.days_done - 1;
  std::vector<double> units(K), revenue(K), refunds(K), refunded(K), net(K), share(K), lost(K), rating(K), reviews(K),
      nps(K), awareness(K), adopters(K), satisfaction(K);
  double total_units = 0;
  for (int k = 0; k < K; ++k) total_units += static_cast<double>(r.total(kPurchases, k));
  for (int k = 0; k < K; ++k) {
    units[k] = static_cast<double>(r.total(kPurchases, k));
    revenue[k] = units[k] * r.prices[k];
    refunds[k] = static_cast<double>(r.total(kRefunds, k));
    refunded[k] = refunds[k] * r.prices[k];
    net[k] = revenue[k] - refunded[k];
    share[k] = total_units > 0 ? units[k] / total_units : 0.0;
    lost[k] = static_cast<double>(r.total(kLostCustomers, k));
    rating[k] = last >= 0 && r.rating_count[static_cast<std::size_t>(last) * K + k] > 0
                    ? r.rating_mean[static_cast<std::size_t>(last) * K + k]
                    : NAN;
    reviews[k] = static_cast<double>(r.total(kReviews, k));
    const double ex = static_cast<double>(r.total(kExperiences, k));
    nps[k] = ex > 0 ? 100.0 * (r.total(kPromoters, k) - r.total(kDetractors, k)) / ex : NAN;
    double ssum = 0;
    for (int d = 0; d < r.days_done; ++d) ssum += r.sum(kRememberedSum, d, k);
    satisfaction[k] = ex > 0 ? ssum / ex : NAN;
    awareness[k] = last >= 0 ? static_cast<double>(r.aware[static_cast<std::size_t>(last) * K + k]) / r.agents : 0.0;
    adopters[k] = last >= 0 ? static_cast<double>(r.adopters[static_cast<std::size_t>(last) * K + k]) : 0.0;
  }
  add("units", "units sold", units);
  add("revenue", "revenue before refunds (currency)", revenue);
  add("net_revenue", "revenue after refunds (currency)", net);
  add("market_share", "share of units sold in the category", share);
  add("refunds", "products returned", refunds);
  add("refunded_amount", "money refunded (currency)", refunded);
  add("lost_customers", "customers who lost the brand forever", lost);
  add("rating", "displayed mean rating at the end (stars, NaN without reviews)", rating);
  add("reviews", "reviews posted", reviews);
  add("nps", "net promoter score: % promoters (R>=9) - % detractors (R<7)", nps);
  add("awareness", "share of consumers aware at the end", awareness);
  add("adopters", "distinct buyers", adopters);
  add("satisfaction", "mean remembered satisfaction (0-10)", satisfaction);
  for (auto& e : economic_kpis(r)) add(e.name, e.description, std::move(e.values));
  return out;
}

std::string format_kpi_table(const Results& r, const Kpis& k) {
  std::ostringstream o;
  char buf[64];
  std::size_t w = 16;
  for (auto& n : r.products) w = std::max(w, n.size() + 2);
  std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), "KPI");
  o << buf;
  for (auto& n : r.products) {
    std::snprintf(buf, sizeof buf, "%14s", n.c_str());
    o << buf;
  }
  o << '\n';
  for (std::size_t i = 0; i < k.names.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%-*s", static_cast<int>(w), k.names[i].c_str());
    o << buf;
    for (double v : k.values[i]) {
      if (std::isnan(v))
        std::snprintf(buf, sizeof buf, "%14s", "-");
      else if (k.names[i] == "market_share" || k.names[i] == "awareness")
        std::snprintf(buf, sizeof buf, "%13.1f%%", 100 * v);
      else if (k.names[i] == "rating" || k.names[i] == "satisfaction" || k.names[i] == "nps")
        std::snprintf(buf, sizeof buf, "%14.2f", v);
      else
        std::snprintf(buf, sizeof buf, "%14.0f", v);
      o << buf;
    }
    o << '\n';
  }
  return o.str();
}

}  // namespace motsim
