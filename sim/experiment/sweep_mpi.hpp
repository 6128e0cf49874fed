#pragma once
// A sweep over MPI ranks (sweep_mpi.cpp, built only when CMake finds MPI): rank 0 hands out one
// run at a time to whichever rank asks and journals the results, the other ranks compute.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace motsim {

struct SweepPlan;
class SweepJournal;

#if MOTSIM_HAVE_MPI
// This process's place in an MPI job: joins it (MPI_Init) when started by mpirun (detected from
// Open MPI's or PMI's environment) and leaves it (MPI_Finalize) when destroyed; started without
// mpirun, rank 0 of 1.
class MpiJob {
 public:
  MpiJob();
  ~MpiJob();
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }
  // Ends every rank with `code` after printing the exception being handled: a rank that fails
  // must not leave the others waiting.
  [[noreturn]] void abort_current(int code) const;

 private:
  bool joined_ = false;
  int rank_ = 0, size_ = 1;
};

// Runs `pending` over the ranks of a distributed job. On rank 0 (which needs `journal`) it
// returns when every worker has been told to stop (all runs handed out, or a stop requested),
// each finished run recorded and passed to `finished`; on the others when rank 0 says so. Any
// failure ends the whole job; the finished runs are in OUT.journal.
void run_over_ranks(const MpiJob& job, const SweepPlan& pl, const std::vector<std::size_t>& pending,
                    SweepJournal* journal, const std::function<void(std::size_t)>& finished, const std::string& out);
#else
// Built without MPI: always a single process.
class MpiJob {
 public:
  int rank() const { return 0; }
  int size() const { return 1; }
  bool distributed() const { return false; }
};
#endif

}  // namespace motsim
