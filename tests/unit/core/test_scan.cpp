// The scheduler's scan of a block (sim/core/scan.hpp), against a plain loop.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/scan.hpp"

using namespace motsim;

TEST_CASE("scheduling: the block scan finds exactly the due agents and the earliest other day") {
  // Against a plain loop, on blocks of every length up to 200 (chunks of 64 and their ends),
  // with days around `day`, far ahead, kNever and the word-of-mouth markers.
  Rng r(11, 0, 0, 0, 0);
  // kNever - 1 and kNever - 2: the markers of retired and queued word of mouth (models/world.hpp).
  const std::int32_t specials[] = {0, kNever, kNever - 1, kNever - 2, 36500};
  for (int trial = 0; trial < 400; ++trial) {
    const auto len = static_cast<std::uint32_t>(r.below(200));
    const auto day = static_cast<std::int32_t>(r.below(40));
    std::vector<std::int32_t> days(len + 7);
    for (auto& d : days) d = r.bernoulli(0.2) ? specials[r.below(5)] : static_cast<std::int32_t>(r.below(80));
    const std::uint32_t begin = 7;
    std::vector<std::uint32_t> due, expect_due;
    std::int32_t expect_wake = kNever;
    for (std::uint32_t i = begin; i < len + 7; ++i) {
      if (days[i] <= day)
        expect_due.push_back(i);
      else
        expect_wake = std::min(expect_wake, days[i]);
    }
    const std::int32_t wake = scan_due(days.data(), begin, len + 7, day, due);
    CHECK(wake == expect_wake);
    CHECK(due == expect_due);
  }
}
