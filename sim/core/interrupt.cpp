#include "sim/core/interrupt.hpp"

#include <csignal>

namespace motsim {
namespace {
std::atomic<bool> g_stop{false};
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_signal(int s) {
  g_signal = s;
  g_stop.store(true);
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}
const std::atomic<bool>& stop_flag() { return g_stop; }
int interrupt_signal() { return static_cast<int>(g_signal); }
void request_stop() { g_stop.store(true); }
void clear_stop() {
  g_stop.store(false);
  g_signal = 0;
}

}  // namespace motsim
