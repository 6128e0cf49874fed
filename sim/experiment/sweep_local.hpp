#pragma once
// A sweep on one machine: runs go in parallel, one per worker thread (oneTBB), each run
// single-threaded, so that every core stays busy however runs differ in cost.
#include <cstddef>
#include <functional>
#include <vector>

namespace motsim {

struct SweepPlan;
class SweepJournal;

// Runs `pending` on `threads` threads (0: every core), recording each finished run in `journal`
// and then calling `finished` with its id. Returns early when a stop is requested (a run cut short
// is not kept); rethrows the first failure of a run.
void run_local(const SweepPlan& pl, const std::vector<std::size_t>& pending, int threads, SweepJournal& journal,
               const std::function<void(std::size_t)>& finished);

}  // namespace motsim
