#include "sim/experiment/compare.hpp"
#include "sim/core/files.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "motsim/version.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/stats.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/h5io.hpp"
#include "sim/io/h5util.hpp"

namespace fs = std::filesystem;

namespace motsim {

namespace {

// Daily series kept (mean over replicates) for the report.
const char* kSeries[] = {"purchases", "aware",       "researchers", "considered", "satisfied",
                         "reviews",   "experiences", "refunds",     "rating_mean"};

struct Outcome {
  // [kpi][product + 1]: the last column is all products together
  std::vector<std::vector<double>> kpi;
  // [series][day * K + k]
  std::vector<std::vector<double>> series;
  // [k * 5 + star - 1]: displayed reviews at the end, and every experience of the run
  std::vector<double> displayed_stars, experience_stars;
};

Outcome outcome_of(const Results& r) {
  const int K = r.K;
  Outcome o;
  o.kpi = kpi_rows(r);
  o.displayed_stars.assign(static_cast<std::size_t>(K) * 5, 0.0);
  o.experience_stars.assign(static_cast<std::size_t>(K) * 5, 0.0);
  const std::size_t K5 = static_cast<std::size_t>(K) * 5;
  if (r.days_done > 0 && r.rating_hist.size() >= static_cast<std::size_t>(r.days_done) * K5)
    for (std::size_t i = 0; i < K5; ++i)
      o.displayed_stars[i] = static_cast<double>(r.rating_hist[static_cast<std::size_t>(r.days_done - 1) * K5 + i]);
  for (std::size_t i = 0; i < r.experience_stars.size() && i < static_cast<std::size_t>(r.days_done) * K5; ++i)
    o.experience_stars[i % K5] += static_cast<double>(r.experience_stars[i]);
  for (const char* name : kSeries) o.series.push_back(daily_series(r, name));
  return o;
}

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

std::string fmt(double v, const char* kpi) {
  char b[48];
  const std::string n = kpi;
  if (std::isnan(v)) return "-";
  if (n == "market_share" || n == "awareness")
    std::snprintf(b, sizeof b, "%.1f%%", 100 * v);
  else if (n == "rating")
    std::snprintf(b, sizeof b, "%.2f", v);
  else if (n == "nps")
    std::snprintf(b, sizeof b, "%.1f", v);
  else
    std::snprintf(b, sizeof b, "%.0f", v);
  return b;
}

std::string fmt_ci(const MeanCi& m, const char* kpi, bool sign = false) {
  if (std::isnan(m.mean)) return "-";
  std::string s = fmt(m.mean, kpi);
  if (sign && m.mean > 0) s = "+" + s;
  std::string h = fmt(m.half, kpi);
  return s + " ± " + h;
}

std::string pad(const std::string& s, std::size_t w) {
  // Width in characters, counting the two-byte "±" as one.
  std::size_t len = 0;
  for (unsigned char c : s) len += (c & 0xC0) != 0x80;
  return s + std::string(w > len ? w - len : 1, ' ');
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

int run_compare(const CompareOptions& opt, const std::string& command_line) {
  if (opt.scenarios.size() < 2)
    throw InputError(
        "compare: error: give a base scenario and at least one variant, e.g. motsim compare "
        "scenarios/baseline.toml scenarios/price_cut.toml");
  if (opt.replicates < 2 || opt.replicates > 10000)
    throw InputError("compare: error: --replicates " + std::to_string(opt.replicates) +
                     " is out of range; expected 2 to 10000 (confidence intervals need at least 2)");
  std::vector<Scenario> scs;
  std::vector<std::string> names, paths;
  for (const auto& p : opt.scenarios) {
    scs.push_back(load_scenario(p, opt.sets));
    print_notes(scs.back());
    std::string n = stem_of(p);
    while (std::find(names.begin(), names.end(), n) != names.end()) n += "_";
    names.push_back(n);
    paths.push_back(p);
  }
  const Scenario& base = scs[0];
  for (std::size_t s = 1; s < scs.size(); ++s) {
    std::vector<std::string> a, b;
    for (auto& p : base.products) a.push_back(p.name);
    for (auto& p : scs[s].products) b.push_back(p.name);
    if (a != b)
      throw InputError(paths[s] + ": error: its products differ from the base's (" + paths[0] +
                       "); a comparison needs the same products in the same order");
    if (scs[s].simulation.days != base.simulation.days)
      throw InputError(paths[s] + ": error: simulation.days = " + std::to_string(scs[s].simulation.days) +
                       " differs from the base's " + std::to_string(base.simulation.days) +
                       "; use --days to align them");
    // Common random numbers: replicate r must use the same random key in every scenario.
    // (simulation.replicate is set by compare itself: replicate r of the base's key.)
    if (scs[s].simulation.seed != base.simulation.seed)
      throw InputError(paths[s] + ": error: simulation.seed = " + std::to_string(scs[s].simulation.seed) +
                       " differs from the base's " + std::to_string(base.simulation.seed) +
                       "; a comparison uses common random numbers: remove the seed from the variant or use --seed "
                       "to set one for every scenario");
  }
  const std::string out = opt.out.empty() ? (fs::path("results") / ("compare_" + names[0] + ".h5")).string() : opt.out;
  if (opt.out.empty()) {
    std::error_code ec;
    fs::create_directories("results", ec);
  }
  check_output_path(out, opt.force);
  for (const auto& sc : scs) check_memory(sc, false);

  const int S = static_cast<int>(scs.size()), R = opt.replicates, K = static_cast<int>(base.products.size());
  const int D = static_cast<int>(base.simulation.days);
  const auto& kl = compare_kpis();
  const int J = static_cast<int>(kl.size());
  // kpis[s][r][j][k]
  std::vector<std::vector<std::vector<std::vector<double>>>> kpis(S, std::vector<std::vector<std::vector<double>>>(R));
  std::vector<std::vector<double>> series_mean(S * std::size(kSeries),
                                               std::vector<double>(static_cast<std::size_t>(D) * K, 0.0));
  // Star histograms, mean over replicates: [scenario][k * 5 + star - 1]
  std::vector<std::vector<double>> displayed_stars(S, std::vector<double>(static_cast<std::size_t>(K) * 5, 0.0)),
      experience_stars = displayed_stars;
  install_interrupt_handlers();
  const int total_runs = S * R;
  int done = 0;
  for (int r = 0; r < R; ++r)
    for (int s = 0; s < S; ++s) {
      if (stop_requested()) break;
      Scenario sc = scs[s];
      sc.simulation.replicate = base.simulation.replicate + r;  // common random numbers
      Simulation sim(sc, opt.threads);
      sim.run({}, false, &stop_flag());
      if (stop_requested()) break;
      const Outcome o = outcome_of(sim.results());
      kpis[s][r] = o.kpi;
      for (std::size_t m = 0; m < std::size(kSeries); ++m)
        for (std::size_t i = 0; i < o.series[m].size(); ++i)
          series_mean[s * std::size(kSeries) + m][i] += o.series[m][i] / R;
      for (std::size_t i = 0; i < o.displayed_stars.size(); ++i) {
        displayed_stars[s][i] += o.displayed_stars[i] / R;
        experience_stars[s][i] += o.experience_stars[i] / R;
      }
      ++done;
      if (!opt.quiet)
        std::fprintf(stderr, "run %d/%d: %s, replicate %d (%.1fs)\n", done, total_runs, names[s].c_str(), r,
                     sim.results().run_seconds);
    }
  if (stop_requested()) {
    std::fprintf(stderr, "motsim: compare interrupted by signal %d after %d of %d runs; no results written, %s %s\n",
                 interrupt_signal(), done, total_runs, out.c_str(),
                 path_exists(out) ? "left as it was" : "not created");
    return kExitInterrupted;
  }

  // Statistics: per scenario, and paired differences from the base, flat [s][j][k] as in the
  // file (differences: [s - 1][j][k]).
  auto at = [&](int s, int j, int k) { return (static_cast<std::size_t>(s) * J + j) * (K + 1) + k; };
  std::vector<MeanCi> stat(static_cast<std::size_t>(S) * J * (K + 1)),
      diff(static_cast<std::size_t>(S - 1) * J * (K + 1));
  std::vector<double> drel(diff.size());
  std::vector<std::uint8_t> sig(diff.size());
  for (int s = 0; s < S; ++s)
    for (int j = 0; j < J; ++j)
      for (int k = 0; k <= K; ++k) {
        std::vector<double> v, bv;
        for (int r = 0; r < R; ++r) {
          v.push_back(kpis[s][r][j][k]);
          bv.push_back(kpis[0][r][j][k]);
        }
        stat[at(s, j, k)] = mean_ci(v);
        if (s == 0) continue;
        const PairedDiff pd = paired_difference(bv, v);
        const std::size_t i = at(s - 1, j, k);
        diff[i] = pd.diff;
        const double b = stat[at(0, j, k)].mean;
        drel[i] = (b != 0 && !std::isnan(b)) ? pd.diff.mean / b : NAN;
        sig[i] = pd.significant;
      }
  auto means = [](const std::vector<MeanCi>& v) {
    std::vector<double> m;
    for (const auto& x : v) m.push_back(x.mean);
    return m;
  };
  auto halves = [](const std::vector<MeanCi>& v) {
    std::vector<double> h;
    for (const auto& x : v) h.push_back(x.half);
    return h;
  };

  if (!opt.quiet) {
    std::vector<std::string> cols;
    for (int k = 0; k < K; ++k) cols.push_back(base.products[k].name);
    cols.push_back("all products");
    std::printf(
        "\n%d replicates per scenario, common random numbers; mean ± 95%% confidence interval;\n"
        "* = difference from %s significant at 5%% (paired)\n",
        R, names[0].c_str());
    for (int s = 1; s < S; ++s) {
      std::printf("\n== %s vs %s\n", names[s].c_str(), names[0].c_str());
      for (int k = 0; k <= K; ++k) {
        std::printf("\n  %s\n  %s%s%s%s\n", cols[k].c_str(), pad("KPI", 16).c_str(), pad(names[0], 24).c_str(),
                    pad(names[s], 24).c_str(), "difference");
        for (int j = 0; j < J; ++j) {
          const MeanCi& b = stat[at(0, j, k)];
          const MeanCi& v = stat[at(s, j, k)];
          if (std::isnan(b.mean) && std::isnan(v.mean)) continue;
          const std::size_t i = at(s - 1, j, k);
          std::string dtext = fmt_ci(diff[i], kl[j].name, true);
          const std::string name = kl[j].name;
          if (!std::isnan(drel[i]) && name != "market_share" && name != "awareness" && name != "nps") {
            char rel[32];
            std::snprintf(rel, sizeof rel, " (%+.1f%%)", 100 * diff[i].mean / b.mean);
            dtext += rel;
          }
          if (sig[i]) dtext += " *";
          std::printf("  %s%s%s%s\n", pad(kl[j].name, 16).c_str(), pad(fmt_ci(b, kl[j].name), 24).c_str(),
                      pad(fmt_ci(v, kl[j].name), 24).c_str(), dtext.c_str());
        }
      }
    }
  }

  // The file: written beside the target and renamed when complete.
  h5::write_atomically(out, opt.force, "motsim-compare-1", command_line, [&](hid_t file) {
    using namespace h5;
    attr_int(file, "replicates", R);
    attr_int(file, "seed", base.simulation.seed);
    attr_int(file, "first_replicate", base.simulation.replicate);
    attr_int(file, "days", D);
    {
      Handle g = group(file, "scenarios");
      std::vector<std::string> tomls;
      for (const auto& sc : scs) tomls.push_back(scenario_to_toml(sc));
      strings(g, "name", names);
      strings(g, "path", paths);
      strings(g, "scenario", tomls);
      std::vector<std::int64_t> agents;
      for (const auto& sc : scs) agents.push_back(sc.simulation.agents);
      dataset(g, "agents", H5T_STD_I64LE, H5T_NATIVE_INT64, {static_cast<hsize_t>(S)}, agents.data());
    }
    {
      Handle g = group(file, "products");
      std::vector<std::string> pn;
      for (const auto& p : base.products) pn.push_back(p.name);
      strings(g, "name", pn);
    }
    {
      Handle g = group(file, "kpis");
      std::vector<std::string> kn, kd;
      for (const auto& k : kl) {
        kn.push_back(k.name);
        kd.push_back(k.description);
      }
      strings(g, "name", kn);
      strings(g, "description", kd);
      std::vector<double> flat;
      for (int s = 0; s < S; ++s)
        for (int r = 0; r < R; ++r)
          for (int j = 0; j < J; ++j)
            for (int k = 0; k <= K; ++k) flat.push_back(kpis[s][r][j][k]);
      const hsize_t hs = S, hr = R, hj = J, hk = K + 1;
      dataset(g, "runs", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hr, hj, hk}, flat.data(),
              "KPI of every run [scenario, replicate, kpi, product]; the last product column is all products");
      dataset(g, "mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hj, hk}, means(stat).data(), "mean over replicates");
      dataset(g, "ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs, hj, hk}, halves(stat).data(),
              "half-width of the 95% Student-t confidence interval of the mean");
      dataset(g, "diff_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, means(diff).data(),
              "variant minus base, mean of the paired differences [variant, kpi, product]");
      dataset(g, "diff_ci95", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, halves(diff).data(),
              "half-width of the 95% confidence interval of the paired difference");
      dataset(g, "diff_relative", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {hs - 1, hj, hk}, drel.data(),
              "diff_mean / base mean (NaN when the base mean is 0)");
      dataset(g, "diff_significant", H5T_STD_U8LE, H5T_NATIVE_UINT8, {hs - 1, hj, hk}, sig.data(),
              "1 when the paired 95% interval excludes 0");
    }
    {
      Handle g = group(file, "series");
      for (std::size_t m = 0; m < std::size(kSeries); ++m) {
        std::vector<double> flat;
        for (int s = 0; s < S; ++s)
          flat.insert(flat.end(), series_mean[s * std::size(kSeries) + m].begin(),
                      series_mean[s * std::size(kSeries) + m].end());
        dataset(g, kSeries[m], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                {static_cast<hsize_t>(S), static_cast<hsize_t>(D), static_cast<hsize_t>(K)}, flat.data(),
                "daily series, mean over replicates [scenario, day, product]");
      }
    }
    {
      Handle g = group(file, "stars");
      std::vector<double> disp, exp;
      for (int s = 0; s < S; ++s) {
        disp.insert(disp.end(), displayed_stars[s].begin(), displayed_stars[s].end());
        exp.insert(exp.end(), experience_stars[s].begin(), experience_stars[s].end());
      }
      const std::vector<hsize_t> dims = {static_cast<hsize_t>(S), static_cast<hsize_t>(K), 5};
      dataset(g, "displayed", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, disp.data(),
              "reviews displayed at the end by stars 1..5, mean over replicates [scenario, product, star]");
      dataset(g, "experience", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, exp.data(),
              "experiences of the run by the stars their remembered satisfaction maps to, mean over replicates "
              "[scenario, product, star]");
    }
  });
  if (!opt.quiet) std::printf("\nwrote %s (%d scenarios x %d replicates)\n", out.c_str(), S, R);
  return 0;
}

}  // namespace motsim
