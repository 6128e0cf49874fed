#include "sim/studio/result_json.hpp"

#include <cmath>

#include "sim/engine/kpis.hpp"

namespace motsim::studio {
namespace {

using nlohmann::json;

// [K + 1] values of a flat [.., J, K + 1] array at (s, j); NaN becomes null in the JSON.
json row(const std::vector<double>& v, std::size_t s, std::size_t j, std::size_t J, std::size_t K1) {
  json r = json::array();
  for (std::size_t k = 0; k < K1; ++k) {
    const double x = v[(s * J + j) * K1 + k];
    r.push_back(std::isfinite(x) ? json(x) : json(nullptr));
  }
  return r;
}

json kpis_json(const CompareFile& c) {
  const std::size_t J = c.kpi_names.size(), K1 = c.products.size() + 1;
  json out = json::array();
  for (std::size_t j = 0; j < J; ++j) {
    json sig = json::array();
    for (std::size_t k = 0; k < K1; ++k) sig.push_back(c.diff_significant[j * K1 + k] > 0.5);
    std::string description;
    bool additive = false;
    for (const auto& k : compare_kpis())
      if (c.kpi_names[j] == k.name) description = k.description, additive = k.additive;
    out.push_back({{"name", c.kpi_names[j]},
                   {"description", description},
                   {"additive", additive},
                   {"good", c.kpi_good.empty() ? 0 : static_cast<int>(c.kpi_good[j])},
                   {"base", {{"mean", row(c.mean, 0, j, J, K1)}, {"ci95", row(c.ci95, 0, j, J, K1)}}},
                   {"variant", {{"mean", row(c.mean, 1, j, J, K1)}, {"ci95", row(c.ci95, 1, j, J, K1)}}},
                   {"diff",
                    {{"mean", row(c.diff_mean, 0, j, J, K1)},
                     {"ci95", row(c.diff_ci95, 0, j, J, K1)},
                     {"relative", row(c.diff_relative, 0, j, J, K1)},
                     {"significant", sig}}}});
  }
  return out;
}

json economics_json(const CompareFile& c) {
  if (!c.has_economics) return nullptr;
  const std::size_t K1 = c.products.size() + 1;
  return {{"incremental_profit", row(c.incremental_profit, 0, 0, 1, K1)},
          {"incremental_profit_ci95", row(c.incremental_profit_ci95, 0, 0, 1, K1)},
          {"roi", row(c.roi, 0, 0, 1, K1)},
          {"payback_day", row(c.payback_day, 0, 0, 1, K1)}};
}

const std::vector<double>* series_of(const CompareFile& c, const std::string& name) {
  for (std::size_t m = 0; m < c.series_names.size(); ++m)
    if (c.series_names[m] == name) return &c.series[m];
  return nullptr;
}

// [day][K] of scenario s.
json series_rows(const std::vector<double>& v, std::size_t s, std::size_t D, std::size_t K) {
  json out = json::array();
  for (std::size_t d = 0; d < D; ++d) {
    json r = json::array();
    for (std::size_t k = 0; k < K; ++k) {
      const double x = v[(s * D + d) * K + k];
      r.push_back(std::isfinite(x) ? json(x) : json(nullptr));
    }
    out.push_back(r);
  }
  return out;
}

// The funnel: consumers aware of each brand at the end, then the journey's events summed over
// the days (research sessions, considerations, purchases, satisfying experiences, reviews).
json funnel_json(const CompareFile& c) {
  struct Stage {
    const char *series, *moment, *label;
    bool stock;
  };
  const Stage stages[] = {
      {"aware", "stimulus", "aware at the end", true},        {"researchers", "zmot", "research sessions", false},
      {"considered", "zmot", "considerations", false},        {"purchases", "fmot", "purchases", false},
      {"satisfied", "smot", "satisfying experiences", false}, {"reviews", "tmot", "reviews posted", false}};
  const std::size_t D = c.series_days, K = c.products.size();
  json out = {{"stages", json::array()}, {"base", json::array()}, {"variant", json::array()}};
  for (const auto& st : stages) {
    const auto* v = series_of(c, st.series);
    if (!v) continue;
    out["stages"].push_back({{"moment", st.moment}, {"label", st.label}});
    for (std::size_t s = 0; s < 2; ++s) {
      std::vector<double> r(K + 1, 0.0);
      for (std::size_t k = 0; k < K; ++k) {
        double x = 0;
        for (std::size_t d = st.stock ? D - 1 : 0; d < D; ++d) x += (*v)[(s * D + d) * K + k];
        r[k] = x;
        r[K] += x;
      }
      out[s == 0 ? "base" : "variant"].push_back(r);
    }
  }
  return out;
}

json stars_json(const CompareFile& c, std::size_t s) {
  const std::size_t K = c.products.size();
  json d = json::array(), e = json::array();
  for (std::size_t k = 0; k < K; ++k) {
    json a = json::array(), b = json::array();
    for (std::size_t i = 0; i < 5; ++i) {
      a.push_back(c.displayed_stars[(s * K + k) * 5 + i]);
      b.push_back(c.experience_stars[(s * K + k) * 5 + i]);
    }
    d.push_back(a);
    e.push_back(b);
  }
  return {{"displayed", d}, {"experience", e}};
}

json attribution_json(const CompareFile& c) {
  if (!c.has_attribution) return nullptr;
  const auto& a = c.attribution;
  const std::size_t N = a.levers.size(), J = c.kpi_names.size(), K1 = c.products.size() + 1;
  json sh = json::array(), in = json::array();
  for (std::size_t n = 0; n < N; ++n) {
    json per = json::array();
    for (std::size_t j = 0; j < J; ++j) per.push_back(row(a.shapley, n, j, J, K1));
    sh.push_back(per);
  }
  for (std::size_t j = 0; j < J; ++j) in.push_back(row(a.interaction, 0, j, J, K1));
  return {{"levers", a.levers}, {"kpis", c.kpi_names}, {"method", a.method}, {"shapley", sh}, {"interaction", in}};
}

}  // namespace

nlohmann::json result_json(const CompareFile& c, const std::vector<std::string>& focus) {
  json changes = json::array();
  for (std::size_t i = 0; i < c.levers.key.size(); ++i)
    changes.push_back({{"key", c.levers.key[i]}, {"base", c.levers.base[i]}, {"variant", c.levers.variant[i]}});
  json series = {{"names", c.series_names}, {"base", json::object()}, {"variant", json::object()}};
  const std::size_t D = c.series_days, K = c.products.size();
  for (std::size_t m = 0; m < c.series_names.size(); ++m) {
    series["base"][c.series_names[m]] = series_rows(c.series[m], 0, D, K);
    series["variant"][c.series_names[m]] = series_rows(c.series[m], 1, D, K);
  }
  return {{"products", c.products},
          {"scenarios", c.scenario_names},
          {"replicates", c.replicates},
          {"agents", c.scenario_agents.empty() ? 0 : c.scenario_agents[0]},
          {"days", c.days},
          {"changes", changes},
          {"focus", focus.empty() ? json(c.products) : json(focus)},
          {"kpis", kpis_json(c)},
          {"economics", economics_json(c)},
          {"funnel", funnel_json(c)},
          {"series", series},
          {"stars", {{"base", stars_json(c, 0)}, {"variant", stars_json(c, 1)}}},
          {"attribution", attribution_json(c)}};
}

}  // namespace motsim::studio
