// WorldEngine: the world simulator's discrete-event core — the scenario's
// sites, networks, bridges, repeaters, interference, phones, locks, people and
// fault timeline on a clock the caller advances. Everything the hub would hear
// goes to a TraceSink as it happens (including Last Will deliveries at the
// moment the broker would make them); the ground truth of every fault goes to
// a LabelSink. run_virtual (virtual_run.h) drives it as fast as the CPU
// allows; WorldRunner (world_runner.h) drives it in real time on a broker.
//
// Determinism: the same scenario (its `seed`), start and sequence of
// advance_to/command calls give the same output.
//
// Threading: not thread-safe; one owner.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"
#include "sim/scenario.h"
#include "sim/virtual_run.h"

namespace lw::sim {

class WorldEngine {
 public:
  /// The world at `start`, every lock powered as the scenario says, enrolled
  /// with `hub_key` under the scenario's hub key id. What happens at `start`
  /// (bridges and locks connecting) is emitted as it is created.
  static Result<std::unique_ptr<WorldEngine>> create(const Scenario& scenario, Timestamp start,
                                                     const protocol::PublicKey& hub_key, TraceSink& trace,
                                                     LabelSink& labels);
  ~WorldEngine();
  WorldEngine(const WorldEngine&) = delete;
  WorldEngine& operator=(const WorldEngine&) = delete;

  /// Runs everything due at or before `t`.
  void advance_to(Timestamp t);
  /// A payload the hub published on a native lock's `cmd` topic, at the
  /// world's present time; `wall` is the lock's clock for the command's
  /// validity window. A lock that is offline, unpowered or hung never sees it.
  void command(const core::LockAddress& to, std::string_view payload, Timestamp wall);
  /// A payload a controller published on a native lock's `pair` topic
  /// (docs/protocol.md 6.2), at the world's present time; the lock answers
  /// on its `pair_reply` topic while its pairing window is open.
  void pair(const core::LockAddress& to, std::string_view payload);
  /// The hub asks a Zigbee or Z-Wave lock for its state at the world's
  /// present time: it answers with a report if it hears the request;
  /// otherwise the bridge reports the failure (Zigbee2MQTT's log line, Z-Wave
  /// JS's "Dead"). A native lock is pinged (protocol 5.6): it answers with a
  /// result when its session, radio and path to the broker work, as its
  /// firmware answers the hub's signed ping; else it says nothing.
  void probe(std::string_view lock);
  /// A payload the hub published on <base>/<name>/set of a Zigbee lock behind
  /// a Zigbee2MQTT bridge (`base`: its base topic, `name`: the lock's friendly
  /// name), at the world's present time: {"state":"LOCK"|"UNLOCK"} runs the
  /// motor and {"pin_code":{...}} stores or clears a PIN slot (0..29) if the
  /// lock hears it; otherwise the bridge logs the failed request. Anything
  /// else is ignored.
  void zigbee_set(std::string_view base, std::string_view name, std::string_view payload);
  /// The hub's <base>/<name>/get: {"pin_code":{"user":N}} reads that PIN slot
  /// into the lock's `users`; anything else is a probe of that lock.
  void zigbee_get(std::string_view base, std::string_view name, std::string_view payload);
  /// Emits the labels of faults still active (their fix unset).
  void finish();
  /// Every connected native lock publishes status offline (a clean stop).
  void shutdown();

  [[nodiscard]] VirtualRunStats stats() const;
  [[nodiscard]] Timestamp now() const;

  class Impl;

 private:
  explicit WorldEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lw::sim
