// The health engine's cost: memory per lock and CPU per telemetry message, with
// 100,000 locks in one HealthMonitor (make bench; figures in docs/benchmarks.md).
//
// Memory is counted by this program's own operator new/delete (the heap blocks'
// usable sizes, so allocator rounding counts): the bytes the
// monitor holds after every lock has been placed and has reported for a day
// of telemetry, divided by the number of locks.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "core/health/health_monitor.h"

namespace {

std::atomic<long long> g_live_bytes{0};

}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes.fetch_add(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}
// GCC sees free() of what operator new returned; here both are malloc's.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<long long>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}
#pragma GCC diagnostic pop
void operator delete(void* q, std::size_t) noexcept { operator delete(q); }

namespace {

using namespace lw;
using namespace std::chrono_literals;

constexpr int kLocks = 100'000;

Timestamp at(Duration d) { return Timestamp{} + 1000h + d; }

struct Fleet {
  std::vector<LockId> ids;
  core::HealthMonitor monitor;
};

core::Telemetry telemetry_for(int i, Duration t) {
  core::Telemetry m;
  m.ts = at(t);
  m.battery_mv = 5800 - static_cast<int>((t / 1h) % 400);
  m.battery_pct = 80;
  m.motor_mv = 5200;
  m.rssi_dbm = -60 - i % 20;
  m.temperature_c = 18;
  m.firmware = "2.4.1";
  m.heartbeat = 10min;
  return m;
}

/// Places the locks: 20 per site, 40 per Wi-Fi network.
void name_all(Fleet& f) {
  f.ids.reserve(kLocks);
  for (int i = 0; i < kLocks; ++i) f.ids.push_back("lock-" + std::to_string(i));
}

void place_all(Fleet& f) {
  for (int i = 0; i < kLocks; ++i) {
    core::DevicePlace p;
    p.site = "site-" + std::to_string(i / 20);
    p.network = "net-" + std::to_string(i / 40);
    p.cadence = 10min;
    core::BatteryProfile b;
    b.chemistry = core::Chemistry::alkaline;
    b.cells = 4;
    f.monitor.place(f.ids[i], p, b, core::Transport::wifi);
  }
}

/// A day of telemetry from every lock at its 10-minute cadence, with the
/// checks that run on it. (The histories are fixed-size rings: a longer one
/// holds no more memory.)
void fill_history(Fleet& f) {
  for (int k = 0; k < 6 * 24; ++k) {
    const Duration t = std::chrono::minutes(10 * k);
    for (int i = 0; i < kLocks; ++i) f.monitor.telemetry(f.ids[i], at(t), telemetry_for(i, t));
    f.monitor.tick(at(t));
    (void)f.monitor.take_changes();
    (void)f.monitor.take_incident_changes();
    (void)f.monitor.take_notices();
    (void)f.monitor.take_probes();
  }
}

void BM_HealthStatePerLock(benchmark::State& state) {
  for (auto _ : state) {
    auto* f = new Fleet;
    name_all(*f);  // the names are the caller's, not the monitor's
    const long long before = g_live_bytes.load();
    place_all(*f);
    fill_history(*f);
    const long long held = g_live_bytes.load() - before;
    state.counters["bytes_per_lock"] = static_cast<double>(held) / kLocks;
    state.counters["locks"] = kLocks;
    delete f;
  }
}
BENCHMARK(BM_HealthStatePerLock)->Iterations(1)->Unit(benchmark::kSecond);

/// CPU per telemetry message into a monitor that already holds 100,000 locks
/// with a day of history; the hourly checks run as the clock passes the hour,
/// so their cost is spread over the messages as it is live.
void BM_TelemetryMessage(benchmark::State& state) {
  static Fleet* f = [] {
    auto* fleet = new Fleet;
    name_all(*fleet);
    place_all(*fleet);
    fill_history(*fleet);
    return fleet;
  }();
  // Each lock reports every 10 minutes: one message every 6 ms of fleet time.
  const Duration step = std::chrono::duration_cast<Duration>(10min) / kLocks;
  static Duration t = std::chrono::hours(24);
  static int i = 0;
  for (auto _ : state) {
    f->monitor.telemetry(f->ids[i], at(t), telemetry_for(i, t));
    f->monitor.tick(at(t));
    benchmark::DoNotOptimize(f->monitor.take_changes());
    benchmark::DoNotOptimize(f->monitor.take_notices());
    t += step;
    if (++i == kLocks) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TelemetryMessage)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();
