#pragma once
// The scheduler's primitive: find the agents due today in a block of per-agent days.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace motsim {

// A day that never comes: the scheduled day of an agent with nothing scheduled.
inline constexpr std::int32_t kNever = std::numeric_limits<std::int32_t>::max();

// Appends every i in [lo, hi) (at most 64) with days[i] <= day to `due`, in order. With SSE2
// (every x86-64), a 64-bit mask of the due is built four days at a time and its set bits are
// listed, so the cost is 16 compares plus one step per due agent; elsewhere a branch-free loop.
inline void collect_due(const std::int32_t* __restrict days, std::uint32_t lo, std::uint32_t hi, std::int32_t day,
                        std::vector<std::uint32_t>& due) {
#if defined(__SSE2__)
  if (hi - lo == 64) {
    const __m128i limit = _mm_set1_epi32(day + 1);  // days[i] <= day  <=>  day + 1 > days[i] (signed)
    std::uint64_t mask = 0;
    for (std::uint32_t q = 0; q < 16; ++q) {
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(days + lo + 4 * q));
      const auto bits = static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(limit, d))));
      mask |= static_cast<std::uint64_t>(bits) << (4 * q);
    }
    for (; mask != 0; mask &= mask - 1) due.push_back(lo + static_cast<std::uint32_t>(__builtin_ctzll(mask)));
    return;
  }
#endif
  const std::size_t base = due.size();
  due.resize(base + (hi - lo));
  std::uint32_t* out = due.data() + base;
  std::size_t k = 0;
  for (std::uint32_t i = lo; i < hi; ++i) {
    out[k] = i;
    k += days[i] <= day ? 1 : 0;
  }
  due.resize(base + k);
}

// The scheduler's scan of a block: appends to `due`, in order, every i in [begin, end) with
// days[i] <= day, and returns the earliest of the other days (kNever if none). Most agents are
// not due, so it runs over 64 agents at a time without branches and collects indices only
// where some are due. Days are non-negative, so y = days[i] - day - 1 taken as unsigned is
// below 2^31 exactly for the agents not due and is their distance to tomorrow: the smallest y
// gives the wake day, and the top bit counts the due (a loop the compiler vectorises with the
// baseline x86-64 instruction set; a signed select does not vectorise).
inline std::int32_t scan_due(const std::int32_t* __restrict days, std::uint32_t begin, std::uint32_t end,
                             std::int32_t day, std::vector<std::uint32_t>& due) {
  const auto tomorrow = static_cast<std::uint32_t>(day) + 1u;
  std::uint32_t ymin = UINT32_MAX;
  for (std::uint32_t lo = begin; lo < end; lo += 64) {
    const std::uint32_t hi = std::min(end, lo + 64);
    std::uint32_t m = UINT32_MAX, n = 0;
    for (std::uint32_t i = lo; i < hi; ++i) {
      const std::uint32_t y = static_cast<std::uint32_t>(days[i]) - tomorrow;
      n += y >> 31;
      m = std::min(m, y);
    }
    if (n != 0) collect_due(days, lo, hi, day, due);
    ymin = std::min(ymin, m);  // a due agent's y (top bit set) loses to any other's
  }
  return ymin >> 31 ? kNever : static_cast<std::int32_t>(ymin + tomorrow);
}

}  // namespace motsim
