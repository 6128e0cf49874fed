#pragma once
// SIGINT / SIGTERM handling shared by every long-running command: the handler only sets a
// flag; loops check it between days or runs and stop cleanly (no partial result file).
#include <atomic>

namespace motsim {

void install_interrupt_handlers();
const std::atomic<bool>& stop_flag();
inline bool stop_requested() { return stop_flag().load(std::memory_order_relaxed); }
int interrupt_signal();  // the signal received, 0 if none
// For a host that handles signals itself (the Python module): stop what runs, as a signal
// would, and clear the request before the next batch.
void request_stop();
void clear_stop();
inline constexpr int kExitInterrupted = 130;  // the exit code of a command stopped by a signal

}  // namespace motsim
