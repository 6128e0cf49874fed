#include "sim/experiment/sweep_mpi.hpp"

#define OMPI_SKIP_MPICXX 1  // the C API only
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

#include "sim/core/interrupt.hpp"
#include "sim/experiment/sweep_journal.hpp"
#include "sim/experiment/sweep_plan.hpp"

namespace motsim {

namespace {

constexpr int kWork = 1, kResult = 2;  // message tags

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

// Waits for the next message to rank 0 by polling with short sleeps rather than MPI_Probe: Open
// MPI's blocking calls spin, and a spinning coordinator would take a core from the workers on
// its node.
MPI_Status wait_for_result() {
  MPI_Status st;
  int flag = 0;
  for (int nap_us = 50;; nap_us = std::min(2 * nap_us, 5000)) {
    MPI_Iprobe(MPI_ANY_SOURCE, kResult, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    std::this_thread::sleep_for(std::chrono::microseconds(nap_us));
  }
}

// Rank 0: dynamic load balancing, one run at a time to whichever worker asks (with its result
// of the previous run, or a first hello).
void coordinate(int size, const SweepPlan& pl, const std::vector<std::size_t>& pending, SweepJournal& journal,
                const std::function<void(std::size_t)>& finished) {
  std::size_t next = 0;
  int active = size - 1;
  std::vector<double> buf(pl.values_per_run + 1);
  while (active > 0) {
    const MPI_Status st = wait_for_result();
    int count;
    MPI_Get_count(&st, MPI_DOUBLE, &count);
    buf.resize(static_cast<std::size_t>(std::max(count, 1)));
    MPI_Recv(buf.data(), count, MPI_DOUBLE, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (count > 1) {  // a finished run: [run, values...]
      const auto run = static_cast<std::size_t>(buf[0]);
      journal.record(run, std::vector<double>(buf.begin() + 1, buf.end()));
      finished(run);
    }
    long long work = -1;
    if (next < pending.size() && !stop_requested()) work = static_cast<long long>(pending[next++]);
    MPI_Send(&work, 1, MPI_LONG_LONG, st.MPI_SOURCE, kWork, MPI_COMM_WORLD);
    if (work < 0) --active;
  }
}

// The other ranks: ask, compute, send the result back, until rank 0 sends -1.
void work(const SweepPlan& pl) {
  double hello = -1;
  MPI_Send(&hello, 1, MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
  while (true) {
    long long run;
    MPI_Recv(&run, 1, MPI_LONG_LONG, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (run < 0) break;
    std::vector<double> msg{static_cast<double>(run)};
    const auto v = compute_run(pl, static_cast<std::size_t>(run), 1, &stop_flag());
    msg.insert(msg.end(), v.begin(), v.end());
    if (stop_requested()) msg.resize(1), msg[0] = -1;  // interrupted: the run is not kept
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
  }
}

}  // namespace

MpiJob::MpiJob() {
  if (!launched_by_mpirun()) return;
  int provided;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  joined_ = true;
}

MpiJob::~MpiJob() {
  if (joined_) MPI_Finalize();
}

void MpiJob::abort_current(int code) const {
  try {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "motsim: %s\n", e.what());
  } catch (...) {
  }
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();  // MPI_Abort does not return
}

void run_over_ranks(const MpiJob& job, const SweepPlan& pl, const std::vector<std::size_t>& pending,
                    SweepJournal* journal, const std::function<void(std::size_t)>& finished, const std::string& out) {
  try {
    if (job.rank() == 0)
      coordinate(job.size(), pl, pending, *journal, finished);
    else
      work(pl);
  } catch (const std::exception& e) {
    // Finished runs are in the journal.
    std::fprintf(stderr, "motsim: rank %d: %s; finished runs are kept in %s.journal (rerun with --resume)\n",
                 job.rank(), e.what(), out.c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
}

}  // namespace motsim
