#pragma once
// SIGINT / SIGTERM handling shared by every long-running command: the handler only sets a
// flag; loops check it between days or runs and stop cleanly (no partial result file).
#include <atomic>

namespace motsim {

void install_interrupt_handlers();
const std::atomic<bool>& stop_flag();
inline bool stop_requested() { return stop_flag().load(std::memory_order_relaxed); }
int interrupt_signal();                       // the signal received, 0 if none
inline constexpr int kExitInterrupted = 130;  // the exit code of a command stopped by a signal

}  // namespace motsim
