#pragma once
// Parallel loops over index ranges, the only form of parallelism motsim uses.
//
// Normal builds run them on oneTBB. A ThreadSanitizer build (-DMOTSIM_TSAN=ON) runs them on
// plain std::thread instead: Debian's libtbb is not instrumented, so TSan cannot see the
// fork and join that happen inside it and would report every result read after a loop as a
// race. With std::thread every synchronisation is visible, and the engine's own code (its
// shared arrays, atomics and merges) is what TSan checks. Results never depend on which
// implementation ran, nor on how ranges are cut into chunks (tests: determinism, reference).
#include <algorithm>
#include <cstddef>
#include <thread>
#include <type_traits>

#ifdef MOTSIM_TSAN
#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>
#else
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace motsim::par {

// A requested thread count, 0 meaning every core.
inline int threads_or_all(int requested) {
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

#ifdef MOTSIM_TSAN

namespace detail {
// Threads available to loops started by this thread (set by Arena::execute; a loop's worker
// threads run nested loops serially unless they enter an arena of their own).
inline int& concurrency() {
  thread_local int n = threads_or_all(0);
  return n;
}
}  // namespace detail

// A fixed number of threads for the loops run inside execute().
class Arena {
 public:
  explicit Arena(int threads) : threads_(std::max(1, threads)) {}
  template <class F>
  void execute(F&& f) {
    const int saved = detail::concurrency();
    detail::concurrency() = threads_;
    try {
      f();
    } catch (...) {
      detail::concurrency() = saved;
      throw;
    }
    detail::concurrency() = saved;
  }

 private:
  int threads_;
};

// body(chunk_begin, chunk_end) for consecutive chunks of `grain` indices covering [begin, end),
// spread over the current arena's threads. The first exception thrown is rethrown after all
// threads have joined. `exact` (oneTBB's simple_partitioner) is implied here.
template <class I, class F>
void for_range(I begin, I end, I grain, F&& body, bool /*exact*/ = false) {
  if (end <= begin) return;
  if (grain < 1) grain = 1;
  const std::size_t chunks = (static_cast<std::size_t>(end - begin) + grain - 1) / grain;
  const int threads = static_cast<int>(std::min<std::size_t>(detail::concurrency(), chunks));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (std::size_t c; (c = next.fetch_add(1)) < chunks;) {
        const I b = static_cast<I>(begin + c * grain);
        const I e =
            static_cast<I>(std::min<std::size_t>(static_cast<std::size_t>(end), b + static_cast<std::size_t>(grain)));
        body(b, e);
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next.store(chunks);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back([&] {
      detail::concurrency() = 1;
      work();
    });
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

// One T per thread that touches it, for results gathered after a loop.
template <class T>
class PerThread {
 public:
  T& local() {
    std::lock_guard<std::mutex> lock(mutex_);
    return values_[std::this_thread::get_id()];
  }
  template <class F>
  void each(F&& f) {
    for (auto& [id, v] : values_) f(v);
  }

 private:
  std::mutex mutex_;
  std::map<std::thread::id, T> values_;
};

#else

class Arena {
 public:
  explicit Arena(int threads) : arena_(threads) {}
  template <class F>
  void execute(F&& f) {
    arena_.execute(std::forward<F>(f));
  }

 private:
  tbb::task_arena arena_;
};

template <class I, class F>
void for_range(I begin, I end, I grain, F&& body, bool exact = false) {
  auto run = [&](const tbb::blocked_range<I>& r) { body(r.begin(), r.end()); };
  if (exact)
    tbb::parallel_for(tbb::blocked_range<I>(begin, end, grain), run, tbb::simple_partitioner());
  else
    tbb::parallel_for(tbb::blocked_range<I>(begin, end, grain), run);
}

template <class T>
class PerThread {
 public:
  T& local() { return values_.local(); }
  template <class F>
  void each(F&& f) {
    for (auto& v : values_) f(v);
  }

 private:
  tbb::enumerable_thread_specific<T> values_;
};

#endif

}  // namespace motsim::par
