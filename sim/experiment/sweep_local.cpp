#include "sim/experiment/sweep_local.hpp"

#include <exception>
#include <mutex>

#include "sim/core/interrupt.hpp"
#include "sim/core/parallel.hpp"
#include "sim/experiment/sweep_journal.hpp"
#include "sim/experiment/sweep_plan.hpp"

namespace motsim {

void run_local(const SweepPlan& pl, const std::vector<std::size_t>& pending, int threads, SweepJournal& journal,
               const std::function<void(std::size_t)>& finished) {
  // Results are keyed by run id, so the file is the same for any thread count.
  par::Arena arena(par::threads_or_all(threads));
  std::mutex m;
  std::exception_ptr error;
  auto run_one = [&](std::size_t run) {
    try {
      const auto v = compute_run(pl, run, 1, &stop_flag());
      if (stop_requested()) return false;  // cut short: not kept
      journal.record(run, v);
      finished(run);
      return true;
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      if (!error) error = std::current_exception();
      return false;
    }
  };
  arena.execute([&] {
    par::for_range<std::size_t>(
        0, pending.size(), 1,
        [&](std::size_t lo, std::size_t hi) {
          for (std::size_t i = lo; i != hi; ++i)
            if (stop_requested() || !run_one(pending[i])) return;
        },
        true);
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace motsim
