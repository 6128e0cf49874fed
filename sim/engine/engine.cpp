#include "sim/engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "models/journey.hpp"
#include "models/wom.hpp"
#include "sim/core/parallel.hpp"

namespace motsim {

struct Simulation::Arena {
  par::Arena arena;
  explicit Arena(int n) : arena(n) {}
};

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
constexpr std::int64_t kInitDay = 0xFFFFFFFEll;
}  // namespace

int World::sample_visible_product(double u) const {
  const double x = u * visibility_cdf.back();
  const auto it = std::upper_bound(visibility_cdf.begin(), visibility_cdf.end(), x);
  return std::min<int>(static_cast<int>(it - visibility_cdf.begin()), K - 1);
}

Simulation::Simulation(const Scenario& sc, int threads, const SimulationOptions& options) : options_(options) {
  const auto t0 = Clock::now();
  threads_ = par::threads_or_all(threads);
  arena_ = std::make_unique<Arena>(threads_);
  world_.sc = sc;
  world_.seed = static_cast<std::uint64_t>(sc.simulation.seed);
  world_.replicate = static_cast<std::uint64_t>(sc.simulation.replicate);
  world_.streams = static_cast<int>(sc.simulation.rng_streams);
  world_.K = static_cast<int>(sc.products.size());
  const auto n = static_cast<std::uint32_t>(sc.simulation.agents);
  const auto tn = Clock::now();
  arena_->arena.execute([&] { world_.net = build_network(sc.network, n, world_.seed, world_.replicate); });
  results_.network_seconds = seconds_since(tn);
  double cum = 0;
  for (const auto& p : sc.products) world_.visibility_cdf.push_back(cum += p.visibility);
  if (cum <= 0) {  // nobody is visible: fall back to uniform search results
    cum = 0;
    for (auto& v : world_.visibility_cdf) v = ++cum;
  }
  for (long dt = 0; dt <= sc.simulation.days; ++dt)
    world_.salience_factor.push_back(
        static_cast<float>(std::pow(1.0 - sc.behavior.salience_decay, static_cast<std::int32_t>(dt))));
  world_.log_keep = -std::log1p(-sc.behavior.salience_decay);
  for (const auto& s : sc.segments)
    world_.max_susceptibility = std::max(world_.max_susceptibility, s.wom_susceptibility);
  if (world_.max_susceptibility <= 0) world_.max_susceptibility = 1;
  world_.platform.init(sc.products, sc.behavior);
  world_.positive_owners.assign(world_.K, 0);
  world_.positive_score10.assign(world_.K, 0);
  blocks_ = (n + kBlockSize - 1) / kBlockSize;
  buffers_.resize(blocks_);
  step_seconds_.assign(blocks_, {});
  results_.init(static_cast<int>(sc.simulation.days), world_.K, n);
  for (const auto& p : sc.products) {
    results_.products.push_back(p.name);
    results_.prices.push_back(p.price);
  }
  results_.costs = cost_model(sc);
  results_.campaign_exposures.assign(static_cast<std::size_t>(sc.simulation.days) * sc.campaigns.size(), 0);
  for (const auto& s : kBlockSteps) results_.stage_names.push_back(s.name);
  results_.stage_names.push_back(kMergeStep);
  results_.stage_seconds.assign(results_.stage_names.size(), 0.0);
  initialise();
  results_.setup_seconds = seconds_since(t0);
}

Simulation::~Simulation() = default;

void Simulation::initialise() {
  auto& w = world_;
  auto& p = w.pop;
  const auto& sc = w.sc;
  p.resize(static_cast<std::uint32_t>(sc.simulation.agents), w.K);
  std::vector<double> seg_cdf;
  double c = 0;
  for (const auto& s : sc.segments) seg_cdf.push_back(c += s.share);
  std::vector<std::vector<std::int64_t>> aware(blocks_, std::vector<std::int64_t>(w.K, 0));
  arena_->arena.execute([&] {
    par::for_range<std::uint32_t>(
        0, blocks_, 1,
        [&](std::uint32_t lo, std::uint32_t hi) {
          for (std::uint32_t b = lo; b != hi; ++b) {
            const std::uint32_t begin = b * kBlockSize, end = std::min<std::uint32_t>(p.n, begin + kBlockSize);
            for (std::uint32_t i = begin; i < end; ++i) {
              Rng r = w.rng(i, kInitDay, Stream::Init);
              const double u = r.uniform() * seg_cdf.back();
              int g = static_cast<int>(std::upper_bound(seg_cdf.begin(), seg_cdf.end(), u) - seg_cdf.begin());
              g = std::min<int>(g, static_cast<int>(seg_cdf.size()) - 1);
              const auto& seg = sc.segments[g];
              p.segment[i] = static_cast<std::uint8_t>(g);
              const double sd = seg.price_sensitivity_sd;
              p.price_sens[i] = static_cast<float>(seg.price_sensitivity * std::exp(sd * r.normal() - 0.5 * sd * sd));
              for (int k = 0; k < w.K; ++k) {
                const std::size_t ik = static_cast<std::size_t>(i) * w.K + k;
                p.belief[ik] = static_cast<float>(seg.prior_quality);
                p.precision[ik] = static_cast<float>(sc.behavior.prior_precision);
                if (r.bernoulli(sc.products[k].initial_awareness)) {
                  p.pflags[ik] |= kAware;
                  p.salience[ik] = static_cast<float>(sc.behavior.ad_salience);
                  aware[b][k] += 1;
                }
              }
              // First need drawn ahead (day index from 0).
              if (seg.need_interval_days > 0) {
                const std::uint64_t gday = r.geometric(std::min(1.0, 1.0 / seg.need_interval_days));
                p.next_day[i] = gday >= static_cast<std::uint64_t>(kNever) ? kNever : static_cast<std::int32_t>(gday);
              }
            }
          }
        },
        true);
  });
  wom::init(w);
  w.block_wake.assign(blocks_, 0);  // scan every block on the first day
  initial_aware_.assign(w.K, 0);
  for (std::uint32_t b = 0; b < blocks_; ++b)
    for (int k = 0; k < w.K; ++k) initial_aware_[k] += aware[b][k];
  // Initial awareness is the brand's consolidated memory, built before the run: not forgotten
  // within it (aware_until stays kNever); what the run's contacts teach fades (models/stimulus.cpp).
  w.forget_calendar.assign(static_cast<std::size_t>(sc.simulation.days) * w.K, 0);
}

void Simulation::step(std::int32_t day, bool profile) {
  auto& w = world_;
  arena_->arena.execute([&] {
    par::for_range<std::uint32_t>(
        0, blocks_, 1,
        [&](std::uint32_t lo, std::uint32_t hi) {
          for (std::uint32_t b = lo; b != hi; ++b) {
            BlockBuffer& buf = buffers_[b];
            buf.reset(w.K);
            BlockContext ctx{w, buf, day, b, b * kBlockSize, std::min<std::uint32_t>(w.pop.n, (b + 1) * kBlockSize)};
            BlockDay d{ctx, options_};
            if (!profile) {
              for (const auto& s : kBlockSteps) s.run(d);
              continue;
            }
            for (std::size_t s = 0; s < kNumBlockSteps; ++s) {
              const auto t = Clock::now();
              kBlockSteps[s].run(d);
              step_seconds_[b][s] += seconds_since(t);
            }
          }
        },
        true);
  });
}

void Simulation::merge_day(std::int32_t day) {
  apply_shared_updates();
  add_block_buffers(day);
  update_word_of_mouth(day);
  world_.platform.refresh(world_.sc.behavior);
  record_stocks(day);
}

// Shared state becomes visible: each block applies its own agents' changes (in parallel, an
// agent belongs to one block) and keeps integer deltas, summed in block order afterwards.
void Simulation::apply_shared_updates() {
  auto& w = world_;
  auto& p = w.pop;
  const int K = w.K;
  const std::uint8_t thr = w.wom_threshold10();
  auto positive = [&](std::uint32_t i) { return w.recommends(i, thr); };
  arena_->arena.execute([&] {
    par::for_range<std::uint32_t>(
        0, blocks_, 1,
        [&](std::uint32_t lo, std::uint32_t hi) {
          for (std::uint32_t b = lo; b != hi; ++b) {
            BlockBuffer& buf = buffers_[b];
            buf.positive_delta.assign(K, 0);
            buf.score10_delta.assign(K, 0);
            buf.wom_changes.clear();
            for (const auto& u : buf.shared) {
              auto& e = p.shared[u.agent];
              const int old_product = e.product;
              const bool was_positive = positive(u.agent);
              if (was_positive) {
                buf.positive_delta[old_product] -= 1;
                buf.score10_delta[old_product] -= e.score;
              }
              e = {u.product, u.score, u.owns};
              const bool is_positive = positive(u.agent);
              if (is_positive) {
                buf.positive_delta[u.product] += 1;
                buf.score10_delta[u.product] += u.score;
              }
              if (!w.wom_next.empty() && (was_positive || is_positive))
                buf.wom_changes.push_back(
                    {u.agent, static_cast<std::int8_t>(old_product), u.product, was_positive, is_positive});
            }
          }
        },
        true);
  });
}

// In block order: the day's counters, floating sums, experience stars and reviews go to the
// results (and the reviews to the platform), the positive-owner deltas to the world.
void Simulation::add_block_buffers(std::int32_t day) {
  auto& w = world_;
  auto& r = results_;
  const int K = w.K;
  for (std::uint32_t b = 0; b < blocks_; ++b) {
    const BlockBuffer& buf = buffers_[b];
    for (int c = 0; c < kNumCounts; ++c)
      for (int k = 0; k < K; ++k)
        r.count(static_cast<Count>(c), day, k) += buf.counts[static_cast<std::size_t>(c) * K + k];
    for (int s = 0; s < kNumSums; ++s)
      for (int k = 0; k < K; ++k) r.sum(static_cast<Sum>(s), day, k) += buf.sums[static_cast<std::size_t>(s) * K + k];
    for (std::size_t j = 0; j < buf.experience_stars.size(); ++j)
      r.experience_stars[static_cast<std::size_t>(day) * K * 5 + j] += buf.experience_stars[j];
    for (std::size_t c = 0; c < buf.campaign_exposures.size(); ++c)
      r.campaign_exposures[static_cast<std::size_t>(day) * buf.campaign_exposures.size() + c] +=
          buf.campaign_exposures[c];
    for (const auto& m : buf.forget_moves) {  // forgetting days moved today (all later than today)
      if (m.from < r.days) w.forget_calendar[static_cast<std::size_t>(m.from) * K + m.product] -= 1;
      if (m.to < r.days) w.forget_calendar[static_cast<std::size_t>(m.to) * K + m.product] += 1;
    }
    for (const auto& rv : buf.reviews) {
      r.reviews.push_back(rv);
      w.platform.add(rv);
    }
    for (int k = 0; k < K; ++k) {
      w.positive_owners[k] += buf.positive_delta[k];
      w.positive_score10[k] += buf.score10_delta[k];
    }
    wom_changes_.insert(wom_changes_.end(), buf.wom_changes.begin(), buf.wom_changes.end());
  }
}

// On a graph: the recommenders' changes update their neighbours' counters, whose next
// word-of-mouth days are redrawn.
void Simulation::update_word_of_mouth(std::int32_t day) {
  arena_->arena.execute([&] {
    wom::apply_changes(world_, wom_changes_, wom_dirty_);
    wom::redraw(world_, wom_dirty_, day);
  });
  wom_changes_.clear();
}

// The stocks at the end of the day: aware, adopters, and the platform's display.
void Simulation::record_stocks(std::int32_t day) {
  const auto& pf = world_.platform;
  auto& r = results_;
  const int K = world_.K;
  for (int k = 0; k < K; ++k) {
    const std::size_t dk = static_cast<std::size_t>(day) * K + k;
    const std::int64_t prev_aware = day > 0 ? r.aware[dk - K] : initial_aware_[k];
    const std::int64_t prev_adopt = day > 0 ? r.adopters[dk - K] : 0;
    r.aware[dk] = prev_aware + r.count(kNewlyAware, day, k) - world_.forget_calendar[dk];
    r.adopters[dk] = prev_adopt + r.count(kNewAdopters, day, k);
    // NaN before the first review, like the KPI `rating`: there is no mean to display.
    r.rating_mean[dk] = pf.count[k] > 0 ? pf.displayed_mean[k] : std::nan("");
    r.rating_count[dk] = pf.count[k];
    for (int s = 0; s < 5; ++s) r.rating_hist[dk * 5 + s] = pf.hist[k][s];
  }
}

void Simulation::run(const std::function<void(int, int)>& progress, bool profile, const std::atomic<bool>* stop) {
  const auto t0 = Clock::now();
  const int days = results_.days;
  for (int d = 0; d < days; ++d) {
    if (stop && stop->load()) break;
    step(d, profile);
    const auto tm = Clock::now();
    merge_day(d);
    results_.stage_seconds[kNumBlockSteps] += seconds_since(tm);
    results_.days_done = d + 1;
    if (progress) progress(d + 1, days);
  }
  // What agents forgot by the end of the last day (forgetting is otherwise applied lazily), so
  // that their final state agrees with the aware stock.
  auto& p = world_.pop;
  for (std::size_t ik = 0; ik < p.aware_until.size(); ++ik)
    if (p.aware_until[ik] < results_.days_done) {
      p.pflags[ik] &= static_cast<std::uint8_t>(~kAware);
      p.aware_until[ik] = kNever;
    }
  if (profile)
    for (const auto& block : step_seconds_)
      for (std::size_t s = 0; s < kNumBlockSteps; ++s) results_.stage_seconds[s] += block[s];
  results_.run_seconds = seconds_since(t0);
}

}  // namespace motsim
