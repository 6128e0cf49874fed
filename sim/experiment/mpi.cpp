#include "sim/experiment/mpi.hpp"

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

namespace motsim {

namespace {

// Messages: a worker sends [task, result...] when it finished a task, or [-1] when it is ready
// for one (its first message, or after an interrupted task); rank 0 answers [task, task data...]
// or [-1]: stop.
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

// Receives a message whose envelope `st` was probed.
std::vector<double> receive(const MPI_Status& st, int tag) {
  int count = 0;
  MPI_Get_count(&st, MPI_DOUBLE, &count);
  std::vector<double> buf(static_cast<std::size_t>(std::max(count, 0)));
  MPI_Recv(buf.data(), count, MPI_DOUBLE, st.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return buf;
}

void send_task(int worker, std::size_t i, const MpiTask& task) {
  std::vector<double> msg{static_cast<double>(i)};
  msg.insert(msg.end(), task.begin(), task.end());
  MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, worker, kWork, MPI_COMM_WORLD);
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

int MpiJob::refuse_current(int code) const {
  if (!distributed()) throw;
  if (rank_ == 0) {
    try {
      throw;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "motsim: %s\n", e.what());
    } catch (...) {
    }
    std::fflush(stderr);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return code;
}

MpiFarm::MpiFarm(const MpiJob& job) : busy_(static_cast<std::size_t>(job.size()), false), unseen_(job.size() - 1) {}

MpiFarm::~MpiFarm() {
  if (!closed_ && !std::uncaught_exceptions()) close();
}

// Takes the next message from a worker: a result goes to `done`, and the worker is idle again.
// Returns whether it was a worker busy with a task of this run (not a first hello).
bool MpiFarm::take_message(const MpiDone& done) {
  const MPI_Status st = wait_for_result();
  const std::vector<double> msg = receive(st, kResult);
  const auto w = static_cast<std::size_t>(st.MPI_SOURCE);
  const bool was_busy = busy_[w];
  if (!was_busy) --unseen_;
  if (was_busy && !msg.empty() && msg[0] >= 0)
    done(static_cast<std::size_t>(msg[0]), std::vector<double>(msg.begin() + 1, msg.end()));
  busy_[w] = false;
  idle_.push_back(st.MPI_SOURCE);
  return was_busy;
}

void MpiFarm::run(const std::vector<MpiTask>& tasks, const MpiDone& done, bool stoppable) {
  std::size_t next = 0, running = 0;
  const auto more = [&] { return next < tasks.size() && !(stoppable && stop_requested()); };
  while (running > 0 || more()) {
    while (!idle_.empty() && more()) {
      send_task(idle_.back(), next, tasks[next]);
      busy_[static_cast<std::size_t>(idle_.back())] = true;
      idle_.pop_back(), ++next, ++running;
    }
    if (running == 0 && !more()) break;
    if (take_message(done)) --running;
  }
}

void MpiFarm::close() {
  closed_ = true;
  const double stop = -1;
  while (unseen_ > 0) take_message({});
  for (int w : idle_) MPI_Send(&stop, 1, MPI_DOUBLE, w, kWork, MPI_COMM_WORLD);
  idle_.clear();
}

void mpi_serve(const MpiWork& work) {
  std::vector<double> msg{-1};
  while (true) {
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
    MPI_Status st;
    MPI_Probe(0, kWork, MPI_COMM_WORLD, &st);
    const std::vector<double> task = receive(st, kWork);
    if (task.empty() || task[0] < 0) return;
    const std::vector<double> result = work(MpiTask(task.begin() + 1, task.end()));
    msg.assign(1, result.empty() ? -1 : task[0]);  // empty: not computed (interrupted)
    msg.insert(msg.end(), result.begin(), result.end());
  }
}

}  // namespace motsim
