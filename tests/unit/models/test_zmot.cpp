// The ZMOT stage (models/zmot.cpp): research, the sources read (review pages, brand content,
// neighbours' experiences), loyal agents skipping research, and the consideration set; the
// stage called on crafted worlds, plus small simulations that show each mechanism end to end.
#include <doctest/doctest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/journey.hpp"

using namespace motsim;
using test::binomial_close;
using test::Day;
using test::kOne;
using test::kResearchOne;
using test::run;
using test::scenario;

namespace {
// Two unknown products; research reads only neighbours' experiences, ~Poisson(5) of them.
const char* kNeighborsOnly = R"(
[[product]]
name = "A"
initial_awareness = 0
[[product]]
name = "B"
initial_awareness = 0
[[segment]]
name = "all"
research_prob = 1
sources_mean = 5
[behavior]
share_reviews = 0
share_brand = 0
share_neighbors = 1
)";
}  // namespace

TEST_CASE("zmot: research probability and the number of sources read") {
  auto sc = scenario(std::string(kOne) + R"(
[[segment]]
name = "all"
research_prob = 0
[behavior]
share_neighbors = 0
)",
                     20000, 90);
  CHECK(run(sc).total(kResearchers) == 0);
  CHECK(run(sc).total(kSourcesRead) == 0);
  sc.segments[0].research_prob = 1;
  const auto r = run(sc);
  REQUIRE(r.total(kResearchers) > 1000);
  // One product: every researcher with at least one source counts once; Poisson(10.4)
  // truncated at zero has mean 10.4 / (1 - e^-10.4).
  CHECK(double(r.total(kSourcesRead)) / r.total(kResearchers) == doctest::Approx(10.4).epsilon(0.02));
}

TEST_CASE("zmot: the consideration set keeps the best-ranked aware, not lost products") {
  auto sc = scenario(std::string(test::kTwoProducts) + "[[product]]\nname = \"C\"\n[behavior]\nconsideration_max = 2\n",
                     10, 1);
  Simulation s(sc, 1);
  auto& w = s.world();
  const int K = w.K;
  for (int k = 0; k < K; ++k) {
    w.pop.pflags[k] = kAware;
    w.pop.belief[k] = static_cast<float>(4 + k);  // C > B > A
    w.pop.salience[k] = 0;
  }
  int set[kMaxProducts];
  int n = stage::consideration_set(w, 0, set);
  REQUIRE(n == 2);
  CHECK(set[0] == 2);
  CHECK(set[1] == 1);
  w.pop.pflags[2] |= kLost;  // a brand lost forever is never considered again
  w.pop.pflags[1] &= static_cast<std::uint8_t>(~kAware);
  n = stage::consideration_set(w, 0, set);
  REQUIRE(n == 1);
  CHECK(set[0] == 0);
  w.pop.salience[0] = 0;
  w.pop.pflags[0] |= kDropped;  // dropped after an incomplete page
  CHECK(stage::consideration_set(w, 0, set) == 0);
}

TEST_CASE("loyalty: a loyal agent skips research with probability loyal_skip_research") {
  const int n = 20000;
  auto sc = scenario(
      std::string(kResearchOne) + "[behavior]\nshare_reviews = 0\nshare_brand = 1\nshare_neighbors = 0\n", n, 1);
  // Returns how many agents researched; every agent is loyal to A (`loyal`), A maybe lost.
  const auto researchers = [&](double skip, std::int8_t loyal, bool lost) {
    auto s2 = sc;
    s2.behavior.loyal_skip_research = skip;
    Simulation s(s2, 1);
    auto& w = s.world();
    for (std::uint32_t i = 0; i < w.pop.n; ++i) {
      w.pop.loyal[i] = loyal;
      if (lost) w.pop.pflags[i] |= kLost;
    }
    Day d(w, 1);
    d.everyone_decides();
    stage::zmot(d.c);
    // Skipping or not, the research of this need episode is over.
    std::uint32_t done = 0;
    for (std::uint32_t i = 0; i < w.pop.n; ++i) done += (w.pop.flags[i] & kResearched) != 0;
    REQUIRE(done == w.pop.n);
    return d.count(kResearchers, 0);
  };
  // Poisson(20) sources: essentially every researcher reads a page of the only product.
  const double all = n * (1 - std::exp(-20.0));
  CHECK(researchers(0, 0, false) >= all - 5);
  CHECK(researchers(1, 0, false) == 0);
  CHECK(binomial_close(researchers(0.7, 0, false), n, 0.3));
  CHECK(binomial_close(researchers(0.25, 0, false), n, 0.75));
  // Only loyal agents skip, and only while the loyal brand is not lost.
  CHECK(researchers(1, -1, false) >= all - 5);
  CHECK(researchers(1, 0, true) >= all - 5);
}

TEST_CASE("brand content: an incomplete page drops the product with incomplete_drop_prob") {
  const int n = 20000;
  auto sc = scenario(
      std::string(kResearchOne) + "[behavior]\nshare_reviews = 0\nshare_brand = 1\nshare_neighbors = 0\n", n, 1);
  struct Out {
    std::int64_t researchers = 0, dropped = 0, considered = 0, learned = 0;
  };
  const auto research = [&](double info, double drop) {
    auto s2 = sc;
    s2.products[0].info_completeness = info;
    s2.behavior.incomplete_drop_prob = drop;
    Simulation s(s2, 1);
    auto& w = s.world();
    Day d(w, 1);
    d.everyone_decides();
    stage::zmot(d.c);
    Out o;
    o.researchers = d.count(kResearchers, 0);
    int set[kMaxProducts];
    const float prior = static_cast<float>(s2.segments[0].prior_quality);
    for (std::uint32_t i = 0; i < w.pop.n; ++i) {
      o.dropped += (w.pop.pflags[i] & kDropped) != 0;
      o.considered += stage::consideration_set(w, i, set) == 1;
      o.learned += w.pop.belief[i] != prior;
    }
    return o;
  };
  // Every page incomplete and always dropped: each reader drops it, nobody considers it.
  auto o = research(0, 1);
  REQUIRE(o.researchers > n - 5);
  CHECK(o.dropped == o.researchers);
  CHECK(o.considered == 0);
  CHECK(o.learned == 0);  // an incomplete page teaches nothing
  // Incomplete but never dropped: considered (it is known), still nothing learned.
  o = research(0, 0);
  CHECK(o.dropped == 0);
  CHECK(o.considered == o.researchers);
  CHECK(o.learned == 0);
  // Complete pages are never dropped and pull the belief to the claim.
  o = research(1, 1);
  CHECK(o.dropped == 0);
  CHECK(o.considered == o.researchers);
  CHECK(o.learned == o.researchers);
  // In between: a reader drops it with probability (1 - info_completeness) x drop.
  CHECK(binomial_close(research(0.5, 0.5).dropped, n, 0.25));
  CHECK(binomial_close(research(0.8, 1).dropped, n, 0.2));
  CHECK(binomial_close(research(0, 0.3).dropped, n, 0.3));
}

TEST_CASE("brand content: a complete page updates the belief toward the claim and raises salience") {
  auto sc =
      scenario(std::string(kResearchOne) +
                   "[behavior]\nshare_reviews = 0\nshare_brand = 1\nshare_neighbors = 0\ncontent_precision = 0.3\n",
               2000, 1);
  sc.products[0].info_completeness = 1;
  Simulation s(sc, 1);
  auto& w = s.world();
  Day d(w, 0);
  d.everyone_decides();
  stage::zmot(d.c);
  // The same page read again adds nothing: one update at precision 0.3 from prior (5, 1).
  const double expected = (1 * 5.0 + 0.3 * 9.0) / 1.3;
  std::int64_t read = 0, as_expected = 0;
  for (std::uint32_t i = 0; i < w.pop.n; ++i) {
    if (!(w.pop.pflags[i] & kAware)) continue;
    read += 1;
    as_expected += std::abs(w.pop.belief[i] - expected) < 1e-5 && std::abs(w.pop.precision[i] - 1.3) < 1e-6 &&
                   std::abs(w.pop.salience[i] - sc.behavior.ad_salience) < 1e-6;
  }
  CHECK(read > 1990);
  CHECK(as_expected == read);
}

TEST_CASE("brand content: incomplete pages cost sales through drops alone") {
  // Two equal products; B's pages are always incomplete. Complete pages teach nothing
  // (content_precision = 0) and the logit ignores information (info_weight = 0), so only
  // the drop can separate them.
  auto sc = scenario(std::string(test::kTwoProducts) + R"(
[[segment]]
name = "all"
research_prob = 1
need_interval_days = 60
[behavior]
share_reviews = 0
share_brand = 1
share_neighbors = 0
content_precision = 0
info_weight = 0
incomplete_drop_prob = 0
wom_rate = 0
)",
                     20000, 120);
  for (auto& pr : sc.products) {
    pr.quality = pr.claim = 7;
    pr.initial_awareness = 1;
  }
  sc.products[0].info_completeness = 1;
  sc.products[1].info_completeness = 0;
  const auto keep = run(sc);
  sc.behavior.incomplete_drop_prob = 1;
  const auto drop = run(sc);
  const auto share_b = [](const test::Run& r) { return double(r.total(kPurchases, 1)) / r.total(kPurchases); };
  INFO("B's share: never dropped ", share_b(keep), ", always dropped ", share_b(drop));
  REQUIRE(keep.total(kPurchases) > 2000);
  CHECK(share_b(keep) == doctest::Approx(0.5).epsilon(0.1));
  CHECK(share_b(drop) < share_b(keep) - 0.2);
}

TEST_CASE("neighbours: in the mean field a researcher reads random others' remembered experiences") {
  const int n = 20000;
  for (double np : {1.0, 2.5}) {
    auto sc = scenario(kNeighborsOnly, n, 1);
    sc.behavior.neighbor_precision = np;
    Simulation s(sc, 1);
    auto& w = s.world();
    auto& p = w.pop;
    // Even agents remember A at 9.0 (yesterday's shared state); odd agents have no experience.
    for (std::uint32_t i = 0; i < p.n; ++i)
      p.shared[i] = i % 2 == 0 ? Population::Experience{0, 90, 1} : Population::Experience{};
    Day d(w, 1);
    d.everyone_decides();
    stage::zmot(d.c);
    std::int64_t reads = 0, bad_a = 0, bad_b = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) {
      const float prec = p.precision[i * 2], mean = p.belief[i * 2];
      const double m = (prec - 1.0) / np;  // experiences of A read
      reads += std::lround(m);
      // Each read is a Gaussian update toward 9 at neighbor_precision, from the prior (5, 1),
      // and makes A known.
      bad_a += std::abs(m - std::round(m)) > 1e-4 || ((p.pflags[i * 2] & kAware) != 0) != (m > 0.5) ||
               std::abs(mean * prec - (5.0 + 9.0 * (prec - 1.0))) > 1e-3 * prec;
      // Nobody has an experience of B: nothing is learned about it.
      bad_b += p.pflags[i * 2 + 1] != 0 || p.belief[i * 2 + 1] != 5.0f || p.precision[i * 2 + 1] != 1.0f;
    }
    CHECK(bad_a == 0);
    CHECK(bad_b == 0);
    CHECK(reads == d.count(kSourcesRead, 0));
    CHECK(d.count(kSourcesRead, 1) == 0);
    // Poisson(5) sources, each a random other agent, half of whom have an experience of A.
    const double expected = n * 5.0 * 0.5;
    CHECK(std::abs(reads - expected) < 5 * std::sqrt(expected));
  }
}

TEST_CASE("neighbours: on a graph only actual neighbours are read, without a network nobody") {
  const int n = 2000;
  auto sc = scenario(std::string(kNeighborsOnly) + "[network]\ntype = \"ring\"\ndegree = 2\n", n, 1);
  {
    Simulation s(sc, 1);
    auto& w = s.world();
    auto& p = w.pop;
    std::uint32_t alternating = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) {
      alternating += w.net.degree(i) == 2 && w.net.neighbors[w.net.offsets[i]] % 2 != i % 2 &&
                     w.net.neighbors[w.net.offsets[i] + 1] % 2 != i % 2;
      // Even agents remember A at 9.0, odd agents B at 2.0.
      p.shared[i] = i % 2 == 0 ? Population::Experience{0, 90, 1} : Population::Experience{1, 20, 1};
    }
    REQUIRE(alternating == p.n);
    Day d(w, 1);
    d.everyone_decides();
    stage::zmot(d.c);
    std::int64_t learned = 0, bad = 0;
    for (std::uint32_t i = 0; i < p.n; ++i) {
      // An even agent's neighbours are odd: it hears only of B, as remembered by them (2.0).
      const int heard = i % 2 == 0 ? 1 : 0, other = 1 - heard;
      const double told = heard == 1 ? 2.0 : 9.0;
      const float prec = p.precision[i * 2 + heard], mean = p.belief[i * 2 + heard];
      bad += p.pflags[i * 2 + other] != 0 || p.precision[i * 2 + other] != 1.0f ||
             std::abs(mean * prec - (5.0 + told * (prec - 1.0))) > 1e-3 * prec;
      learned += prec > 1.5f;
    }
    CHECK(bad == 0);
    CHECK(learned > n * 0.98);  // P(no source) = e^-5
  }
  sc.network.type = "none";
  {
    Simulation s(sc, 1);
    auto& w = s.world();
    for (std::uint32_t i = 0; i < w.pop.n; ++i) w.pop.shared[i] = {0, 90, 1};
    Day d(w, 1);
    d.everyone_decides();
    stage::zmot(d.c);
    CHECK(d.count(kSourcesRead, 0) == 0);
    CHECK(d.count(kResearchers, 0) == 0);
    std::uint32_t unchanged = 0;
    for (std::uint32_t i = 0; i < w.pop.n; ++i) unchanged += w.pop.precision[i * 2] == 1.0f && w.pop.pflags[i * 2] == 0;
    CHECK(unchanged == w.pop.n);
  }
}

TEST_CASE("neighbours: others' bad experiences steer later buyers away from a bad product") {
  // A is good, B is bad; both promise the prior (5). The only research source is a
  // neighbour's experience; with neighbor_precision = 0 it makes products known but
  // teaches nothing.
  auto sc = scenario(std::string(test::kTwoProducts) + R"(
[[segment]]
name = "all"
research_prob = 1
need_interval_days = 60
[behavior]
share_reviews = 0
share_brand = 0
share_neighbors = 1
neighbor_precision = 0
wom_rate = 0
)",
                     20000, 150);
  sc.products[0].quality = 8;
  sc.products[1].quality = 2;
  for (auto& pr : sc.products) {
    pr.claim = 5;
    pr.initial_awareness = 1;
  }
  const auto deaf = run(sc);
  sc.behavior.neighbor_precision = 2;
  const auto told = run(sc);
  const auto share_b = [](const test::Run& r) { return double(r.total(kPurchases, 1)) / r.total(kPurchases); };
  INFO("B's share: neighbours teach nothing ", share_b(deaf), ", neighbours heard ", share_b(told));
  REQUIRE(deaf.total(kPurchases) > 2000);
  CHECK(share_b(told) < 0.7 * share_b(deaf));
  // Their good experiences pull buyers toward A.
  CHECK(told.total(kPurchases, 0) > deaf.total(kPurchases, 0));
}
