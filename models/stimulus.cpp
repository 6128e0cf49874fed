// Stage 1, stimulus: campaigns, word of mouth and category needs (MODEL.md "Stimulus").
#include <algorithm>
#include <cmath>

#include "models/journey.hpp"
#include "models/wom.hpp"

namespace motsim::stage {

void decay_salience(World& w, std::uint32_t i, std::int32_t day) {
  auto& p = w.pop;
  const std::int32_t dt = day - p.salience_day[i];
  if (dt <= 0) return;
  p.salience_day[i] = day;
  const double d = w.sc.behavior.salience_decay;
  if (d <= 0) return;
  // Forgetting, applied lazily too: the aware stock counted it on its day (forget_calendar).
  const std::size_t base = static_cast<std::size_t>(i) * w.K;
  for (int k = 0; k < w.K; ++k)
    if (p.aware_until[base + k] <= day) {
      p.pflags[base + k] &= static_cast<std::uint8_t>(~kAware);
      p.aware_until[base + k] = kNever;
    }
  // (1 - d)^dt, from the table the engine computed with the same pow() (the same value)
  const float f = static_cast<std::size_t>(dt) < w.salience_factor.size() ? w.salience_factor[dt]
                                                                          : static_cast<float>(std::pow(1.0 - d, dt));
  float* s = &p.salience[static_cast<std::size_t>(i) * w.K];
  for (int k = 0; k < w.K; ++k) s[k] *= f;
}

void make_aware(BlockContext& c, std::uint32_t i, int k, bool by_wom) {
  auto& f = c.w.pop.pflags[static_cast<std::size_t>(i) * c.w.K + k];
  if (f & kAware) return;
  f |= kAware;
  c.w.pop.aware_until[static_cast<std::size_t>(i) * c.w.K + k] = 0;  // a new memory: remember() dates it
  c.count(kNewlyAware, k) += 1;
  if (by_wom) c.count(kWomAware, k) += 1;
}

std::int32_t recall_day(const World& w, std::uint32_t i, int k, std::int32_t day, double s, Rng* memory) {
  const auto& b = w.sc.behavior;
  if (b.recall_threshold <= 0 || b.salience_decay <= 0) return kNever;
  const auto kk = static_cast<std::uint64_t>(k);
  Rng own = w.streams == 1 ? w.rng(i, day, Stream::Memory, kk) : w.rng(i, day, Stream::Memory);
  // Version 1: value 0 of the product's stream; version 2: value k of the day's, the caller's if held.
  const double u = w.streams == 1 ? own.uniform_pos() : (memory ? *memory : own).uniform_pos_at(kk);
  const std::int64_t d = model::recall_days(s, u, b, w.log_keep);
  if (d < 0 || day + d >= kWomQueued) return kNever;
  return static_cast<std::int32_t>(day + d);
}

void remember(BlockContext& c, std::uint32_t i, int k, Rng* memory) {
  auto& p = c.w.pop;
  const std::size_t ik = static_cast<std::size_t>(i) * c.w.K + k;
  const std::int32_t old = p.aware_until[ik];
  // kNever: a memory that does not fade (the brand's initial awareness, a product bought)
  if (old == kNever) return;
  const std::int32_t next = recall_day(c.w, i, k, c.day, p.salience[ik], memory);
  if (next <= old) return;  // a contact never shortens the memory
  p.aware_until[ik] = next;
  if (old != 0 || next != kNever) c.buf.forget_moves.push_back({old == 0 ? kNever : old, next, k});
}

void remember_owned(BlockContext& c, std::uint32_t i, int k) {
  auto& p = c.w.pop;
  const std::size_t ik = static_cast<std::size_t>(i) * c.w.K + k;
  if (p.aware_until[ik] == kNever) return;
  if (p.aware_until[ik] != 0) c.buf.forget_moves.push_back({p.aware_until[ik], kNever, k});
  p.aware_until[ik] = kNever;
}

void start_need(World& w, std::uint32_t i, std::int32_t day) {
  auto& p = w.pop;
  p.phase[i] = static_cast<std::uint8_t>(Phase::Need);
  p.next_day[i] = day;
  const auto& seg = w.sc.segments[p.segment[i]];
  p.need_deadline[i] = day + static_cast<std::int32_t>(std::ceil(seg.patience_days));
  p.flags[i] &= static_cast<std::uint8_t>(~kResearched);
  std::uint8_t* f = &p.pflags[static_cast<std::size_t>(i) * w.K];
  for (int k = 0; k < w.K; ++k) f[k] &= static_cast<std::uint8_t>(~kDropped);
}

void schedule_next_need(World& w, std::uint32_t i, std::int32_t day) {
  auto& p = w.pop;
  p.phase[i] = static_cast<std::uint8_t>(Phase::Idle);
  const auto& seg = w.sc.segments[p.segment[i]];
  if (seg.need_interval_days <= 0 || (!w.sc.behavior.repeat_purchase && (p.flags[i] & kEverBought))) {
    p.next_day[i] = kNever;
    return;
  }
  // Days until the next need ~ 1 + Geometric(1 / interval): drawn ahead, so an idle agent
  // costs nothing until then.
  Rng r = w.rng(i, day, Stream::Need, 1);
  const std::uint64_t g = r.geometric(std::min(1.0, 1.0 / seg.need_interval_days));
  const std::int64_t next =
      static_cast<std::int64_t>(day) + 1 + static_cast<std::int64_t>(std::min<std::uint64_t>(g, kNever));
  p.next_day[i] = next >= kNever ? kNever : static_cast<std::int32_t>(next);
}

namespace {

bool can_trigger_need(const World& w, std::uint32_t i) {
  return w.pop.phase[i] == static_cast<std::uint8_t>(Phase::Idle) &&
         (w.sc.behavior.repeat_purchase || !(w.pop.flags[i] & kEverBought));
}

// Campaign exposures: each targeted agent is exposed with probability daily_reach; the
// exposed agents are found by geometric skips, so the cost is proportional to exposures.
void sample_campaigns(BlockContext& c) {
  const auto& camps = c.w.sc.campaigns;
  c.buf.campaign_exposures.assign(camps.size(), 0);
  for (std::size_t ci = 0; ci < camps.size(); ++ci) {
    const auto& cp = camps[ci];
    if (c.day < cp.start_day || c.day >= cp.end_day || cp.daily_reach <= 0) continue;
    Rng r = c.w.rng(kBlockEntity + c.block, c.day, Stream::Campaign, ci);
    const double log1m = cp.daily_reach < 1.0 ? std::log1p(-cp.daily_reach) : 0.0;  // once per block
    std::uint64_t pos = c.begin + r.geometric(cp.daily_reach, log1m);
    while (pos < c.end) {
      const auto i = static_cast<std::uint32_t>(pos);
      if (cp.segment_index < 0 || c.w.pop.segment[i] == cp.segment_index) {
        c.buf.events.push_back(
            {i, EventKind::Exposure, static_cast<std::uint8_t>(cp.product_index), static_cast<std::uint16_t>(ci)});
        c.buf.campaign_exposures[ci] += 1;  // each event is one exposure (counted per product when applied)
      }
      const std::uint64_t g = r.geometric(cp.daily_reach, log1m);
      if (g >= c.end) break;
      pos += 1 + g;
    }
  }
}

// Word of mouth, mean field: the probability of hearing of k is wom_rate x susceptibility x
// (share of the population who own k and remember it positively, yesterday).
void sample_wom_mean_field(BlockContext& c) {
  const auto& w = c.w;
  const double n = w.pop.n;
  for (int k = 0; k < w.K; ++k) {
    const double share = w.positive_owners[k] / n;
    const double pmax = std::min(1.0, w.sc.behavior.wom_rate * w.max_susceptibility * share);
    if (pmax <= 0) continue;
    Rng r = w.rng(kBlockEntity + c.block, c.day, Stream::WomField, k);
    std::uint64_t pos = c.begin + r.geometric(pmax);
    while (pos < c.end) {
      const auto i = static_cast<std::uint32_t>(pos);
      // Thinning: accept with the agent's own susceptibility relative to the maximum.
      const double accept = w.sc.segments[w.pop.segment[i]].wom_susceptibility / w.max_susceptibility;
      if (accept >= 1.0 || r.bernoulli(accept))
        c.buf.events.push_back({i, EventKind::WordOfMouth, static_cast<std::uint8_t>(k), 0});
      const std::uint64_t g = r.geometric(pmax);
      if (g >= c.end) break;
      pos += 1 + g;
    }
  }
}

}  // namespace

// Each source appends its events in agent order (campaign by campaign, then word of mouth),
// so the day's list is a few ascending runs: merging them, earlier runs first among equal
// agents, gives exactly what a stable sort by agent gives, without its allocation.
void sort_by_agent(std::vector<Event>& ev, std::vector<Event>& scratch) {
  const std::size_t n = ev.size();
  auto run_end = [&](std::size_t from) {  // end of the ascending run starting at `from`
    std::size_t e = from + 1;
    while (e < n && ev[e].agent >= ev[e - 1].agent) ++e;
    return std::min(e, n);
  };
  auto at = [](std::vector<Event>& v, std::size_t k) { return v.begin() + static_cast<std::ptrdiff_t>(k); };
  while (run_end(0) < n) {  // one pass merges the runs two by two into scratch
    scratch.resize(n);
    for (std::size_t lo = 0; lo < n;) {
      const std::size_t mid = run_end(lo), hi = mid < n ? run_end(mid) : n;
      std::merge(at(ev, lo), at(ev, mid), at(ev, mid), at(ev, hi), at(scratch, lo),
                 [](const Event& a, const Event& b) { return a.agent < b.agent; });
      lo = hi;
    }
    ev.swap(scratch);
  }
}

namespace {

void apply_events(BlockContext& c) {
  auto& w = c.w;
  auto& p = w.pop;
  const auto& b = w.sc.behavior;
  auto& ev = c.buf.events;
  sort_by_agent(ev, c.buf.events_scratch);
  std::size_t idx = 0;
  while (idx < ev.size()) {
    const std::uint32_t i = ev[idx].agent;
    Rng mem = w.rng(i, c.day, Stream::Memory);  // version 2's memory thresholds (a block when read)
    if (w.retired(i)) {                         // it will never decide again: only the counts change
      decay_salience(w, i, c.day);
      for (; idx < ev.size() && ev[idx].agent == i; ++idx) {
        if (ev[idx].kind == EventKind::Exposure) c.count(kExposures, ev[idx].product) += 1;
        make_aware(c, i, ev[idx].product, ev[idx].kind == EventKind::WordOfMouth);
        remember(c, i, ev[idx].product, &mem);
      }
      continue;
    }
    Rng r = w.rng(i, c.day, Stream::Need);
    decay_salience(w, i, c.day);
    for (; idx < ev.size() && ev[idx].agent == i; ++idx) {
      const Event& e = ev[idx];
      const int k = e.product;
      const std::size_t ik = static_cast<std::size_t>(i) * w.K + k;
      double trigger;
      if (e.kind == EventKind::Exposure) {
        const auto& cp = w.sc.campaigns[e.source];
        c.count(kExposures, k) += 1;
        make_aware(c, i, k, false);
        const double claim = cp.claim >= 0 ? cp.claim : w.sc.products[k].claim;
        model::gaussian_update(p.belief[ik], p.precision[ik], claim, b.ad_precision);
        p.salience[ik] = std::min(1.0f, p.salience[ik] + static_cast<float>(b.ad_salience));
        remember(c, i, k, &mem);
        trigger = cp.trigger_prob;
      } else {
        make_aware(c, i, k, true);
        // On a graph the recommending neighbour's own remembered satisfaction; in the mean
        // field (and without experiences) the mean over all positive owners.
        const double told = e.source > 0 ? (e.source - 1) / 10.0
                            : w.positive_owners[k] > 0
                                ? static_cast<double>(w.positive_score10[k]) / (10.0 * w.positive_owners[k])
                                : b.wom_threshold;
        model::gaussian_update(p.belief[ik], p.precision[ik], told, b.wom_precision);
        p.salience[ik] = std::min(1.0f, p.salience[ik] + static_cast<float>(b.ad_salience));
        remember(c, i, k, &mem);
        trigger = b.wom_trigger;
      }
      if (trigger > 0 && can_trigger_need(w, i) && r.bernoulli(trigger)) {
        start_need(w, i, c.day);
        c.buf.decide.push_back(i);
      }
    }
  }
}

}  // namespace

void stimulus(BlockContext& c) {
  auto& w = c.w;
  sample_campaigns(c);
  if (w.sc.behavior.wom_rate > 0 && w.net.kind == Network::Kind::Complete) sample_wom_mean_field(c);
  // On a graph: the word of mouth of the agents the scheduler found due today.
  if (w.sc.behavior.wom_rate > 0 && w.net.kind == Network::Kind::Graph) wom::events(c);
  // Exposures and recommendations; a triggered need joins today's decisions.
  apply_events(c);
}

void begin_use(BlockContext& c, std::uint32_t i) {
  auto& p = c.w.pop;
  p.phase[i] = static_cast<std::uint8_t>(Phase::Using);
  p.next_day[i] = c.day + static_cast<std::int32_t>(std::ceil(c.w.sc.behavior.experience_days));
  if (p.next_day[i] <= c.day) c.buf.finish.push_back(i);
}

}  // namespace motsim::stage
