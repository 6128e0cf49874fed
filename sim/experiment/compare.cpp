#include "sim/experiment/compare.hpp"
#include "sim/core/files.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "motsim/version.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/engine/economics.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/abc.hpp"
#include "sim/experiment/attribution.hpp"
#include "sim/experiment/compare_format.hpp"
#include "sim/experiment/roi.hpp"
#include "sim/experiment/stats.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/scenario.hpp"
#include "sim/input/scenario_diff.hpp"
#include "sim/io/calibration_file.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/io/output.hpp"

namespace fs = std::filesystem;

namespace motsim {

namespace {

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

// The scenarios compared, loaded and checked against the base.
struct Study {
  std::vector<Scenario> scenarios;  // the base first
  std::vector<std::string> names, paths;
  std::vector<std::string> sets;                // the --set overrides every scenario was loaded with
  std::vector<std::vector<KeyChange>> changes;  // [s]: how scenario s differs from the base (none for the base)
  std::vector<std::vector<std::string>> posterior_sets;  // [r]: --set values of posterior draw r (--posterior)
  int S = 0, R = 0, J = 0, K = 0, D = 0;                 // scenarios, replicates, KPIs, products, days
  const Scenario& base() const { return scenarios[0]; }
};

void check_options(const CompareOptions& opt) {
  if (opt.scenarios.size() < 2)
    throw InputError(
        "compare: error: give a base scenario and at least one variant, e.g. motsim compare "
        "scenarios/baseline.toml scenarios/price_cut.toml");
  if (opt.replicates < 2 || opt.replicates > 10000)
    throw InputError("compare: error: --replicates " + std::to_string(opt.replicates) +
                     " is out of range; expected 2 to 10000 (confidence intervals need at least 2)");
  if (opt.attribute && !opt.posterior.empty())
    throw InputError(
        "compare --attribute --posterior: error: an attribution under posterior uncertainty is not "
        "supported yet; attribute at fixed parameters (without --posterior)");
  if (opt.attribute && opt.scenarios.size() != 2)
    throw InputError("compare --attribute: error: give one base and exactly one variant (got " +
                     std::to_string(opt.scenarios.size() - 1) +
                     " variants); an attribution splits one variant's difference among its levers");
}

std::vector<std::string> product_names(const Scenario& sc) {
  std::vector<std::string> n;
  for (const auto& p : sc.products) n.push_back(p.name);
  return n;
}

// The variant's `key` must equal the base's (common random numbers); `advice` says what to do.
void check_same(const std::string& path, const char* key, std::int64_t variant, std::int64_t base, const char* advice) {
  if (variant != base)
    throw InputError(path + ": error: " + key + " = " + std::to_string(variant) + " differs from the base's " +
                     std::to_string(base) + "; " + advice);
}

// A variant must have the base's products, replicate key, seed and stream version (common random
// numbers); the days are aligned before (align_horizons).
void check_variant(const Scenario& base, const Scenario& sc, const std::string& base_path, const std::string& path) {
  if (product_names(base) != product_names(sc))
    throw InputError(path + ": error: its products differ from the base's (" + base_path +
                     "); a comparison needs the same products in the same order");
  // Common random numbers: replicate r must use the same random key in every scenario.
  // simulation.replicate is set by compare itself (the base's key + r): a variant's own would be
  // ignored.
  check_same(path, "simulation.replicate", sc.simulation.replicate, base.simulation.replicate,
             "compare sets every scenario's replicate key itself (replicate r uses the base's key + r): remove it "
             "from the variant");
  check_same(path, "simulation.seed", sc.simulation.seed, base.simulation.seed,
             "a comparison uses common random numbers: remove the seed from the variant or use --seed to set one "
             "for every scenario");
  check_same(path, "simulation.rng_streams", sc.simulation.rng_streams, base.simulation.rng_streams,
             "common random numbers need one version of the random streams: remove it from the variant or use --set "
             "simulation.rng_streams=N for every scenario");
}

// Every scenario runs over the same days. When they set different horizons (a lever whose
// effect outlives the first year may set simulation.days itself) and --days does not choose one,
// all run over the longest, which a note names; the runs then use these sets.
std::vector<std::string> align_horizons(const CompareOptions& opt, const std::vector<Scenario>& scenarios) {
  std::vector<std::string> sets = opt.sets;
  std::size_t longest = 0;
  for (std::size_t s = 1; s < scenarios.size(); ++s)
    if (scenarios[s].simulation.days > scenarios[longest].simulation.days) longest = s;
  const auto days = scenarios[longest].simulation.days;
  bool differ = false;
  for (const auto& sc : scenarios) differ |= sc.simulation.days != days;
  if (!differ) return sets;
  std::fprintf(stderr,
               "motsim: note: the scenarios set different horizons; every scenario runs over the longest, "
               "simulation.days = %lld (%s); use --days to choose another\n",
               static_cast<long long>(days), opt.scenarios[longest].c_str());
  sets.push_back("simulation.days=" + std::to_string(days));
  return sets;
}

Study load_study(const CompareOptions& opt) {
  Study st;
  std::vector<Scenario> first;
  for (const auto& p : opt.scenarios) first.push_back(load_scenario(p, opt.sets));
  st.sets = align_horizons(opt, first);
  for (std::size_t i = 0; i < opt.scenarios.size(); ++i) {
    const auto& p = opt.scenarios[i];
    st.scenarios.push_back(st.sets.size() == opt.sets.size() ? std::move(first[i]) : load_scenario(p, st.sets));
    print_notes(st.scenarios.back());
    std::string n = stem_of(p);
    while (std::find(st.names.begin(), st.names.end(), n) != st.names.end()) n += "_";
    st.names.push_back(n);
    st.paths.push_back(p);
  }
  st.changes.emplace_back();
  for (std::size_t s = 1; s < st.scenarios.size(); ++s) {
    check_variant(st.base(), st.scenarios[s], st.paths[0], st.paths[s]);
    st.changes.push_back(scenario_diff(st.base(), st.scenarios[s]));
  }
  st.S = static_cast<int>(st.scenarios.size());
  st.R = opt.replicates;
  st.J = static_cast<int>(compare_kpis().size());
  st.K = static_cast<int>(st.base().products.size());
  st.D = static_cast<int>(st.base().simulation.days);
  return st;
}

// The file to write: --out, or results/compare_BASE.h5 (creating results/).
std::string output_of(const CompareOptions& opt, const Study& st) {
  if (!opt.out.empty()) return opt.out;
  std::error_code ec;
  fs::create_directories("results", ec);
  return (fs::path("results") / ("compare_" + st.names[0] + ".h5")).string();
}

// What the replicates leave: every run's KPIs, and the series and star histograms averaged
// over replicates.
struct Replicates {
  std::vector<std::vector<std::vector<std::vector<double>>>> kpis;     // [s][r][j][k]
  std::vector<std::vector<double>> series_mean;                        // [s * M + m][day * K + k]
  std::vector<std::vector<double>> displayed_stars, experience_stars;  // [s][k * 5 + star - 1]
  int done = 0;
};

Replicates empty_replicates(const Study& st) {
  const std::size_t M = compare_series().size();
  Replicates rp;
  rp.kpis.assign(st.S, std::vector<std::vector<std::vector<double>>>(st.R));
  rp.series_mean.assign(st.S * M, std::vector<double>(static_cast<std::size_t>(st.D) * st.K, 0.0));
  rp.displayed_stars.assign(st.S, std::vector<double>(static_cast<std::size_t>(st.K) * 5, 0.0));
  rp.experience_stars = rp.displayed_stars;
  return rp;
}

void add_run(Replicates& rp, int s, int r, int R, const KeptRun& o) {
  const std::size_t M = compare_series().size();
  rp.kpis[s][r] = o.kpis;
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t i = 0; i < o.series[m].size(); ++i) rp.series_mean[s * M + m][i] += o.series[m][i] / R;
  for (std::size_t i = 0; i < o.displayed_stars.size(); ++i) {
    rp.displayed_stars[s][i] += o.displayed_stars[i] / R;
    rp.experience_stars[s][i] += o.experience_stars[i] / R;
  }
}

// Scenario s with posterior draw r's parameter values (--posterior).
Scenario with_draw(const Study& st, int s, int r) {
  auto sets = st.sets;
  sets.insert(sets.end(), st.posterior_sets[r].begin(), st.posterior_sets[r].end());
  return load_scenario(st.paths[s], sets);
}

// --posterior: each draw's values as --set values; a variant may not change a fitted key (the
// draw would replace its change). `scale` (consumers per agent) is not a scenario key: left out.
void load_posterior(const CompareOptions& opt, Study& st) {
  const PosteriorPopulation pd = read_posterior(opt.posterior);
  for (std::size_t s = 1; s < st.changes.size(); ++s)
    for (const auto& ch : st.changes[s])
      for (const auto& n : pd.names)
        if (ch.key == n)
          throw InputError(st.paths[s] + ": error: the variant changes " + n + ", a parameter " + opt.posterior +
                           " fits; --posterior would replace the variant's value by the posterior's");
  for (std::size_t i : systematic_resample(pd.weights, st.R)) {  // draw r: the same every time
    std::vector<std::string> sets;
    for (std::size_t j = 0; j < pd.names.size(); ++j)
      if (pd.names[j] != "scale") sets.push_back(pd.names[j] + "=" + set_literal(pd.names[j], pd.particles[i][j]));
    st.posterior_sets.push_back(sets);
  }
  if (std::find(pd.names.begin(), pd.names.end(), "scale") != pd.names.end())
    std::fprintf(stderr,
                 "motsim: note: %s fits 'scale' (consumers per agent); compare reports simulated agents, unscaled\n",
                 opt.posterior.c_str());
  if (!st.posterior_sets.empty()) (void)with_draw(st, 0, 0);  // a draw the base refuses stops here
}

// Runs replicate r of every scenario, for r = 0..R-1, until done or interrupted.
Replicates run_replicates(const Study& st, const CompareOptions& opt, const RunHooks& hooks, int total) {
  Replicates rp = empty_replicates(st);
  install_interrupt_handlers();
  for (int r = 0; r < st.R; ++r)
    for (int s = 0; s < st.S; ++s) {
      if (hooks.stopped()) return rp;
      Scenario sc = st.posterior_sets.empty() ? st.scenarios[s] : with_draw(st, s, r);
      sc.simulation.replicate = st.base().simulation.replicate + r;  // common random numbers
      // A network read from a file is named, not held, by the scenario's text: such runs are not remembered.
      RunCache* cache = sc.network.file.empty() ? hooks.cache : nullptr;
      const std::string key = cache ? scenario_to_toml(sc) : "";
      std::optional<KeptRun> kept = cache ? cache->find(key) : std::nullopt;
      double seconds = 0;
      if (!kept) {
        Simulation sim(sc, opt.threads);
        sim.run({}, false, hooks.flag());
        if (hooks.stopped()) return rp;
        kept = keep_run(sim.results());
        seconds = sim.results().run_seconds;
        if (cache) cache->store(key, *kept);
      }
      add_run(rp, s, r, st.R, *kept);
      ++rp.done;
      hooks.report(rp.done, total);
      if (!opt.quiet)
        std::fprintf(stderr, "run %d/%d: %s, replicate %d (%.1fs)\n", rp.done, st.S * st.R, st.names[s].c_str(), r,
                     seconds);
    }
  return rp;
}

// Statistics: per scenario, and paired differences from the base, flat [s][j][k] as in the
// file (differences: [s - 1][j][k]).
struct Summary {
  std::vector<MeanCi> stat, diff;
  std::vector<double> drel;
  std::vector<std::uint8_t> sig;
  int J = 0, K = 0;
  std::size_t at(int s, int j, int k) const { return (static_cast<std::size_t>(s) * J + j) * (K + 1) + k; }
};

Summary summarise(const Study& st, const Replicates& rp) {
  Summary sm;
  sm.J = st.J;
  sm.K = st.K;
  sm.stat.resize(static_cast<std::size_t>(st.S) * st.J * (st.K + 1));
  sm.diff.resize(static_cast<std::size_t>(st.S - 1) * st.J * (st.K + 1));
  sm.drel.resize(sm.diff.size());
  sm.sig.resize(sm.diff.size());
  for (int s = 0; s < st.S; ++s)
    for (int j = 0; j < st.J; ++j)
      for (int k = 0; k <= st.K; ++k) {
        std::vector<double> v, bv;
        for (int r = 0; r < st.R; ++r) {
          v.push_back(rp.kpis[s][r][j][k]);
          bv.push_back(rp.kpis[0][r][j][k]);
        }
        sm.stat[sm.at(s, j, k)] = mean_ci(v);
        if (s == 0) continue;
        const PairedDiff pd = paired_difference(bv, v);
        const std::size_t i = sm.at(s - 1, j, k);
        sm.diff[i] = pd.diff;
        const double b = sm.stat[sm.at(0, j, k)].mean;
        sm.drel[i] = (b != 0 && !std::isnan(b)) ? pd.diff.mean / b : NAN;
        sm.sig[i] = pd.significant;
      }
  return sm;
}

// A cost KPI, 0 in both scenarios when the scenario gives no costs (its row is left out).
bool is_cost(const std::string& kpi) {
  for (const char* c : {"cost_of_goods", "marketing_spend", "service_cost", "community_cost", "refund_cost",
                        "fixed_cost", "spend", "lost_customer_value"})
    if (kpi == c) return true;
  return false;
}

// One table row: the KPI, base and variant mean ± CI, the difference (relative, * when
// significant); nothing when neither has a value.
void print_row(const Summary& sm, int s, int j, int k) {
  const auto& kl = compare_kpis();
  const MeanCi& b = sm.stat[sm.at(0, j, k)];
  const MeanCi& v = sm.stat[sm.at(s, j, k)];
  if (std::isnan(b.mean) && std::isnan(v.mean)) return;
  if (is_cost(kl[j].name) && b.mean == 0 && v.mean == 0 && b.half == 0 && v.half == 0) return;  // not modelled
  const std::size_t i = sm.at(s - 1, j, k);
  std::string dtext = fmt_ci(sm.diff[i], kl[j].name, true);
  const std::string name = kl[j].name;
  if (!std::isnan(sm.drel[i]) && name != "market_share" && name != "awareness" && name != "nps") {
    char rel[32];
    std::snprintf(rel, sizeof rel, " (%+.1f%%)", 100 * sm.diff[i].mean / b.mean);
    dtext += rel;
  }
  if (sm.sig[i]) dtext += " *";
  std::printf("  %s%s%s%s\n", pad(kl[j].name, 21).c_str(), pad(fmt_ci(b, kl[j].name), 24).c_str(),
              pad(fmt_ci(v, kl[j].name), 24).c_str(), dtext.c_str());
}

// A value of the levers list, cut to `w` characters.
std::string cut(const std::string& s, std::size_t w) { return s.size() <= w ? s : s.substr(0, w - 3) + "..."; }

// The keys a variant changes: "KEY  BASE -> VARIANT", the first kMaxShown of them.
void print_levers(const std::vector<KeyChange>& changes) {
  constexpr std::size_t kMaxShown = 12;
  if (changes.empty()) {
    std::printf("\n  levers changed: none (the same resolved scenario as the base)\n");
    return;
  }
  std::printf("\n  levers changed (%zu):\n", changes.size());
  std::size_t w = 0;
  for (const auto& c : changes) w = std::max(w, std::min<std::size_t>(c.key.size(), 40));
  for (std::size_t i = 0; i < changes.size() && i < kMaxShown; ++i)
    std::printf("    %s%s -> %s\n", pad(changes[i].key, w + 2).c_str(), cut(changes[i].base, 40).c_str(),
                cut(changes[i].variant, 70).c_str());
  if (changes.size() > kMaxShown)
    std::printf("    ... and %zu more (all of them in /levers of the file)\n", changes.size() - kMaxShown);
}

// Per variant and product (and all products), every KPI against the base.
void print_tables(const Study& st, const Summary& sm) {
  std::vector<std::string> cols = product_names(st.base());
  cols.push_back("all products");
  std::printf(
      "\n%d replicates per scenario, common random numbers; mean ± 95%% confidence interval;\n"
      "* = difference from %s significant at 5%% (paired)\n",
      st.R, st.names[0].c_str());
  for (int s = 1; s < st.S; ++s) {
    std::printf("\n== %s vs %s\n", st.names[s].c_str(), st.names[0].c_str());
    print_levers(st.changes[s]);
    for (int k = 0; k <= st.K; ++k) {
      std::printf("\n  %s\n  %s%s%s%s\n", cols[k].c_str(), pad("KPI", 21).c_str(), pad(st.names[0], 24).c_str(),
                  pad(st.names[s], 24).c_str(), "difference");
      for (int j = 0; j < st.J; ++j) print_row(sm, s, j, k);
    }
  }
}

// Index of a KPI in compare_kpis(), of a series in compare_series().
std::size_t kpi_index(const char* name) {
  const auto& kl = compare_kpis();
  for (std::size_t j = 0; j < kl.size(); ++j)
    if (std::string(kl[j].name) == name) return j;
  throw std::logic_error(std::string("no compared KPI ") + name);
}
std::size_t series_index(const char* name) {
  const auto& sl = compare_series();
  return static_cast<std::size_t>(std::find(sl.begin(), sl.end(), name) - sl.begin());
}

// Is it worth doing: each variant's incremental profit, spend, ROI and payback day.
std::vector<VariantEconomics> economics_of(const Study& st, const Replicates& rp) {
  const std::size_t jp = kpi_index("profit"), js = kpi_index("spend"), ju = kpi_index("units");
  std::vector<double> unit_cost;  // the base's discretionary unit cost (quality and accessory)
  for (const auto& p : cost_model(st.base()).products) unit_cost.push_back(p.discretionary_unit);
  const std::size_t M = compare_series().size(), m = series_index("profit");
  const auto of = [&](int s, std::size_t j) {  // [replicate][column]
    std::vector<std::vector<double>> v;
    v.reserve(static_cast<std::size_t>(st.R));
    for (int r = 0; r < st.R; ++r) v.push_back(rp.kpis[s][r][j]);
    return v;
  };
  std::vector<VariantEconomics> e;
  for (int s = 1; s < st.S; ++s)
    e.push_back(variant_economics(of(0, jp), of(s, jp), of(0, js),
                                  spend_net_of_volume(of(s, js), of(0, ju), of(s, ju), unit_cost), rp.series_mean[m],
                                  rp.series_mean[static_cast<std::size_t>(s) * M + m], st.K));
  return e;
}

std::string money_ci(const MeanCi& m) {
  if (std::isnan(m.mean)) return "-";
  char b[64];
  if (std::abs(m.mean) < 0.5)  // no "-0"
    std::snprintf(b, sizeof b, "0 ± %.0f", m.half);
  else
    std::snprintf(b, sizeof b, "%+.0f ± %.0f", m.mean, m.half);
  return b;
}

// The economic table: per variant and product column, incremental profit and spend, ROI, payback.
void print_economics(const Study& st, const std::vector<VariantEconomics>& ec) {
  std::vector<std::string> cols = product_names(st.base());
  cols.push_back("all products");
  std::printf(
      "\n== Is it worth doing? Against %s, paired over replicates (95%% CI). Spend: what the lever\n"
      "   buys (marketing, community, fixed costs, the quality and accessory unit cost on the units\n"
      "   sold, extra units at the base's unit cost left out); ROI = incremental profit / incremental\n"
      "   spend; payback = the first day from which the cumulative gain stays >= 0\n",
      st.names[0].c_str());
  for (int s = 1; s < st.S; ++s) {
    const VariantEconomics& e = ec[static_cast<std::size_t>(s - 1)];
    std::printf("\n  %s\n  %s%s%s%s%s\n", st.names[s].c_str(), pad("product", 16).c_str(),
                pad("incremental profit", 26).c_str(), pad("incremental spend", 26).c_str(), pad("ROI", 10).c_str(),
                "payback");
    for (int k = 0; k <= st.K; ++k) {
      char roi[32], day[32];
      std::snprintf(roi, sizeof roi, std::isnan(e.roi[k]) ? "-" : "%.2f", e.roi[k]);
      std::snprintf(day, sizeof day, std::isnan(e.payback[k]) ? "never" : "day %.0f", e.payback[k]);
      std::printf("  %s%s%s%s%s\n", pad(cols[k], 16).c_str(), pad(money_ci(e.profit[k]), 26).c_str(),
                  pad(money_ci(e.spend[k]), 26).c_str(), pad(roi, 10).c_str(), day);
    }
  }
}

// The file's /economics, [variant][column].
void fill_economics(CompareFile& c, const std::vector<VariantEconomics>& ec) {
  c.has_economics = true;
  for (const auto& e : ec)
    for (std::size_t k = 0; k < e.roi.size(); ++k) {
      c.incremental_profit.push_back(e.profit[k].mean);
      c.incremental_profit_ci95.push_back(e.profit[k].half);
      c.incremental_spend.push_back(e.spend[k].mean);
      c.incremental_spend_ci95.push_back(e.spend[k].half);
      c.roi.push_back(e.roi[k]);
      c.payback_day.push_back(e.payback[k]);
    }
}

std::vector<double> means(const std::vector<MeanCi>& v) {
  std::vector<double> m;
  m.reserve(v.size());
  for (const auto& x : v) m.push_back(x.mean);
  return m;
}
std::vector<double> halves(const std::vector<MeanCi>& v) {
  std::vector<double> h;
  h.reserve(v.size());
  for (const auto& x : v) h.push_back(x.half);
  return h;
}

// The file's KPI arrays: every run, the summaries and the differences.
void fill_kpis(CompareFile& c, const Study& st, const Replicates& rp, const Summary& sm) {
  for (const auto& k : compare_kpis()) {
    c.kpi_names.push_back(k.name);
    c.kpi_descriptions.push_back(k.description);
    c.kpi_good.push_back(k.good);
  }
  c.runs_per_scenario = static_cast<std::size_t>(st.R);
  for (int s = 0; s < st.S; ++s)
    for (int r = 0; r < st.R; ++r)
      for (int j = 0; j < st.J; ++j)
        for (int k = 0; k <= st.K; ++k) c.runs.push_back(rp.kpis[s][r][j][k]);
  c.mean = means(sm.stat);
  c.ci95 = halves(sm.stat);
  c.diff_mean = means(sm.diff);
  c.diff_ci95 = halves(sm.diff);
  c.diff_relative = sm.drel;
  c.diff_significant.assign(sm.sig.begin(), sm.sig.end());
}

// The file's series and star histograms, scenario after scenario.
void fill_series(CompareFile& c, const Study& st, const Replicates& rp) {
  const std::size_t M = compare_series().size();
  c.series_days = static_cast<std::size_t>(st.D);
  c.series_names = compare_series();
  c.series.resize(M);
  for (std::size_t m = 0; m < M; ++m)
    for (int s = 0; s < st.S; ++s)
      c.series[m].insert(c.series[m].end(), rp.series_mean[s * M + m].begin(), rp.series_mean[s * M + m].end());
  c.has_stars = true;
  for (int s = 0; s < st.S; ++s) {
    c.displayed_stars.insert(c.displayed_stars.end(), rp.displayed_stars[s].begin(), rp.displayed_stars[s].end());
    c.experience_stars.insert(c.experience_stars.end(), rp.experience_stars[s].begin(), rp.experience_stars[s].end());
  }
}

CompareFile compare_file_of(const Study& st, const Replicates& rp, const Summary& sm,
                            const std::vector<VariantEconomics>& ec) {
  CompareFile c;
  c.replicates = st.R;
  c.seed = st.base().simulation.seed;
  c.rng_streams = st.base().simulation.rng_streams;
  c.first_replicate = st.base().simulation.replicate;
  c.days = st.D;
  c.scenario_names = st.names;
  c.scenario_paths = st.paths;
  for (const auto& sc : st.scenarios) {
    c.scenario_tomls.push_back(scenario_to_toml(sc));
    c.scenario_agents.push_back(sc.simulation.agents);
    c.scenario_titles.push_back(sc.title);
    c.scenario_questions.push_back(sc.question);
  }
  c.has_levers = true;
  for (int s = 1; s < st.S; ++s)
    for (const auto& ch : st.changes[static_cast<std::size_t>(s)]) {
      c.levers.scenario.push_back(s);
      c.levers.key.push_back(ch.key);
      c.levers.base.push_back(ch.base);
      c.levers.variant.push_back(ch.variant);
    }
  c.products = product_names(st.base());
  fill_kpis(c, st, rp, sm);
  fill_series(c, st, rp);
  fill_economics(c, ec);
  return c;
}

}  // namespace

PairedDiff paired_difference(const std::vector<double>& base, const std::vector<double>& variant) {
  if (base.size() != variant.size()) throw std::invalid_argument("paired_difference: samples of different sizes");
  std::vector<double> d(base.size());
  for (std::size_t r = 0; r < base.size(); ++r) d[r] = variant[r] - base[r];
  PairedDiff p;
  p.diff = mean_ci(d);
  p.significant = p.diff.n >= 2 && !std::isnan(p.diff.mean) && p.diff.mean != 0 && std::abs(p.diff.mean) > p.diff.half;
  return p;
}

namespace {

int interrupted(const std::string& out, int done, int total, const RunHooks& hooks) {
  if (hooks.stop && !stop_requested()) return kExitInterrupted;  // cancelled by the caller: its own business
  std::fprintf(stderr, "motsim: compare interrupted by signal %d after %d of %d runs; no results written, %s %s\n",
               interrupt_signal(), done, total, out.c_str(), path_exists(out) ? "left as it was" : "not created");
  return kExitInterrupted;
}

KpiRuns kpi_runs(const Replicates& rp, int s) { return rp.kpis[static_cast<std::size_t>(s)]; }

}  // namespace

int run_compare(const CompareOptions& opt, const std::string& command_line, const RunHooks& hooks) {
  check_options(opt);
  Study st = load_study(opt);
  if (!opt.posterior.empty()) load_posterior(opt, st);
  const std::string out = output_of(opt, st);
  std::vector<std::string> inputs;  // every scenario and the files it was read from
  for (const auto& sc : st.scenarios) inputs.insert(inputs.end(), sc.input_files.begin(), sc.input_files.end());
  if (!opt.posterior.empty()) inputs.push_back(opt.posterior);
  check_output_path(out, opt.force, inputs);
  for (const auto& sc : st.scenarios) check_memory(sc, false);
  AttributionSetup at;  // prepared before any run: a bad combination of levers stops at once
  if (opt.attribute) at = prepare_attribution(st.paths[0], st.sets, st.base(), st.scenarios[1], opt.attribute_samples);
  const int extra = opt.attribute ? static_cast<int>(at.plan.coalitions.size() - 2) * st.R : 0;
  const Replicates rp = run_replicates(st, opt, hooks, st.S * st.R + extra);
  if (hooks.stopped()) return interrupted(out, rp.done, st.S * st.R + extra, hooks);
  const Summary sm = summarise(st, rp);
  const std::vector<VariantEconomics> ec = economics_of(st, rp);
  CompareFile file = compare_file_of(st, rp, sm, ec);
  file.posterior = opt.posterior;
  if (opt.attribute) {
    const AttributionRuns ar = run_coalitions(at, kpi_runs(rp, 0), kpi_runs(rp, 1), opt.threads, opt.quiet, hooks);
    if (hooks.stopped()) return interrupted(out, rp.done + ar.done, st.S * st.R + extra, hooks);
    file.attribution = attribute(at, ar);
    file.has_attribution = true;
  }
  if (!opt.quiet) {
    print_tables(st, sm);
    print_economics(st, ec);
  }
  if (!opt.quiet && opt.attribute) print_attribution(at, file.attribution, st.names, st.R);
  // The file: written beside the target and renamed when complete.
  write_compare_file(out, opt.force, command_line, file);
  if (!opt.quiet) std::printf("\nwrote %s (%d scenarios x %d replicates)\n", out.c_str(), st.S, st.R);
  return 0;
}

}  // namespace motsim
