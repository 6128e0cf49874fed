// motsim_realism: the baseline market against the evidence of MODEL.md ("What a realistic
// market looks like"), over replicates. Used by scripts/realism (docs/validation.md, "Realism").
//
// usage: motsim_realism [SCENARIO] [--agents N] [--replicates R] [--csv DIR] [--set KEY=VALUE]...
//                       [--no-variants]
//
// Prints, per product and for the market, the posted star shares against the Amazon Fine Food
// reviews, the displayed mean, reviews per unit sold, NPS, the satisfied share, awareness at the
// end, the own-price elasticity of units (arc, +-5% price, common random numbers), and the
// effect of raising the lowest-quality product's quality by 1.5 points. With --csv, writes the
// figures behind the plots (stars.csv, products.csv).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;

namespace {

constexpr std::array<double, 5> kAmazon = {9.2, 5.2, 7.5, 14.2, 63.9};  // McAuley & Leskovec 2013, %

struct ProductRun {
  std::array<double, 5> posted{}, every{};
  double units = 0, reviews = 0, experiences = 0, satisfied = 0, promoters = 0, detractors = 0;
  double rating = NAN, aware = 0;
};

double total(const Results& r, Count c, int k) { return static_cast<double>(r.total(c, k)); }

std::vector<ProductRun> measure(const Scenario& sc) {
  Simulation s(sc, 0);
  s.run();
  const Results& r = s.results();
  std::vector<ProductRun> out(r.K);
  const int last = r.days_done - 1;
  for (int k = 0; k < r.K; ++k) {
    auto& p = out[k];
    p.units = total(r, kPurchases, k);
    p.reviews = total(r, kReviews, k);
    p.experiences = total(r, kExperiences, k);
    p.satisfied = total(r, kSatisfied, k);
    p.promoters = total(r, kPromoters, k);
    p.detractors = total(r, kDetractors, k);
    p.rating = r.rating_mean[static_cast<std::size_t>(last) * r.K + k];
    p.aware = static_cast<double>(r.aware[static_cast<std::size_t>(last) * r.K + k]) / r.agents;
    for (int d = 0; d < r.days_done; ++d)
      for (int st = 0; st < 5; ++st)
        p.every[st] += static_cast<double>(r.experience_stars[(static_cast<std::size_t>(d) * r.K + k) * 5 + st]);
  }
  for (const auto& rv : r.reviews) out[rv.product].posted[rv.stars - 1] += 1;
  return out;
}

struct Stat {
  double mean = 0, sd = 0;
};
Stat stat(const std::vector<double>& v) {
  Stat s;
  if (v.empty()) return s;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0;
  return s;
}
// "mean (+-95% half-width)" over replicates, Student t.
std::string fmt(const std::vector<double>& v, const char* f = "%.2f") {
  static const double t975[] = {0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};
  const Stat s = stat(v);
  const std::size_t df = v.size() - 1;
  const double half = df == 0 ? 0 : (df < 11 ? t975[df] : 1.96) * s.sd / std::sqrt(double(v.size()));
  char a[64], b[64], out[160];
  std::snprintf(a, sizeof a, f, s.mean);
  std::string hf = f;  // the half-width without a forced sign
  hf.erase(std::remove(hf.begin(), hf.end(), '+'), hf.end());
  std::snprintf(b, sizeof b, hf.c_str(), half);
  std::snprintf(out, sizeof out, "%s (+-%s)", a, b);
  return out;
}

const char* verdict(bool ok) { return ok ? "ok" : "MISS"; }

}  // namespace

int main(int argc, char** argv) {
  std::string path = std::string(MOTSIM_SOURCE_DIR) + "/scenarios/baseline.toml", csv;
  std::vector<std::string> sets;
  bool variants = true;  // the price and quality variants (elasticities, effect of quality)
  long agents = -1;
  int reps = 5;
  for (int a = 1; a < argc; ++a) {
    const std::string s = argv[a];
    if (s == "--agents" && a + 1 < argc)
      agents = std::atol(argv[++a]);
    else if (s == "--replicates" && a + 1 < argc)
      reps = std::atoi(argv[++a]);
    else if (s == "--csv" && a + 1 < argc)
      csv = argv[++a];
    else if (s == "--no-variants")
      variants = false;
    else if (s == "--set" && a + 1 < argc)
      sets.push_back(argv[++a]);
    else if (s == "-h" || s == "--help") {
      std::puts(
          "usage: motsim_realism [SCENARIO] [--agents N] [--replicates R] [--csv DIR] [--set KEY=VALUE]... "
          "[--no-variants]");
      return 0;
    } else if (!s.empty() && s[0] != '-')
      path = s;
    else {
      std::fprintf(stderr, "motsim_realism: unknown argument %s\n", s.c_str());
      return 2;
    }
  }
  if (reps < 2 || reps > 30) {
    std::fprintf(stderr, "motsim_realism: --replicates must be 2..30\n");
    return 2;
  }
  Scenario base;
  try {
    base = load_scenario(path, sets);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "motsim_realism: %s\n", e.what());
    return 2;
  }
  if (agents > 0) base.simulation.agents = agents;
  const int K = static_cast<int>(base.products.size());
  int low = 0;  // the lowest-quality product gets the quality variant
  for (int k = 1; k < K; ++k)
    if (base.products[k].quality < base.products[low].quality) low = k;

  // Per replicate: the baseline, each product's price +-5%, the quality variant.
  std::vector<std::vector<ProductRun>> runs;
  std::vector<std::vector<double>> elasticity(K);
  std::vector<double> q_units, q_rating, q_nps;
  auto nps = [](const ProductRun& p) { return 100 * (p.promoters - p.detractors) / p.experiences; };
  for (int rep = 0; rep < reps; ++rep) {
    Scenario sc = base;
    sc.simulation.replicate = rep;
    runs.push_back(measure(sc));
    if (!variants) continue;
    for (int k = 0; k < K; ++k) {
      Scenario up = sc, down = sc;
      up.products[k].price *= 1.05;
      down.products[k].price *= 0.95;
      const double qu = measure(up)[k].units, qd = measure(down)[k].units;
      elasticity[k].push_back(((qu - qd) / (qu + qd)) / (0.10 / 2.0));
    }
    Scenario better = sc;
    better.products[low].quality += 1.5;
    const auto b = measure(better)[low];
    const auto& a = runs.back()[low];
    q_units.push_back(100 * (b.units / a.units - 1));
    q_rating.push_back(b.rating - a.rating);
    q_nps.push_back(nps(b) - nps(a));
    std::fprintf(stderr, "replicate %d done\n", rep);
  }

  std::printf("motsim realism: %s, %lld agents, %lld days, %d replicates (mean, +-95%% interval over replicates)\n\n",
              path.c_str(), static_cast<long long>(base.simulation.agents),
              static_cast<long long>(base.simulation.days), reps);
  // Market-wide posted and every-buyer star shares.
  std::array<std::vector<double>, 5> posted, every;
  std::vector<double> tvd, mean_posted, per_unit;
  for (const auto& run : runs) {
    std::array<double, 5> p{}, e{};
    double units = 0, reviews = 0;
    for (const auto& pr : run) {
      for (int s = 0; s < 5; ++s) p[s] += pr.posted[s], e[s] += pr.every[s];
      units += pr.units;
      reviews += pr.reviews;
    }
    const double np = std::accumulate(p.begin(), p.end(), 0.0), ne = std::accumulate(e.begin(), e.end(), 0.0);
    double d = 0, m = 0;
    for (int s = 0; s < 5; ++s) {
      posted[s].push_back(100 * p[s] / np);
      every[s].push_back(100 * e[s] / ne);
      d += std::abs(100 * p[s] / np - kAmazon[s]);
      m += (s + 1) * p[s] / np;
    }
    tvd.push_back(d / 2);
    mean_posted.push_back(m);
    per_unit.push_back(100 * reviews / units);
  }
  std::printf("| stars (%%) | 1 | 2 | 3 | 4 | 5 | mean |\n|---|---|---|---|---|---|---|\n");
  std::printf(
      "| Amazon Fine Food (568,454 reviews) | 9.2 | 5.2 | 7.5 | 14.2 | 63.9 | 4.18 |\n| posted, all products |");
  for (int s = 0; s < 5; ++s) std::printf(" %s |", fmt(posted[s], "%.1f").c_str());
  std::printf(" %s |\n| every buyer (not posted) |", fmt(mean_posted).c_str());
  for (int s = 0; s < 5; ++s) std::printf(" %s |", fmt(every[s], "%.1f").c_str());
  std::printf(" |\n\n");
  const double tv = stat(tvd).mean, pu = stat(per_unit).mean;
  std::printf("| measure | target | measured | |\n|---|---|---|---|\n");
  std::printf("| posted star shares: total-variation distance to Amazon (points) | <= 5 | %s | %s |\n",
              fmt(tvd, "%.1f").c_str(), verdict(tv <= 5));
  std::printf("| reviews per unit sold (%%) | 1.5-6 | %s | %s |\n", fmt(per_unit, "%.1f").c_str(),
              verdict(pu >= 1.5 && pu <= 6));

  if (!csv.empty()) {
    std::ofstream f(csv + "/stars.csv");
    f << "stars,amazon,posted,posted_sd,every_buyer\n";
    for (int s = 0; s < 5; ++s)
      f << s + 1 << ',' << kAmazon[s] << ',' << stat(posted[s]).mean << ',' << stat(posted[s]).sd << ','
        << stat(every[s]).mean << '\n';
  }
  std::ofstream pf;
  if (!csv.empty()) {
    pf.open(csv + "/products.csv");
    pf << "product,replicate,rating,nps,satisfied,awareness,reviews_per_unit\n";
  }
  for (int k = 0; k < K; ++k) {
    std::vector<double> rating, n, sat, aware, rpu, units;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto& p = runs[r][k];
      rating.push_back(p.rating);
      n.push_back(nps(p));
      sat.push_back(100 * p.satisfied / p.experiences);
      aware.push_back(100 * p.aware);
      rpu.push_back(100 * p.reviews / p.units);
      units.push_back(p.units);
      if (pf)
        pf << base.products[k].name << ',' << r << ',' << p.rating << ',' << n.back() << ',' << sat.back() << ','
           << aware.back() << ',' << rpu.back() << '\n';
    }
    const double rm = stat(rating).mean, nm = stat(n).mean, sm = stat(sat).mean, el = stat(elasticity[k]).mean;
    const bool mid = rm >= 4.0 && rm <= 4.5;
    std::printf("| %s: displayed mean (stars) | 3.0-4.7 | %s | %s |\n", base.products[k].name.c_str(),
                fmt(rating).c_str(), verdict(rm >= 3.0 && rm <= 4.7));
    std::printf("| %s: NPS | %s | %s | %s |\n", base.products[k].name.c_str(),
                mid ? "0 to +60 (rated 4.0-4.5)" : "agrees with the rating", fmt(n, "%.0f").c_str(),
                mid ? verdict(nm >= 0 && nm <= 60) : "");
    std::printf("| %s: satisfied (%%) | %s | %s | %s |\n", base.products[k].name.c_str(),
                mid ? "65-90 (rated 4.0-4.5)" : "agrees with the rating", fmt(sat, "%.0f").c_str(),
                mid ? verdict(sm >= 65 && sm <= 90) : "");
    std::printf("| %s: aware at the end (%%) | follows marketing | %s | |\n", base.products[k].name.c_str(),
                fmt(aware, "%.0f").c_str());
    if (variants)
      std::printf("| %s: own-price elasticity of units | -3.5 to -1.8 | %s | %s |\n", base.products[k].name.c_str(),
                  fmt(elasticity[k]).c_str(), verdict(el >= -3.5 && el <= -1.8));
    std::printf("| %s: units, reviews per unit sold (%%) | | %s, %s | |\n", base.products[k].name.c_str(),
                fmt(units, "%.0f").c_str(), fmt(rpu, "%.1f").c_str());
  }
  if (variants)
    std::printf("| %s quality +1.5: units (%%), stars, NPS | | %s, %s, %s | |\n", base.products[low].name.c_str(),
                fmt(q_units, "%+.0f").c_str(), fmt(q_rating, "%+.2f").c_str(), fmt(q_nps, "%+.0f").c_str());
  return 0;
}
