// Validation against published results (docs/validation.md explains each case, its source,
// the measured figures and why each tolerance is what it is).
//
// Set MOTSIM_VALIDATION_OUT=DIR to also write the data behind the plots as CSV files
// (scripts/validation_plots.py does that and draws docs/img/validation_*.png).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>

#include "models/market.hpp"
#include "sim/engine/engine.hpp"
#include "sim/input/scenario.hpp"

using namespace motsim;

namespace {

// ---- helpers --------------------------------------------------------------------------

Scenario from_text(const std::string& text, const std::vector<std::string>& sets = {}) {
  return parse_scenario(text, "validation.toml", ".", sets);
}
Scenario from_file(const char* name, const std::vector<std::string>& sets = {}) {
  return load_scenario(std::string(MOTSIM_SOURCE_DIR) + "/scenarios/" + name, sets);
}

Results run(const Scenario& sc) {
  Simulation s(sc, 0);
  s.run();
  return s.results();
}

Scenario with_replicate(Scenario sc, int r) {
  sc.simulation.replicate = r;
  return sc;
}

struct MeanCi {
  double mean, half;  // 95% confidence interval: mean +- half
};

// Student-t 95% interval of the mean of n values (n <= 31 uses the exact quantile).
MeanCi mean_ci(const std::vector<double>& v) {
  static const double t975[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  const double n = static_cast<double>(v.size());
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  const double sd = v.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  const std::size_t df = v.size() - 1;
  const double t = df < 31 ? t975[df] : 1.96;
  return {m, df > 0 ? t * sd / std::sqrt(n) : 0.0};
}

// Writes CSV rows when MOTSIM_VALIDATION_OUT is set; does nothing otherwise.
class Csv {
 public:
  Csv(const std::string& name, const std::string& header) {
    if (const char* dir = std::getenv("MOTSIM_VALIDATION_OUT")) {
      out_.open(std::string(dir) + "/" + name + ".csv");
      out_ << header << '\n';
    }
  }
  template <class... T>
  void row(const T&... values) {
    if (!out_) return;
    std::ostringstream o;
    o.precision(10);
    ((o << values << ','), ...);
    std::string s = o.str();
    s.pop_back();
    out_ << s << '\n';
  }

 private:
  std::ofstream out_;
};

double total(const Results& r, Count c, int k, int from = 0, int to = -1) {
  if (to < 0) to = r.days_done;
  std::int64_t t = 0;
  for (int d = from; d < to; ++d) t += r.count(c, d, k);
  return static_cast<double>(t);
}

double remembered_mean(const Results& r, int k) {
  double s = 0;
  for (int d = 0; d < r.days_done; ++d) s += r.sum(kRememberedSum, d, k);
  return s / total(r, kExperiences, k);
}

// Repeat purchases per first-time buyer of product k.
double repurchase(const Results& r, int k) {
  const double adopters = total(r, kNewAdopters, k);
  return (total(r, kPurchases, k) - adopters) / adopters;
}

double bass_closed_form(double p, double q, double t) {
  const double e = std::exp(-(p + q) * t);
  return (1 - e) / (1 + (q / p) * e);
}

std::vector<double> adoption_curve(const Results& r) {
  std::vector<double> F(r.days_done);
  for (int d = 0; d < r.days_done; ++d) F[d] = static_cast<double>(r.adopters[d]) / r.agents;
  return F;
}

}  // namespace

// ---- 1. Bass docking (Bass 1969; Rand & Rust 2011) ----------------------------------------

TEST_CASE("Bass docking: the complete network follows the closed form (p = 0.03, q = 0.38 per year)") {
  const double p = 0.03, q = 0.38;
  const double t_star = std::log(q / p) / (p + q);
  const double f_star = bass_closed_form(p, q, t_star);
  CHECK(t_star == doctest::Approx(6.19).epsilon(0.001));
  CHECK(f_star == doctest::Approx(0.461).epsilon(0.001));
  Csv csv("bass_complete", "day,years,replicate,simulated,closed_form");
  for (int rep = 0; rep < 10; ++rep) {
    const auto sc = with_replicate(from_file("bass.toml"), rep);
    REQUIRE(sc.simulation.agents >= 100000);
    REQUIRE(sc.simulation.days == 7300);
    const auto F = adoption_curve(run(sc));
    double worst = 0;
    int crossing = -1;
    for (int d = 0; d < static_cast<int>(F.size()); ++d) {
      const double t = (d + 1) / 365.0;  // end of day d
      const double fc = bass_closed_form(p, q, t);
      worst = std::max(worst, std::abs(F[d] - fc));
      if (crossing < 0 && F[d] >= f_star) crossing = d;
      if (d % 5 == 0) csv.row(d, t, rep, F[d], fc);
    }
    INFO("replicate " << rep << ": largest gap " << worst << ", crossing at " << (crossing + 1) / 365.0 << " years");
    CHECK(worst < 0.02);
    REQUIRE(crossing >= 0);
    CHECK(std::abs((crossing + 1) / 365.0 - t_star) < 0.1);
  }
}

TEST_CASE("Bass on networks: ring < Watts-Strogatz < complete, the 1-D ring follows Fibich & Gibori") {
  const double p = 0.03, q = 0.38;
  struct Net {
    const char* name;
    std::vector<std::string> sets;
  };
  // The ring and the Watts-Strogatz graph have the same degree (4): they differ only by the
  // 10% of links rewired into shortcuts, which is what should move diffusion toward the mean field.
  const Net nets[] = {
      {"ring2", {"network.type=ring", "network.degree=2"}},
      {"ring4", {"network.type=ring", "network.degree=4"}},
      {"ws4", {"network.type=watts_strogatz", "network.degree=4", "network.rewire=0.1"}},
      {"complete", {"network.type=complete"}},
  };
  constexpr int kReps = 8;
  const double levels[] = {0.25, 0.5, 0.75};
  // Years at which F first reaches each level, per network, level and replicate.
  std::vector<std::array<std::vector<double>, 3>> when(4);
  Csv csv("bass_networks", "network,replicate,day,years,simulated");
  double worst_ring2 = 0;
  for (int n = 0; n < 4; ++n)
    for (int rep = 0; rep < kReps; ++rep) {
      auto sets = nets[n].sets;
      sets.push_back("simulation.days=5475");  // 15 years
      const auto F = adoption_curve(run(with_replicate(from_file("bass.toml", sets), rep)));
      for (int l = 0; l < 3; ++l) {
        const auto it = std::find_if(F.begin(), F.end(), [&](double f) { return f >= levels[l]; });
        REQUIRE(it != F.end());
        when[n][l].push_back(static_cast<double>(it - F.begin() + 1) / 365.0);
      }
      for (std::size_t d = 0; d < F.size(); d += 5) csv.row(nets[n].name, rep, d, (d + 1) / 365.0, F[d]);
      if (n == 0)
        // One-dimensional Bass model on a circle (each agent hears its two neighbours):
        // F(t) = 1 - exp(-(p + q) t + (q / p) (1 - exp(-p t)))   (Fibich & Gibori 2010).
        for (std::size_t d = 0; d < F.size(); ++d) {
          const double t = (d + 1) / 365.0;
          worst_ring2 =
              std::max(worst_ring2, std::abs(F[d] - (1 - std::exp(-(p + q) * t + (q / p) * (1 - std::exp(-p * t))))));
        }
    }
  // Ordering of the times to 25%, 50% and 75% adoption: ring (degree 4) slower than
  // Watts-Strogatz (degree 4), slower than complete; 95% intervals of the paired differences.
  Csv tcsv("bass_network_times", "network,level,replicate,years");
  for (int n = 0; n < 4; ++n)
    for (int l = 0; l < 3; ++l)
      for (int rep = 0; rep < kReps; ++rep) tcsv.row(nets[n].name, levels[l], rep, when[n][l][rep]);
  for (int l = 0; l < 3; ++l) {
    std::vector<double> ring_ws, ws_complete;
    for (int rep = 0; rep < kReps; ++rep) {
      ring_ws.push_back(when[1][l][rep] - when[2][l][rep]);
      ws_complete.push_back(when[2][l][rep] - when[3][l][rep]);
    }
    const auto a = mean_ci(ring_ws), b = mean_ci(ws_complete);
    INFO("F = " << levels[l] << ": ring - WS " << a.mean << " +- " << a.half << " years; WS - complete " << b.mean
                << " +- " << b.half << " years (complete " << mean_ci(when[3][l]).mean << ")");
    CHECK(a.mean - a.half > 0);
    CHECK(b.mean - b.half > 0);
  }
  INFO("1-D ring: largest gap to the closed form over " << kReps << " replicates " << worst_ring2);
  CHECK(worst_ring2 < 0.02);
}

TEST_CASE("Bass with coefficients per day: the simulation is the daily recurrence, not the closed form") {
  const double p = 0.03, q = 0.38;  // now per DAY
  const auto sc =
      from_file("bass.toml", {"campaign.0.daily_reach=0.03", "behavior.wom_rate=0.38", "simulation.days=60"});
  const auto F = adoption_curve(run(sc));
  // Daily recurrence: a non-adopter adopts with 1 - (1 - p)(1 - q F_yesterday).
  double f = 0, worst_recurrence = 0, worst_closed = 0;
  Csv csv("bass_per_day", "day,simulated,recurrence,closed_form");
  for (std::size_t d = 0; d < F.size(); ++d) {
    f = f + (1 - f) * (1 - (1 - p) * (1 - q * f));
    const double fc = bass_closed_form(p, q, d + 1.0);
    worst_recurrence = std::max(worst_recurrence, std::abs(F[d] - f));
    worst_closed = std::max(worst_closed, std::abs(F[d] - fc));
    csv.row(d, F[d], f, fc);
  }
  INFO("largest gap to the recurrence " << worst_recurrence << ", to the closed form " << worst_closed);
  CHECK(worst_recurrence < 0.01);
  CHECK(worst_closed > 0.05);  // a day is no longer small against 1/(p+q): see docs/validation.md
}

// The table of docs/validation.md ("The daily tick and the closed form"): the noise-free
// recurrence with coefficients applied per step of h years, against the closed form, over 20
// years (or 60 days when the per-year coefficients are applied per day).
TEST_CASE("Bass: the gap between the discrete recurrence and the closed form grows with the step") {
  auto largest_gap = [](double p, double q, double h, double horizon) {
    double f = 0, worst = 0;
    for (int n = 1; n * h <= horizon + 1e-9; ++n) {
      f = f + (1 - f) * (1 - (1 - p * h) * (1 - q * h * f));
      worst = std::max(worst, std::abs(f - bass_closed_form(p, q, n * h)));
    }
    return 100 * worst;  // points
  };
  const double p = 0.03, q = 0.38;
  const double day = largest_gap(p, q, 1 / 365.0, 20), week = largest_gap(p, q, 7 / 365.0, 20),
               month = largest_gap(p, q, 1 / 12.0, 20), quarter = largest_gap(p, q, 0.25, 20),
               per_day = largest_gap(p, q, 1, 60);  // p and q per day, t in days
  INFO("gaps in points: day " << day << ", week " << week << ", month " << month << ", quarter " << quarter
                              << ", per-day coefficients " << per_day);
  // The figures the doc quotes, to their printed precision.
  CHECK(day == doctest::Approx(0.023).epsilon(0.05));
  CHECK(week == doctest::Approx(0.16).epsilon(0.05));
  CHECK(month == doctest::Approx(0.70).epsilon(0.05));
  CHECK(quarter == doctest::Approx(2.1).epsilon(0.05));
  CHECK(per_day == doctest::Approx(8.3).epsilon(0.05));
  CHECK(day < week);
  CHECK(week < month);
  CHECK(month < quarter);
  CHECK(quarter < per_day);
}

// ---- 2. J-shaped reviews (Hu, Pavlou & Zhang 2009) ----------------------------------------

namespace {
const char* kMidProduct = R"(
[simulation]
agents = 100000
days = 365
seed = 11
[[product]]
name = "Mid"
price = 100
quality = 6.0
quality_sd = 1.5
claim = 7
defect_prob = 0.05
missing_accessory_prob = 0.03
delivery_problem_prob = 0.03
service_quality = 0.5
initial_awareness = 0.5
[[product]]
name = "Other"
price = 100
quality = 6.5
claim = 6.5
initial_awareness = 0.5
)";

int local_maxima(const std::array<double, 5>& h) {
  int n = 0;
  for (int s = 0; s < 5; ++s) {
    const bool left = s == 0 || h[s] > h[s - 1];
    const bool right = s == 4 || h[s] > h[s + 1];
    n += left && right;
  }
  return n;
}
}  // namespace

TEST_CASE("J-shaped posted ratings, unimodal ratings of every buyer") {
  std::array<double, 5> every{}, posted{};
  double experiences = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto r = run(with_replicate(from_text(kMidProduct), rep));
    for (int d = 0; d < r.days_done; ++d)
      for (int s = 0; s < 5; ++s)
        every[s] += static_cast<double>(r.experience_stars[(static_cast<std::size_t>(d) * r.K) * 5 + s]);
    for (const auto& rv : r.reviews)
      if (rv.product == 0) posted[rv.stars - 1] += 1;
    experiences += total(r, kExperiences, 0);
  }
  const double ne = std::accumulate(every.begin(), every.end(), 0.0),
               np = std::accumulate(posted.begin(), posted.end(), 0.0);
  Csv csv("jshape", "stars,every_buyer,posted");
  for (int s = 0; s < 5; ++s) {
    csv.row(s + 1, every[s] / ne, posted[s] / np);
    every[s] /= ne;
    posted[s] /= np;
  }
  INFO("every buyer: " << every[0] << " " << every[1] << " " << every[2] << " " << every[3] << " " << every[4]);
  INFO("posted:      " << posted[0] << " " << posted[1] << " " << posted[2] << " " << posted[3] << " " << posted[4]);
  // Every buyer: one peak. Posted: the mode at 5 stars and a second peak at 1 star.
  CHECK(local_maxima(every) == 1);
  CHECK(std::max_element(posted.begin(), posted.end()) - posted.begin() == 4);
  CHECK(posted[0] > posted[1]);
  CHECK(local_maxima(posted) == 2);
  // Only a minority posts: 1.5% to 10% of buyers (MODEL.md).
  CHECK(np / experiences > 0.015);
  CHECK(np / experiences < 0.10);
}

TEST_CASE("J-shape is not one product's accident: honest products of quality 6.5 and 7") {
  // Hu, Pavlou & Zhang found J-shaped reviews across most Amazon products. Two more products,
  // honestly advertised: every buyer's stars keep one peak, the posted ones have their mode at
  // 5 stars and more 1-star than 2-star reviews (the low arm of the J).
  Csv csv("jshape_robust", "quality,stars,every_buyer,posted");
  for (const char* q : {"6.5", "7"}) {
    std::array<double, 5> every{}, posted{};
    for (int rep = 0; rep < 3; ++rep) {
      const auto r = run(with_replicate(
          from_text(kMidProduct, {std::string("product.Mid.quality=") + q, std::string("product.Mid.claim=") + q}),
          rep));
      for (int d = 0; d < r.days_done; ++d)
        for (int s = 0; s < 5; ++s)
          every[s] += static_cast<double>(r.experience_stars[(static_cast<std::size_t>(d) * r.K) * 5 + s]);
      for (const auto& rv : r.reviews)
        if (rv.product == 0) posted[rv.stars - 1] += 1;
    }
    const double ne = std::accumulate(every.begin(), every.end(), 0.0);
    const double np = std::accumulate(posted.begin(), posted.end(), 0.0);
    for (int s = 0; s < 5; ++s) {
      every[s] /= ne;
      posted[s] /= np;
      csv.row(q, s + 1, every[s], posted[s]);
    }
    // Binomial standard error of the 1-star minus 2-star share, for the message.
    const double se = std::sqrt((posted[0] + posted[1]) / np);
    INFO("quality " << std::string(q) << ": every buyer " << every[0] << " " << every[1] << " " << every[2] << " "
                    << every[3] << " " << every[4] << "; posted " << posted[0] << " " << posted[1] << " " << posted[2]
                    << " " << posted[3] << " " << posted[4] << " (" << np << " reviews; 1-star minus 2-star "
                    << posted[0] - posted[1] << ", se " << se << ")");
    CHECK(local_maxima(every) == 1);
    CHECK(std::max_element(posted.begin(), posted.end()) - posted.begin() == 4);
    CHECK(posted[0] - posted[1] > 3 * se);
  }
}

// The conditions every published fact is checked over (docs/validation.md, "Across
// conditions"): a focal product F of quality 3.5 to 9.5, honestly advertised, at two prices,
// beside a competitor, on two networks.
namespace {
const double kGridQualities[] = {3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5};
const char* kGridPrices[] = {"60", "150"};
const char* kGridNetworks[] = {"complete", "watts_strogatz"};

std::string grid_text(int agents, int seed) {
  return "[simulation]\nagents = " + std::to_string(agents) + "\ndays = 365\nseed = " + std::to_string(seed) + R"(
[[segment]]
name = "everyone"
need_interval_days = 120
review_propensity = 0.03  # more reviews for power: the shares do not depend on it
[[product]]
name = "F"
price = 100
quality = 6
quality_sd = 1.7
claim = 6
defect_prob = 0.04
delivery_problem_prob = 0.03
missing_accessory_prob = 0.02
service_quality = 0.5
initial_awareness = 0.6
[[product]]
name = "C"
price = 100
quality = 7
claim = 7
initial_awareness = 0.6
)";
}

// The grid point's settings for one product (honestly advertised: claim = quality) and the network.
std::vector<std::string> grid_sets(double quality, const char* price, const char* network,
                                   const std::string& product = "F") {
  const std::string q = std::to_string(quality), pr = "product." + product + ".";
  return {pr + "quality=" + q, pr + "claim=" + q, pr + "price=" + price, std::string("network.type=") + network};
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Replicates with common random numbers per grid point: few, the statistic is a paired difference.
constexpr int kGridReps = 3;

struct Stars {
  std::array<double, 5> every{}, posted{};
  double n_every = 0, n_posted = 0;
  void add(const Results& r, int k) {
    for (int d = 0; d < r.days_done; ++d)
      for (int s = 0; s < 5; ++s)
        every[s] += static_cast<double>(r.experience_stars[(static_cast<std::size_t>(d) * r.K + k) * 5 + s]);
    for (const auto& rv : r.reviews)
      if (rv.product == k) posted[rv.stars - 1] += 1;
  }
  void normalise() {
    n_every = std::accumulate(every.begin(), every.end(), 0.0);
    n_posted = std::accumulate(posted.begin(), posted.end(), 0.0);
    for (int s = 0; s < 5; ++s) {
      every[s] /= n_every;
      posted[s] /= n_posted;
    }
  }
};
}  // namespace

TEST_CASE("J-shape across conditions: qualities 3.5-9.5, two prices, two networks") {
  // Where posted reviews are plentiful (at least 1,500 pooled), 1-star reviews outnumber 2-star
  // ones and 5-star ones 4-star ones, each by more than two binomial standard errors of the
  // difference, sqrt((s_a + s_b) / n); every buyer's stars have one peak at every grid point.
  Csv csv("jshape_grid", "quality,price,network,stars,every_buyer,posted,reviews");
  int plentiful = 0;
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        Stars st;
        for (int rep = 0; rep < 2; ++rep)
          st.add(run(with_replicate(from_text(grid_text(40000, 21), grid_sets(q, price, net)), rep)), 0);
        st.normalise();
        for (int s = 0; s < 5; ++s) csv.row(q, price, net, s + 1, st.every[s], st.posted[s], st.n_posted);
        const auto& e = st.every;
        const auto& p = st.posted;
        const double se12 = std::sqrt((p[0] + p[1]) / st.n_posted), se54 = std::sqrt((p[4] + p[3]) / st.n_posted);
        MESSAGE("quality " << q << ", price " << std::string(price) << ", " << std::string(net) << ": every buyer "
                           << e[0] << " " << e[1] << " " << e[2] << " " << e[3] << " " << e[4] << "; posted " << p[0]
                           << " " << p[1] << " " << p[2] << " " << p[3] << " " << p[4] << " (" << st.n_posted
                           << " reviews of " << st.n_every << " buyers)");
        CHECK(local_maxima(e) == 1);
        if (st.n_posted < 1500) continue;
        ++plentiful;
        CHECK(p[0] - p[1] > 2 * se12);
        CHECK(p[4] - p[3] > 2 * se54);
      }
  MESSAGE(plentiful << " of 28 grid points with plentiful reviews");
  CHECK(plentiful >= 20);
}

// ---- 3. Herding (Muchnik, Aral & Taylor 2013) ----------------------------------------------

TEST_CASE("Herding across qualities: a positive prior makes positive ratings 32% more likely, whatever the base rate") {
  // Muchnik, Aral & Taylor (2013): the first viewer of an up-treated comment was 32% more likely
  // to rate it positively than in the control, with no effect on negative ratings; negative
  // priors were corrected (no net effect on the mean). Treatments: the display held for the
  // year at 5.0 (positive) or 1.0 (negative) by 1,000,000 seeded ratings (organic ones cannot move it), against a
  // neutral display of 3.0 (the control: no herding). Displayed ratings act only through herding here (no weight in
  // choice or beliefs), so with common random numbers the same buyers have the same experiences in every arm. Measured
  // per buyer, as Muchnik did per viewer: positive (4-5 star) ratings posted per experience; and the share of positive
  // ratings among those posted, which the negative prior must leave unchanged. Mid alone (nobody knows Other, nor finds
  // it), bought at most decisions, needed every 60 days: many ratings at every quality.
  const std::string text = std::string(kMidProduct) + R"(
[[segment]]
name = "everyone"
rating_weight = 0
review_volume_weight = 0
need_interval_days = 60
review_propensity = 0.05  # more ratings for power: the relative effect does not depend on it
[behavior]
review_precision = 0
outside_utility = 0
)";
  struct Arm {
    double per_buyer, share;
  };
  auto arm = [&](double q, const char* price, const char* prior, const char* net, int rep) {
    const auto r = run(with_replicate(
        from_text(text, plus(grid_sets(q, price, net, "Mid"),
                             {std::string("product.Mid.initial_ratings=") + prior, "product.Other.initial_awareness=0",
                              "product.Other.visibility=0", "simulation.agents=12000"})),
        rep));
    double pos = 0, n = 0;
    for (const auto& rv : r.reviews)
      if (rv.product == 0) {
        pos += rv.stars >= 4;
        n += 1;
      }
    return Arm{pos / total(r, kExperiences, 0), pos / n};
  };
  Csv csv("herding", "quality,price,network,replicate,prior,positive_per_buyer,positive_share");
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        std::vector<double> up, down, up_share, base;
        for (int rep = 0; rep < kGridReps; ++rep) {
          const Arm neutral = arm(q, price, "[0, 0, 1000000, 0, 0]", net, rep),
                    positive = arm(q, price, "[0, 0, 0, 0, 1000000]", net, rep),
                    negative = arm(q, price, "[1000000, 0, 0, 0, 0]", net, rep);
          up.push_back(positive.per_buyer / neutral.per_buyer - 1);
          up_share.push_back(positive.share / neutral.share - 1);
          down.push_back(negative.share / neutral.share - 1);
          base.push_back(neutral.share);
          csv.row(q, price, net, rep, "neutral", neutral.per_buyer, neutral.share);
          csv.row(q, price, net, rep, "positive", positive.per_buyer, positive.share);
          csv.row(q, price, net, rep, "negative", negative.per_buyer, negative.share);
        }
        const auto u = mean_ci(up), us = mean_ci(up_share), dn = mean_ci(down);
        MESSAGE("quality " << q << ", price " << std::string(price) << ", " << std::string(net) << ": positive prior "
                           << 100 * u.mean << "% +- " << 100 * u.half
                           << "% positive ratings per buyer (share among posted " << 100 * us.mean << "%, base share "
                           << 100 * mean_ci(base).mean << "%); negative prior: share " << 100 * dn.mean << "% +- "
                           << 100 * dn.half << "%");
        // "Rough size": the whole interval between half and one and a half times +32%.
        CHECK(u.mean - u.half > 0.16);
        CHECK(u.mean + u.half < 0.48);
        CHECK(std::abs(dn.mean) + dn.half < 0.03);  // corrected: no net effect
      }
}

// ---- 4. Peak-end (Kahneman et al. 1993; Redelmeier & Kahneman 1996) -------------------------

TEST_CASE("Peak-end: Kahneman's example, and a milder ending raises remembered satisfaction and repurchase") {
  const double a[] = {8, 7}, b[] = {8, 1};
  CHECK(model::peak_end(a, 2, 0.0).remembered == doctest::Approx(7.5));
  CHECK(model::peak_end(b, 2, 0.0).remembered == doctest::Approx(4.5));
  // Two episodes cannot tell peak-end from the plain mean (both give 7.5 and 4.5). Duration
  // neglect can: the same peak and end with a long dull middle are remembered the same, 7.5,
  // where the mean would say 6.0 (and the sum would grow with the length).
  const double longer[] = {8, 5, 5, 5, 7};
  CHECK(model::peak_end(longer, 5, 0.0).remembered == doctest::Approx(7.5));
  CHECK(model::peak_end(longer, 5, 0.0).mean == doctest::Approx(6.0));
  // The same product, with and without an after-sales follow-up that ends the experience on a
  // milder note (7 on the 0-10 scale) than its typical last episode.
  const std::string text = std::string(kMidProduct) + R"(
[[segment]]
name = "everyone"
need_interval_days = 120
)";
  std::vector<double> d_remembered, d_repurchase, d_experienced;
  Csv csv("peak_end", "replicate,follow_up,remembered,experienced,repurchase");
  for (int rep = 0; rep < 4; ++rep) {
    const auto plain = run(with_replicate(from_text(text, {"simulation.days=730"}), rep));
    const auto milder =
        run(with_replicate(from_text(text, {"simulation.days=730", "product.Mid.follow_up_value=7"}), rep));
    auto experienced = [](const Results& r) {
      double s = 0;
      for (int d = 0; d < r.days_done; ++d) s += r.sum(kExperiencedSum, d, 0);
      return s / total(r, kExperiences, 0);
    };
    d_remembered.push_back(remembered_mean(milder, 0) - remembered_mean(plain, 0));
    d_repurchase.push_back(repurchase(milder, 0) - repurchase(plain, 0));
    d_experienced.push_back(experienced(milder) - experienced(plain));
    csv.row(rep, 0, remembered_mean(plain, 0), experienced(plain), repurchase(plain, 0));
    csv.row(rep, 1, remembered_mean(milder, 0), experienced(milder), repurchase(milder, 0));
  }
  const auto dr = mean_ci(d_remembered), dp = mean_ci(d_repurchase);
  std::vector<double> d_excess;  // what the end adds to memory beyond what it adds to the average
  for (std::size_t i = 0; i < d_remembered.size(); ++i) d_excess.push_back(d_remembered[i] - 2 * d_experienced[i]);
  const auto dx = mean_ci(d_excess);
  INFO("remembered +" << dr.mean << " +- " << dr.half << "; experienced (episode mean) +" << mean_ci(d_experienced).mean
                      << "; remembered - 2 x experienced " << dx.mean << " +- " << dx.half << "; repurchase +"
                      << dp.mean << " +- " << dp.half);
  CHECK(dr.mean - dr.half > 0);
  CHECK(dp.mean - dp.half > 0);
  // The end weighs half of memory, one episode in six of the average: a memory that followed
  // the average would gain as much as the experiencing self; peak-end gains (7 - end)/2, about
  // three times more. Test: at least twice.
  CHECK(dx.mean - dx.half > 0);
}

TEST_CASE("Peak-end, cold-pressor design: a longer unpleasant experience with a milder end is preferred") {
  // Kahneman, Fredrickson, Schreiber & Redelmeier (1993): 60 s of painful cold water, or the
  // same 60 s followed by 30 s slightly less cold. The long trial holds more pain in total, yet
  // is remembered as less bad and 69% chose to repeat it. Here: an unpleasant product
  // (quality 4 < neutral 5) whose experience is followed, or not, by one more episode that is
  // still unpleasant (4.8) but milder than its typical end. No incidents, so every experience has
  // exactly 5 or 6 episodes and the experiencing self's total discomfort is comparable.
  const char* text = R"(
[simulation]
agents = 50000
days = 730
seed = 93
[[segment]]
name = "everyone"
need_interval_days = 90
[[product]]
name = "Cold"
price = 100
quality = 4
quality_sd = 1.5
claim = 4
defect_prob = 0
missing_accessory_prob = 0
delivery_problem_prob = 0
initial_awareness = 1
refund_window_days = 0
[behavior]
outside_utility = -2
taste_share = 0  # the cold water is the same for every subject: no taste (docs/validation.md)
)";
  std::vector<double> d_remembered, d_repurchase, d_discomfort, d_excess;
  Csv csv("peak_end_cold", "replicate,milder_end,remembered,total_discomfort,repurchase");
  for (int rep = 0; rep < 4; ++rep) {
    const auto shorter = run(with_replicate(from_text(text), rep));
    const auto longer = run(with_replicate(from_text(text, {"product.Cold.follow_up_value=4.8"}), rep));
    // Experiencing self: total discomfort = sum over episodes of (neutral - x) = n (5 - mean).
    auto discomfort = [](const Results& r, int n) {
      double s = 0;
      for (int d = 0; d < r.days_done; ++d) s += r.sum(kExperiencedSum, d, 0);
      return n * (5.0 - s / total(r, kExperiences, 0));
    };
    d_remembered.push_back(remembered_mean(longer, 0) - remembered_mean(shorter, 0));
    d_repurchase.push_back(repurchase(longer, 0) - repurchase(shorter, 0));
    d_discomfort.push_back(discomfort(longer, 6) - discomfort(shorter, 5));
    // Change of the episode mean = change of (5 - discomfort / n).
    const double d_mean = (5.0 - discomfort(longer, 6) / 6) - (5.0 - discomfort(shorter, 5) / 5);
    d_excess.push_back(d_remembered.back() - 2 * d_mean);
    csv.row(rep, 0, remembered_mean(shorter, 0), discomfort(shorter, 5), repurchase(shorter, 0));
    csv.row(rep, 1, remembered_mean(longer, 0), discomfort(longer, 6), repurchase(longer, 0));
  }
  const auto dr = mean_ci(d_remembered), dp = mean_ci(d_repurchase), dd = mean_ci(d_discomfort);
  INFO("longer with milder end: total discomfort +" << dd.mean << " +- " << dd.half << ", remembered +" << dr.mean
                                                    << " +- " << dr.half << ", repurchase +" << dp.mean << " +- "
                                                    << dp.half);
  CHECK(dd.mean - dd.half > 0);  // more pain in total ...
  CHECK(dr.mean - dr.half > 0);  // ... remembered as better ...
  CHECK(dp.mean - dp.half > 0);  // ... and chosen again more often
  // ... and by the end, not the average: memory gains more than twice what the episode mean gains.
  const auto dx = mean_ci(d_excess);
  INFO("remembered - 2 x episode mean: " << dx.mean << " +- " << dx.half);
  CHECK(dx.mean - dx.half > 0);
}

// The two peak-end designs over the grid of conditions (docs/validation.md, case 4): Mid of
// quality q, honestly advertised, at two prices, on two networks; smaller worlds (the
// statistics are paired differences with common random numbers) and one year.
TEST_CASE("Peak-end across conditions: a milder ending raises memory and repurchase, by the end not the average") {
  // The follow-up is milder than the typical last episode (whose mean is about q) by one
  // point, at most 10 (the top of the scale): q + 1.
  const std::string text = std::string(kMidProduct) + R"(
[[segment]]
name = "everyone"
need_interval_days = 120
)";
  Csv csv("peak_end_grid", "quality,price,network,replicate,d_remembered,d_experienced,d_repurchase");
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        const auto sets = plus(grid_sets(q, price, net, "Mid"), {"simulation.agents=15000", "simulation.days=365"});
        const std::string follow = "product.Mid.follow_up_value=" + std::to_string(std::min(10.0, q + 1));
        std::vector<double> d_remembered, d_repurchase, d_excess;
        for (int rep = 0; rep < kGridReps; ++rep) {
          const auto plain = run(with_replicate(from_text(text, sets), rep));
          const auto milder = run(with_replicate(from_text(text, plus(sets, {follow})), rep));
          auto experienced = [](const Results& r) {
            double s = 0;
            for (int d = 0; d < r.days_done; ++d) s += r.sum(kExperiencedSum, d, 0);
            return s / total(r, kExperiences, 0);
          };
          const double de = experienced(milder) - experienced(plain);
          d_remembered.push_back(remembered_mean(milder, 0) - remembered_mean(plain, 0));
          d_repurchase.push_back(repurchase(milder, 0) - repurchase(plain, 0));
          d_excess.push_back(d_remembered.back() - 2 * de);
          csv.row(q, price, net, rep, d_remembered.back(), de, d_repurchase.back());
        }
        const auto dr = mean_ci(d_remembered), dp = mean_ci(d_repurchase), dx = mean_ci(d_excess);
        MESSAGE("quality " << q << ", price " << std::string(price) << ", " << std::string(net) << ": remembered +"
                           << dr.mean << " +- " << dr.half << ", repurchase +" << dp.mean << " +- " << dp.half
                           << ", remembered - 2 x experienced " << dx.mean << " +- " << dx.half);
        CHECK(dr.mean - dr.half > 0);
        CHECK(dp.mean - dp.half > 0);
        CHECK(dx.mean - dx.half > 0);
      }
}

TEST_CASE("Peak-end, cold-pressor design across conditions: one more, milder episode is remembered better") {
  // The cold-pressor case over the grid: the sixth episode is milder than the typical end by
  // 0.8 (as 4.8 for quality 4), at most 10. "More discomfort in total" is the design only while
  // that episode is itself unpleasant (below the neutral 5: qualities 3.5 and 4); above, the
  // longer experience is also the more pleasant one and only the other three checks apply.
  const char* text = R"(
[simulation]
agents = 15000
days = 365
seed = 93
[[segment]]
name = "everyone"
need_interval_days = 90
[[product]]
name = "Cold"
price = 100
quality = 4
quality_sd = 1.5
claim = 4
defect_prob = 0
missing_accessory_prob = 0
delivery_problem_prob = 0
initial_awareness = 1
refund_window_days = 0
[behavior]
outside_utility = -2
taste_share = 0
)";
  const double qualities[] = {3.5, 4.0, 4.5, 5.5, 6.5, 8.0, 9.5};
  Csv csv("peak_end_cold_grid", "quality,price,network,replicate,d_discomfort,d_remembered,d_repurchase,d_excess");
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : qualities) {
        const double end = std::min(10.0, q + 0.8);
        const auto sets = grid_sets(q, price, net, "Cold");
        std::vector<double> d_remembered, d_repurchase, d_discomfort, d_excess;
        for (int rep = 0; rep < kGridReps; ++rep) {
          const auto shorter = run(with_replicate(from_text(text, sets), rep));
          const auto longer = run(with_replicate(
              from_text(text, plus(sets, {"product.Cold.follow_up_value=" + std::to_string(end)})), rep));
          auto mean_x = [](const Results& r) {
            double s = 0;
            for (int d = 0; d < r.days_done; ++d) s += r.sum(kExperiencedSum, d, 0);
            return s / total(r, kExperiences, 0);
          };
          d_remembered.push_back(remembered_mean(longer, 0) - remembered_mean(shorter, 0));
          d_repurchase.push_back(repurchase(longer, 0) - repurchase(shorter, 0));
          d_discomfort.push_back(6 * (5.0 - mean_x(longer)) - 5 * (5.0 - mean_x(shorter)));
          d_excess.push_back(d_remembered.back() - 2 * (mean_x(longer) - mean_x(shorter)));
          csv.row(q, price, net, rep, d_discomfort.back(), d_remembered.back(), d_repurchase.back(), d_excess.back());
        }
        const auto dr = mean_ci(d_remembered), dp = mean_ci(d_repurchase), dd = mean_ci(d_discomfort),
                   dx = mean_ci(d_excess);
        MESSAGE("quality " << q << " (end " << end << "), price " << std::string(price) << ", " << std::string(net)
                           << ": total discomfort " << dd.mean << " +- " << dd.half << ", remembered +" << dr.mean
                           << " +- " << dr.half << ", repurchase +" << dp.mean << " +- " << dp.half
                           << ", remembered - 2 x episode mean " << dx.mean << " +- " << dx.half);
        if (end < 5.0) CHECK(dd.mean - dd.half > 0);
        CHECK(dr.mean - dr.half > 0);
        CHECK(dx.mean - dx.half > 0);
        // Repurchase: checked from quality 4 to 6.5. Known gaps (docs/validation.md, case 4): at 3.5
        // the better-remembered experience is repurchased less; from 8 up nearly every buyer
        // comes back anyway and the gain is not resolved.
        if (q >= 4.0 && q <= 6.5) CHECK(dp.mean - dp.half > 0);
      }
}

// ---- 5. Over-promising (Oliver 1980; the seeds' 24-hour battery) ----------------------------

TEST_CASE("Over-promising: more first-month sales, then more refunds and lost customers, a lower rating") {
  const std::string text = std::string(kMidProduct) + R"(
[[campaign]]
product = "Mid"
start_day = 0
end_day = 30
daily_reach = 0.03
trigger_prob = 0.05
)";
  std::vector<double> first_month, refunds, lost, rating;
  Csv csv("over_promising", "replicate,claim,first_month_units,refunds,lost,final_rating");
  for (int rep = 0; rep < 5; ++rep) {
    const auto honest = run(with_replicate(from_text(text, {"simulation.days=180", "product.Mid.claim=6"}), rep));
    const auto hype = run(with_replicate(from_text(text, {"simulation.days=180", "product.Mid.claim=9"}), rep));
    const int last = honest.days_done - 1;
    auto row = [&](const Results& r, double claim) {
      csv.row(rep, claim, total(r, kPurchases, 0, 0, 30), total(r, kRefunds, 0), total(r, kLostCustomers, 0),
              r.rating_mean[static_cast<std::size_t>(last) * r.K]);
    };
    row(honest, 6);
    row(hype, 9);
    first_month.push_back(total(hype, kPurchases, 0, 0, 30) / total(honest, kPurchases, 0, 0, 30) - 1);
    refunds.push_back(total(hype, kRefunds, 0) - total(honest, kRefunds, 0));
    lost.push_back(total(hype, kLostCustomers, 0) - total(honest, kLostCustomers, 0));
    rating.push_back(hype.rating_mean[static_cast<std::size_t>(last) * hype.K] -
                     honest.rating_mean[static_cast<std::size_t>(last) * honest.K]);
  }
  const auto fm = mean_ci(first_month), rf = mean_ci(refunds), ls = mean_ci(lost), rt = mean_ci(rating);
  INFO("first month " << 100 * fm.mean << "% +- " << 100 * fm.half << "%, refunds +" << rf.mean << " +- " << rf.half
                      << ", lost +" << ls.mean << " +- " << ls.half << ", rating " << rt.mean << " +- " << rt.half);
  CHECK(fm.mean - fm.half > 0);
  CHECK(rf.mean - rf.half > 0);
  CHECK(ls.mean - ls.half > 0);
  CHECK(rt.mean + rt.half < 0);
}

TEST_CASE("Over-promising across conditions: qualities 3.5-9.5, two prices, two networks") {
  // The launch campaign claims three points more than the quality (at most 10, the top of the
  // scale: at 9.5 the hype can only be half a point), against the honest claim; 30,000 agents,
  // four replicates, and more reviews for power (the rating's difference does not depend on it).
  const std::string text = std::string(kMidProduct) + R"(
[[segment]]
name = "everyone"
review_propensity = 0.05
[[campaign]]
product = "Mid"
start_day = 0
end_day = 30
daily_reach = 0.03
trigger_prob = 0.05
)";
  Csv csv("over_promising_grid", "quality,price,network,replicate,first_month,refunds,lost,rating");
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        const auto sets = plus(grid_sets(q, price, net, "Mid"), {"simulation.days=180", "simulation.agents=30000"});
        const std::string hype_claim = "product.Mid.claim=" + std::to_string(std::min(10.0, q + 3));
        std::vector<double> first_month, refunds, lost, rating;
        for (int rep = 0; rep < 4; ++rep) {
          const auto honest = run(with_replicate(from_text(text, sets), rep));
          const auto hype = run(with_replicate(from_text(text, plus(sets, {hype_claim})), rep));
          const auto last = static_cast<std::size_t>(honest.days_done - 1) * honest.K;
          first_month.push_back(total(hype, kPurchases, 0, 0, 30) / total(honest, kPurchases, 0, 0, 30) - 1);
          refunds.push_back(total(hype, kRefunds, 0) - total(honest, kRefunds, 0));
          lost.push_back(total(hype, kLostCustomers, 0) - total(honest, kLostCustomers, 0));
          rating.push_back(hype.rating_mean[last] - honest.rating_mean[last]);
          csv.row(q, price, net, rep, first_month.back(), refunds.back(), lost.back(), rating.back());
        }
        const auto fm = mean_ci(first_month), rf = mean_ci(refunds), ls = mean_ci(lost), rt = mean_ci(rating);
        MESSAGE("quality " << q << ", price " << std::string(price) << ", " << std::string(net) << ": first month "
                           << 100 * fm.mean << "% +- " << 100 * fm.half << "%, refunds +" << rf.mean << " +- "
                           << rf.half << ", lost +" << ls.mean << " +- " << ls.half << ", rating " << rt.mean << " +- "
                           << rt.half);
        CHECK(fm.mean - fm.half > 0);
        // Where the claim can exceed the quality by 2.5 points or more (quality <= 7.5). Known gap
        // (docs/validation.md, case 5): at 8.5 and 9.5 the hype is 1.5 and 0.5 points, few buyers
        // are disappointed enough to return or leave, and these differences are not resolved.
        if (q > 7.5) continue;
        CHECK(rf.mean - rf.half > 0);
        CHECK(ls.mean - ls.half > 0);
        CHECK(rt.mean + rt.half < 0);
      }
}

// ---- 6. Service recovery (de Matos, Henrique & Rossi 2007) ---------------------------------

namespace {
// Case 6's world: product Mid of the given quality, honestly advertised, whose only incidents
// are defects (defect_prob), with customer service of the given quality; most customers with a
// problem call. Returns the results and the share of Mid's last experiences that would be
// recommended (trusted value at wom_threshold or more: word of mouth).
struct RecoveryWorld {
  Results r;
  double recommend;
};
RecoveryWorld recovery_world(double quality, double defect, double service, int agents, int rep) {
  const std::string text = std::string(kMidProduct) + R"(
[[segment]]
name = "everyone"
need_interval_days = 120
[behavior]
service_contact_prob = 0.9
)";
  const std::string q = std::to_string(quality);
  auto sc = with_replicate(
      from_text(text, {"simulation.days=730", "simulation.agents=" + std::to_string(agents), "product.Mid.quality=" + q,
                       "product.Mid.claim=" + q, "product.Mid.defect_prob=" + std::to_string(defect),
                       "product.Mid.missing_accessory_prob=0", "product.Mid.delivery_problem_prob=0",
                       "product.Mid.service_quality=" + std::to_string(service)}),
      rep);
  Simulation s(sc, 0);
  s.run();
  const auto& w = s.world();
  double last = 0, recommending = 0;
  for (std::uint32_t i = 0; i < w.pop.n; ++i)
    if (w.pop.shared[i].product == 0) {
      last += 1;
      recommending += w.pop.shared[i].score >= w.wom_threshold10();
    }
  return {s.results(), recommending / last};
}
}  // namespace

TEST_CASE("Service recovery as de Matos et al.: satisfaction above no failure, repurchase and word of mouth not") {
  // de Matos, Henrique & Rossi (2007): after a successful recovery satisfaction exceeds that of
  // customers without a failure (the paradox holds for satisfaction), repurchase intentions
  // and word of mouth do not. Three worlds per quality, common random numbers per replicate:
  // 30% of units develop a defect that is never resolved (service 0) or always (service 1), or
  // no defect at all. Qualities 3.5 to 7.5; above, a flawless experience is remembered near the
  // top of the scale, which no recovery can exceed (docs/validation.md, case 6).
  Csv csv("service_recovery", "quality,replicate,world,remembered,repurchase,recommend");
  for (double q : {3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5}) {
    std::vector<double> sat_unres, sat_flaw, rep_flaw, wom_flaw;
    for (int rep = 0; rep < 4; ++rep) {
      const auto unresolved = recovery_world(q, 0.3, 0.0, 30000, rep),
                 recovered = recovery_world(q, 0.3, 1.0, 30000, rep),
                 flawless = recovery_world(q, 0.0, 1.0, 25000, rep);
      for (const auto* wd : {&unresolved, &recovered, &flawless})
        csv.row(q, rep,
                wd == &unresolved  ? "unresolved"
                : wd == &recovered ? "recovered"
                                   : "no_incident",
                remembered_mean(wd->r, 0), repurchase(wd->r, 0), wd->recommend);
      sat_unres.push_back(remembered_mean(recovered.r, 0) - remembered_mean(unresolved.r, 0));
      sat_flaw.push_back(remembered_mean(recovered.r, 0) - remembered_mean(flawless.r, 0));
      rep_flaw.push_back(repurchase(recovered.r, 0) - repurchase(flawless.r, 0));
      wom_flaw.push_back(recovered.recommend - flawless.recommend);
    }
    const auto su = mean_ci(sat_unres), sf = mean_ci(sat_flaw), rf = mean_ci(rep_flaw), wf = mean_ci(wom_flaw);
    MESSAGE("quality " << q << ": satisfaction recovered - unresolved " << su.mean << " +- " << su.half
                       << ", recovered - no failure " << sf.mean << " +- " << sf.half
                       << "; repeat purchases per buyer recovered - no failure " << rf.mean << " +- " << rf.half
                       << "; recommending share " << wf.mean << " +- " << wf.half);
    CHECK(su.mean - su.half > 0);                // a recovery satisfies more than no recovery, at every quality
    CHECK(rf.mean - rf.half <= 0);               // repurchase not significantly above no failure
    CHECK(wf.mean - wf.half <= 0);               // nor word of mouth
    if (q <= 7.5) CHECK(sf.mean - sf.half > 0);  // the paradox on satisfaction
  }
}

// ---- 7. Reviews and sales (Spiegel 2017; You, Vadakkepatt & Joshi 2015) --------------------

namespace {
// Two identical products; 15 days, before any buyer's own review appears (delivery 2 days +
// experience 14 days), so what is displayed is exactly the treatment.
const char* kTwins = R"(
[simulation]
agents = 1000000
days = 15
seed = 5
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
initial_awareness = 0.5
[[product]]
name = "B"
price = 100
quality = 7
claim = 7
initial_awareness = 0.5
)";

// Units of A and B in 15 days with the given displayed ratings (and further settings).
std::pair<double, double> twin_units(const char* a, const char* b, int rep, const std::vector<std::string>& sets = {}) {
  const auto r = run(with_replicate(from_text(kTwins, plus({std::string("product.A.initial_ratings=") + a,
                                                            std::string("product.B.initial_ratings=") + b},
                                                           sets)),
                                    rep));
  REQUIRE(total(r, kReviews, 0) == 0);
  return {total(r, kPurchases, 0), total(r, kPurchases, 1)};
}
}  // namespace

TEST_CASE("Reviews and sales: five reviews sell clearly more than none, rating elasticity 0.2-0.6") {
  const auto units = [](const char* a, const char* b, int rep) { return twin_units(a, b, rep); };
  std::vector<double> ratio, elasticity;
  Csv csv("reviews_sales", "replicate,measure,value");
  for (int rep = 0; rep < 3; ++rep) {
    const auto [five, none] = units("[0, 0, 0, 2, 3]", "[0, 0, 0, 0, 0]", rep);
    ratio.push_back(five / none);
    // Displayed mean 4.0 -> 4.4 (+10%) with 1,000 reviews.
    const double base = units("[50, 50, 100, 400, 400]", "[50, 50, 100, 400, 400]", rep).first;
    const double better = units("[50, 50, 100, 0, 800]", "[50, 50, 100, 400, 400]", rep).first;
    elasticity.push_back((better / base - 1) / 0.10);
    csv.row(rep, "five_vs_none_ratio", ratio.back());
    csv.row(rep, "rating_elasticity", elasticity.back());
  }
  const auto rr = mean_ci(ratio), el = mean_ci(elasticity);
  INFO("5 reviews vs none: x" << rr.mean << " +- " << rr.half << " (Spiegel: x3.7); elasticity " << el.mean << " +- "
                              << el.half);
  CHECK(rr.mean > 2.0);  // "clearly more": at least twice
  CHECK(rr.mean < 5.5);  // and of the published order (x3.7)
  CHECK(el.mean > 0.2);
  CHECK(el.mean < 0.6);
}

TEST_CASE("Reviews and sales across conditions: qualities 3.5-9.5, two prices, two networks") {
  // Both twins of quality q, honestly advertised, at the grid price, on the grid network;
  // 120,000 agents (the published point has 1,000,000). Same checks as the published point.
  Csv csv("reviews_sales_grid", "quality,price,network,replicate,five_vs_none_ratio,rating_elasticity");
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        const auto sets =
            plus(plus(grid_sets(q, price, net, "A"), grid_sets(q, price, net, "B")), {"simulation.agents=120000"});
        std::vector<double> ratio, elasticity;
        for (int rep = 0; rep < kGridReps; ++rep) {
          const auto [five, none] = twin_units("[0, 0, 0, 2, 3]", "[0, 0, 0, 0, 0]", rep, sets);
          ratio.push_back(five / none);
          const double base = twin_units("[50, 50, 100, 400, 400]", "[50, 50, 100, 400, 400]", rep, sets).first;
          const double better = twin_units("[50, 50, 100, 0, 800]", "[50, 50, 100, 400, 400]", rep, sets).first;
          elasticity.push_back((better / base - 1) / 0.10);
          csv.row(q, price, net, rep, ratio.back(), elasticity.back());
        }
        const auto rr = mean_ci(ratio), el = mean_ci(elasticity);
        MESSAGE("quality " << q << ", price " << std::string(price) << ", " << std::string(net)
                           << ": 5 reviews vs none x" << rr.mean << " +- " << rr.half << "; elasticity " << el.mean
                           << " +- " << el.half);
        CHECK(rr.mean > 2.0);
        CHECK(rr.mean < 5.5);
        CHECK(el.mean > 0.2);
        CHECK(el.mean < 0.6);
      }
}

// ---- 8. Content marketing ------------------------------------------------------------------

namespace {
const char* kContent = R"(
[simulation]
agents = 100000
days = 120
seed = 8
[[product]]
name = "A"
price = 100
quality = 7
claim = 7
initial_awareness = 0.05
[[product]]
name = "B"
price = 100
quality = 7
claim = 7
initial_awareness = 0.3
)";
const double kVisibility[] = {0.25, 0.5, 1, 2, 4};

// Awareness of A at the end and decisions considering A, per visibility level and replicate:
// every step up must raise both, 95% intervals of the paired differences above zero.
// With step = 1 the steps are the doublings 0.25 -> 0.5 -> 1 -> 2 -> 4, with step = 2 0.25 -> 1 -> 4.
// check = false: only reported; returns how many intervals (awareness and consideration) lie above 0.
int check_content_steps(const std::vector<std::vector<double>>& aware,
                        const std::vector<std::vector<double>>& considered, const std::string& where, int step = 1,
                        bool check = true) {
  int resolved = 0;
  for (int v = step; v < 5; v += step) {
    std::vector<double> da, dc;
    for (std::size_t rep = 0; rep < aware[v].size(); ++rep) {
      da.push_back(aware[v][rep] - aware[v - step][rep]);
      dc.push_back(considered[v][rep] - considered[v - step][rep]);
    }
    const auto a = mean_ci(da), c = mean_ci(dc);
    MESSAGE(where << "visibility " << kVisibility[v - step] << " -> " << kVisibility[v] << ": awareness +" << a.mean
                  << " +- " << a.half << ", considered +" << c.mean << " +- " << c.half);
    resolved += (a.mean - a.half > 0) + (c.mean - c.half > 0);
    if (!check) continue;
    CHECK(a.mean - a.half > 0);
    CHECK(c.mean - c.half > 0);
  }
  return resolved;
}
}  // namespace

TEST_CASE("Content marketing: more search visibility raises awareness and consideration, monotonically") {
  const char* text = kContent;
  const auto& levels = kVisibility;
  constexpr int kReps = 5;
  std::vector<std::vector<double>> aware(5), considered(5);
  Csv csv("content_marketing", "replicate,visibility,aware_share,considered");
  for (int rep = 0; rep < kReps; ++rep)
    for (int v = 0; v < 5; ++v) {
      const auto r = run(with_replicate(from_text(text, {"product.A.visibility=" + std::to_string(levels[v])}), rep));
      const double a = static_cast<double>(r.aware[static_cast<std::size_t>(r.days_done - 1) * r.K]) / r.agents;
      aware[v].push_back(a);
      considered[v].push_back(total(r, kConsidered, 0));
      csv.row(rep, levels[v], a, considered[v].back());
    }
  check_content_steps(aware, considered, "");
}

TEST_CASE("Content marketing across conditions: qualities 3.5-9.5, two prices, two networks") {
  // Both products of quality q, honestly advertised, at the grid price, on the grid network;
  // 12,000 agents (the published point has 100,000). Same checks as the published point.
  Csv csv("content_marketing_grid", "quality,price,network,replicate,visibility,aware_share,considered");
  int doublings = 0;
  for (const char* net : kGridNetworks)
    for (const char* price : kGridPrices)
      for (double q : kGridQualities) {
        const auto sets =
            plus(plus(grid_sets(q, price, net, "A"), grid_sets(q, price, net, "B")), {"simulation.agents=40000"});
        std::vector<std::vector<double>> aware(5), considered(5);
        for (int rep = 0; rep < 4; ++rep)
          for (int v = 0; v < 5; ++v) {
            const auto r = run(with_replicate(
                from_text(kContent, plus(sets, {"product.A.visibility=" + std::to_string(kVisibility[v])})), rep));
            aware[v].push_back(static_cast<double>(r.aware[static_cast<std::size_t>(r.days_done - 1) * r.K]) /
                               r.agents);
            considered[v].push_back(total(r, kConsidered, 0));
            csv.row(q, price, net, rep, kVisibility[v], aware[v].back(), considered[v].back());
          }
        std::ostringstream where;
        where << "quality " << q << ", price " << price << ", " << net << ": ";
        // Checked: the two fourfold steps 0.25 -> 1 -> 4. Reported: the four doublings, whose
        // upper steps are too small for 40,000 agents to resolve everywhere (docs/validation.md).
        check_content_steps(aware, considered, where.str(), 2);
        doublings += check_content_steps(aware, considered, where.str(), 1, false);
      }
  MESSAGE(doublings << " of 224 doubling-step intervals (awareness and consideration) above zero");
}
