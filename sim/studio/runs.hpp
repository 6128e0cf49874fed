#pragma once
// The studio's runs: a request validated into a base and a variant scenario file, queued, run
// by one worker as `motsim compare` runs them (common random numbers), kept in the history
// directory (request, variant file, compare file, result, state) and reachable by its id.
// One run at a time per client: a client's new run cancels its earlier one; a run whose client
// stopped asking about it is cancelled; the queue is bounded.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "sim/experiment/run_cache.hpp"
#include "sim/studio/library.hpp"

namespace motsim::studio {

struct StudioLimits {
  long long max_agents = 2'000'000, max_days = 3650;
  int max_replicates = 50;
  long long max_agent_days = 3'000'000'000;  // agents x days x simulations of one request
  int max_queue = 8;                         // runs waiting, over all clients
  double abandon_seconds = 20;               // a run nobody asked about for this long is cancelled
};

enum class RunState { queued, running, done, failed, cancelled };
const char* state_name(RunState s);

struct Run {
  std::string id, client, created, dir;
  nlohmann::json request;
  std::string base_path, variant_path;
  std::vector<std::string> sets;  // simulation.agents and .days, for base and variant alike
  int replicates = 4;
  bool attribute = false;
  std::vector<std::string> focus;  // the products the changes touch
  std::atomic<bool> cancel{false};
  // Guarded by the queue's mutex:
  RunState state = RunState::queued;
  int done = 0, total = 0;
  std::string error;
  double seconds = 0;
  std::chrono::steady_clock::time_point seen;
};

class Runs {
 public:
  Runs(Library& library, std::string history, StudioLimits limits, int threads);
  ~Runs();
  // Validates and queues a request; cancels the client's earlier run. BadRequest: 400 for a bad
  // request (with the lever's key for a bad value), 429 when the queue is full.
  std::string submit(const std::string& client, const nlohmann::json& request);
  // {"id", "state", "done", "total", "error", "request", "seconds", "result" once done}; 404.
  nlohmann::json status(const std::string& id);
  void cancel(const std::string& id);
  nlohmann::json history() const;
  // The history directory of a finished run (BadRequest 404 unknown, 409 not done).
  std::string done_dir(const std::string& id) const;
  // Cancels every run and stops the worker.
  void stop();
  const StudioLimits& limits() const { return limits_; }

 private:
  std::shared_ptr<Run> prepare(const std::string& client, const nlohmann::json& request);
  void work();
  void execute(Run& r);
  void finish(Run& r, RunState s, const std::string& error);

  Library& library_;
  std::string history_;
  StudioLimits limits_;
  int threads_;
  int next_id_ = 1;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Run>> queue_;
  std::map<std::string, std::shared_ptr<Run>> runs_;  // this server's runs, by id
  bool stopping_ = false;
  RunCache cache_{64};  // the base's runs are the same from one change of a control to the next
  std::thread worker_;
};

}  // namespace motsim::studio
