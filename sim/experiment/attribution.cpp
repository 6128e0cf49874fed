#include "sim/experiment/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "sim/core/errors.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/experiment/compare_format.hpp"
#include "sim/experiment/stats.hpp"
#include "sim/input/scenario.hpp"

namespace motsim {
namespace {

// The scenario as a run uses it: without its free text, its path, notes and replicate (set per run).
std::string run_text(Scenario s) {
  s.title.clear();
  s.question.clear();
  s.simulation.replicate = 0;
  return scenario_to_toml(s);
}

std::size_t index_of(const ShapleyPlan& plan, std::uint64_t coalition) {
  const auto it = std::lower_bound(plan.coalitions.begin(), plan.coalitions.end(), coalition);
  return static_cast<std::size_t>(it - plan.coalitions.begin());
}

// The members of a coalition by lever name, for messages.
std::string members(const AttributionSetup& a, std::uint64_t c) {
  std::string s;
  for (std::size_t i = 0; i < a.levers.size(); ++i)
    if (c >> i & 1) s += (s.empty() ? "" : ", ") + a.levers[i].name;
  return s.empty() ? "none" : s;
}

}  // namespace

AttributionSetup prepare_attribution(const std::string& base_path, const std::vector<std::string>& sets,
                                     const Scenario& base, const Scenario& variant, int samples) {
  AttributionSetup a;
  a.base = base;
  a.variant = variant;
  a.changes = scenario_diff(base, variant);
  a.levers = group_levers(a.changes);
  if (a.levers.empty())
    throw InputError("compare --attribute: error: " + variant.source_path +
                     " changes no key of the base's resolved scenario: there is nothing to attribute");
  if (static_cast<int>(a.levers.size()) > kMaxPlayers)
    throw InputError("compare --attribute: error: " + std::to_string(a.levers.size()) + " levers; at most " +
                     std::to_string(kMaxPlayers) + " can be attributed");
  if (static_cast<int>(a.levers.size()) > kMaxExactPlayers && (samples < 2 || samples > 100000))
    throw InputError("compare --attribute-samples " + std::to_string(samples) +
                     ": error: expected 2 to 100000 permutations");
  a.plan = shapley_plan(static_cast<int>(a.levers.size()), samples, static_cast<std::uint64_t>(base.simulation.seed));
  const ParsedScenario parsed(base_path);
  for (std::uint64_t c : a.plan.coalitions) {
    if (c == 0)
      a.scenarios.push_back(base);
    else if (c == a.plan.full())
      a.scenarios.push_back(variant);
    else
      a.scenarios.push_back(with_levers(parsed, sets, a.levers, c));
  }
  // The base with every lever must be the variant: else the attribution would explain another scenario.
  if (run_text(with_levers(parsed, sets, a.levers, a.plan.full())) != run_text(variant))
    throw InputError("compare --attribute: error: the base with every changed key of " + variant.source_path +
                     " applied is not the variant (are its segments in another order?); cannot attribute");
  return a;
}

AttributionRuns run_coalitions(const AttributionSetup& a, const KpiRuns& base, const KpiRuns& variant, int threads,
                               bool quiet, const RunHooks& hooks) {
  const int R = static_cast<int>(base.size());
  const std::size_t C = a.plan.coalitions.size();
  AttributionRuns out;
  out.kpis.assign(C, KpiRuns(static_cast<std::size_t>(R)));
  out.kpis[0] = base;
  out.kpis[C - 1] = variant;  // coalitions are sorted: the full one is last
  out.total = static_cast<int>(C - 2) * R;
  for (int r = 0; r < R; ++r)
    for (std::size_t c = 1; c + 1 < C; ++c) {
      if (hooks.stopped()) return out;
      Scenario sc = a.scenarios[c];
      sc.simulation.replicate = a.base.simulation.replicate + r;  // common random numbers
      Simulation sim(sc, threads);
      sim.run({}, false, hooks.flag());
      if (hooks.stopped()) return out;
      out.kpis[c][static_cast<std::size_t>(r)] = kpi_rows(sim.results());
      ++out.done;
      hooks.report(2 * R + out.done, 2 * R + out.total);
      if (!quiet)
        std::fprintf(stderr, "attribution run %d/%d: levers {%s}, replicate %d (%.1fs)\n", out.done, out.total,
                     members(a, a.plan.coalitions[c]).c_str(), r, sim.results().run_seconds);
    }
  return out;
}

namespace {

// The game of one replicate (r >= 0) or of the means over replicates (r < 0): each coalition's
// KPIs flattened as [kpi * (K + 1) + product].
std::vector<std::vector<double>> game(const AttributionRuns& runs, int r) {
  std::vector<std::vector<double>> g;
  for (const auto& c : runs.kpis) {
    std::vector<double> v;
    const std::size_t R = c.size();
    for (std::size_t j = 0; j < c[0].size(); ++j)
      for (std::size_t k = 0; k < c[0][j].size(); ++k) {
        double x = 0;
        if (r >= 0)
          x = c[static_cast<std::size_t>(r)][j][k];
        else
          for (std::size_t q = 0; q < R; ++q) x += c[q][j][k] / static_cast<double>(R);
        v.push_back(x);
      }
    g.push_back(std::move(v));
  }
  return g;
}

ShapleyValues solve(const ShapleyPlan& plan, const std::vector<std::vector<double>>& g) {
  return shapley_values(plan, [&](std::uint64_t c) -> const std::vector<double>& { return g[index_of(plan, c)]; });
}

// The largest |x[i]| / |scale[i % scale.size()]| over finite, non-zero scales.
double largest_relative(const std::vector<double>& x, const std::vector<double>& scale) {
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double s = std::abs(scale[i % scale.size()]);
    if (std::isfinite(s) && s > 0 && std::isfinite(x[i])) worst = std::max(worst, std::abs(x[i]) / s);
  }
  return worst;
}

void fill_meta(const AttributionSetup& a, CompareAttribution& c) {
  for (const auto& l : a.levers) c.levers.push_back(l.name);
  c.method = a.plan.exact ? "exact" : "sampled";
  long long orders = 1;
  for (int i = 2; i <= a.plan.players && a.plan.exact; ++i) orders *= i;
  c.permutations = a.plan.exact ? orders : static_cast<long long>(a.plan.permutations.size());
  c.coalitions = static_cast<long long>(a.plan.coalitions.size());
}

}  // namespace

namespace {

// The half-width of the 95% interval over replicates of f(values of replicate r, m), for each m.
template <class F>
std::vector<double> halves_over(const std::vector<ShapleyValues>& per, std::size_t M, F f) {
  std::vector<double> out(M), v(per.size());
  for (std::size_t m = 0; m < M; ++m) {
    for (std::size_t r = 0; r < per.size(); ++r) v[r] = f(per[r], m);
    out[m] = mean_ci(v).half;
  }
  return out;
}

// The largest |sum of the Shapley values - total| relative to the base's level.
double sum_residual(const ShapleyValues& mean, const std::vector<double>& base_mean) {
  std::vector<double> residual(mean.total.size());
  for (std::size_t m = 0; m < residual.size(); ++m) {
    double sum = 0;
    for (const auto& phi : mean.shapley) sum += phi[m];
    residual[m] = sum - mean.total[m];
  }
  return largest_relative(residual, base_mean);
}

}  // namespace

CompareAttribution attribute(const AttributionSetup& a, const AttributionRuns& runs) {
  CompareAttribution c;
  fill_meta(a, c);
  const auto mean_game = game(runs, -1);
  const ShapleyValues mean = solve(a.plan, mean_game);  // Shapley values are linear: of the means, the mean
  std::vector<ShapleyValues> per;                       // per replicate, for the intervals
  for (std::size_t r = 0; r < runs.kpis[0].size(); ++r) per.push_back(solve(a.plan, game(runs, static_cast<int>(r))));
  const std::size_t M = mean.total.size();
  for (std::size_t i = 0; i < a.levers.size(); ++i) {
    const auto ci = halves_over(per, M, [i](const ShapleyValues& p, std::size_t m) { return p.shapley[i][m]; });
    c.shapley.insert(c.shapley.end(), mean.shapley[i].begin(), mean.shapley[i].end());
    c.shapley_ci95.insert(c.shapley_ci95.end(), ci.begin(), ci.end());
    c.shapley_se.insert(c.shapley_se.end(), mean.standard_error[i].begin(), mean.standard_error[i].end());
    c.main_effect.insert(c.main_effect.end(), mean.main_effect[i].begin(), mean.main_effect[i].end());
  }
  c.total = mean.total;
  c.interaction = mean.interaction;
  c.total_ci95 = halves_over(per, M, [](const ShapleyValues& p, std::size_t m) { return p.total[m]; });
  c.interaction_ci95 = halves_over(per, M, [](const ShapleyValues& p, std::size_t m) { return p.interaction[m]; });
  c.max_error = largest_relative(c.shapley_se, mean_game[0]);
  c.sum_residual = sum_residual(mean, mean_game[0]);
  return c;
}

namespace {

// The products the levers name: product.NAME.KEY, and the product of a campaign changed.
std::vector<std::size_t> focus_products(const AttributionSetup& a) {
  std::set<std::string> names;
  for (const auto& ch : a.changes) {
    if (ch.key.rfind("product.", 0) == 0) names.insert(ch.key.substr(8, ch.key.find('.', 8) - 8));
    if (ch.key.rfind("campaign.", 0) != 0) continue;
    const std::size_t i = std::stoul(ch.key.substr(9));
    if (i < a.variant.campaigns.size()) names.insert(a.variant.campaigns[i].product);
    if (i < a.base.campaigns.size()) names.insert(a.base.campaigns[i].product);
  }
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < a.base.products.size(); ++k)
    if (names.count(a.base.products[k].name)) out.push_back(k);
  return out;
}

// The KPIs the table shows, by index into compare_kpis(): units, net revenue, profit (when listed).
std::vector<std::size_t> shown_kpis() {
  std::vector<std::size_t> out;
  const auto& kl = compare_kpis();
  for (const char* n : {"units", "net_revenue", "profit"})
    for (std::size_t j = 0; j < kl.size(); ++j)
      if (std::string(kl[j].name) == n) out.push_back(j);
  return out;
}

// A table cell: padded to 24 characters, except the last of its row.
std::string column(const std::string& text, bool last) { return last ? text : pad(text, 24); }

void print_product(const AttributionSetup& a, const CompareAttribution& c, std::size_t k, const std::string& label) {
  const auto& kl = compare_kpis();
  const auto kpis = shown_kpis();
  const std::size_t J = kl.size(), K1 = a.base.products.size() + 1, L = a.levers.size();
  std::size_t w = 28;
  for (const auto& l : a.levers) w = std::max(w, std::min<std::size_t>(l.name.size() + 2, 60));
  std::printf("\n  %s\n  %s", label.c_str(), pad("lever", w).c_str());
  for (std::size_t j : kpis) std::printf("%s", column(kl[j].name, j == kpis.back()).c_str());
  for (std::size_t l = 0; l < L; ++l) {
    std::printf("\n  %s", pad(a.levers[l].name, w).c_str());
    for (std::size_t j : kpis) {
      const std::size_t i = (l * J + j) * K1 + k;
      std::printf(
          "%s", column(fmt_ci(MeanCi{c.shapley[i], c.shapley_ci95[i], 0}, kl[j].name, true), j == kpis.back()).c_str());
    }
  }
  const char* rows[] = {"total (the difference)", "one at a time, summed", "interaction (total - that)"};
  for (int row = 0; row < 3; ++row) {
    std::printf("\n  %s", pad(rows[row], w).c_str());
    for (std::size_t j : kpis) {
      const std::size_t t = j * K1 + k;
      MeanCi v{row == 0 ? c.total[t] : c.interaction[t], row == 0 ? c.total_ci95[t] : c.interaction_ci95[t], 0};
      if (row == 1) {
        v = MeanCi{0, NAN, 0};
        for (std::size_t l = 0; l < L; ++l) v.mean += c.main_effect[(l * J + j) * K1 + k];
      }
      std::string text = row == 1 ? fmt(v.mean, kl[j].name) : fmt_ci(v, kl[j].name, true);
      if (row == 1 && v.mean > 0) text.insert(0, 1, '+');
      std::printf("%s", column(text, j == kpis.back()).c_str());
    }
  }
  std::printf("\n");
}

}  // namespace

void print_attribution(const AttributionSetup& a, const CompareAttribution& c, const std::vector<std::string>& names,
                       int replicates) {
  std::printf("\n== attribution: %s vs %s, Shapley values of %zu levers (%s", names[1].c_str(), names[0].c_str(),
              a.levers.size(), c.method.c_str());
  if (c.method == "sampled") std::printf(", %lld permutations", c.permutations);
  std::printf(", %lld sub-scenarios x %d replicates)\n  mean ± 95%% confidence interval over replicates\n",
              c.coalitions, replicates);
  for (std::size_t k : focus_products(a)) print_product(a, c, k, a.base.products[k].name);
  print_product(a, c, a.base.products.size(), "all products");
  std::printf("\n  check: the Shapley values sum to the total effect (largest difference %.1e of the base's level)\n",
              c.sum_residual);
  if (c.method == "sampled")
    std::printf("  sampling error over permutations: at most %.1e of the base's level (standard error)\n", c.max_error);
}

}  // namespace motsim
