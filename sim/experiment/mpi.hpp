#pragma once
// Work spread over MPI ranks (mpi.cpp, built only when CMake finds MPI): rank 0 hands out one
// task at a time to whichever rank asks (dynamic load balancing) and gathers the results, the
// other ranks compute. Sweeps (sweep.cpp) and calibrations (calibrate.cpp) both run on it.
#include <cstddef>
#include <functional>
#include <vector>

namespace motsim {

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
  // For an error every rank meets (a bad spec), while it is being handled: alone, rethrows it;
  // in a job, rank 0 prints it, every rank waits for the others (so that mpirun, seeing a rank
  // end with an error, does not kill rank 0 before it has said why) and `code` is returned.
  int refuse_current(int code) const;

 private:
  bool joined_ = false;
  int rank_ = 0, size_ = 1;
};

// A task and its result are vectors of doubles; what they mean is the caller's business.
using MpiTask = std::vector<double>;
// Computes one task on a worker rank; an empty result means "not computed" (interrupted).
using MpiWork = std::function<std::vector<double>(const MpiTask& task)>;
// Receives task i's result on rank 0, in the order results arrive.
using MpiDone = std::function<void(std::size_t task, const std::vector<double>& result)>;

// Rank 0's side. Workers stay with the farm across calls to run() (a calibration runs one batch
// per call) until close(), which the destructor calls too.
class MpiFarm {
 public:
  explicit MpiFarm(const MpiJob& job);
  ~MpiFarm();
  MpiFarm(const MpiFarm&) = delete;
  MpiFarm& operator=(const MpiFarm&) = delete;

  // Runs every task on the workers and returns when each result is in. With `stoppable`, no
  // task is handed out once stop_requested(), and the call returns when the running ones end.
  void run(const std::vector<MpiTask>& tasks, const MpiDone& done, bool stoppable);
  // Tells every worker to stop.
  void close();

 private:
  bool take_message(const MpiDone& done);

  std::vector<int> idle_;   // workers waiting for a task
  std::vector<bool> busy_;  // by rank: computing a task
  int unseen_;              // workers not yet heard from
  bool closed_ = false;
};

// A worker rank's side: computes the tasks rank 0 sends until it says stop.
void mpi_serve(const MpiWork& work);
#else
// Built without MPI: always a single process.
class MpiJob {
 public:
  int rank() const { return 0; }
  int size() const { return 1; }
  bool distributed() const { return false; }
  [[noreturn]] void abort_current(int) const { throw; }  // never distributed: the error goes on
  [[noreturn]] int refuse_current(int) const { throw; }
};
#endif

}  // namespace motsim
