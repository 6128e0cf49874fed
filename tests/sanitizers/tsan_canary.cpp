// ThreadSanitizer canary: a deliberate data race through motsim's parallel loops
// (sim/core/parallel.hpp). scripts/test-sanitizers requires TSan to report it, which shows that
// the TSan stage sees the threads the engine runs on (and would see a race in the engine).
// Built only with -DMOTSIM_TSAN=ON; never part of a normal build or test run.
#include <chrono>
#include <cstdio>
#include <thread>

#include "sim/core/parallel.hpp"

int main() {
  long shared = 0;  // written by every chunk without synchronisation: a race
  motsim::par::Arena arena(2);
  arena.execute([&] {
    motsim::par::for_range<int>(
        0, 64, 1,
        [&](int lo, int hi) {
          // Slow chunks, so that both threads take some.
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          for (int i = lo; i < hi; ++i) shared += i;
        },
        true);
  });
  std::printf("%ld\n", shared);
  return 0;
}
