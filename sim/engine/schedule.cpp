#include "sim/engine/schedule.hpp"

#include <algorithm>

#include "models/wom.hpp"

namespace motsim {

namespace {
// Sorts an agent whose next_day has come into today's lists by its phase; returns a day by
// which the block must wake for it (kNever when it is on today's lists, which end_block_day
// accounts for).
std::int32_t sort_due(BlockContext& c, std::uint32_t i) {
  auto& w = c.w;
  auto& p = w.pop;
  switch (static_cast<Phase>(p.phase[i])) {
    case Phase::Idle:
      stage::start_need(w, i, c.day);
      c.buf.decide.push_back(i);
      break;
    case Phase::Need:
      if (c.day >= p.need_deadline[i]) {
        stage::schedule_next_need(w, i, c.day);  // the need lapsed unmet
        return p.next_day[i];
      }
      c.buf.decide.push_back(i);
      break;
    case Phase::Delivery:
      stage::begin_use(c, i);
      if (p.next_day[i] > c.day) return p.next_day[i];
      break;
    case Phase::Using:
      c.buf.finish.push_back(i);
      break;
  }
  return kNever;
}
}  // namespace

void schedule(BlockContext& c, bool scan_every_block) {
  auto& w = c.w;
  auto& buf = c.buf;
  buf.due.clear();
  buf.wom_due.clear();
  // An agent whose next event lies ahead costs nothing; a block whose agents all wait is not
  // even scanned.
  if (!scan_every_block && !w.block_wake.empty() && w.block_wake[c.block] > c.day) {
    buf.wake = w.block_wake[c.block];
    return;
  }
  std::int32_t wake = wom::due(c);
  wake = std::min(wake, scan_due(w.pop.next_day.data(), c.begin, c.end, c.day, buf.due));
  for (std::uint32_t i : buf.due) wake = std::min(wake, sort_due(c, i));
  buf.wake = wake;
}

void end_block_day(BlockContext& c) {
  wom::settle(c);
  std::int32_t wake = c.buf.wake;
  const auto& next = c.w.pop.next_day;
  for (std::uint32_t i : c.buf.decide) wake = std::min(wake, next[i]);
  for (std::uint32_t i : c.buf.finish) wake = std::min(wake, next[i]);
  c.w.block_wake[c.block] = wake;
}

}  // namespace motsim
