// NukiAdapter: Nuki Smart Locks (3.0 Pro, 4.0) that speak Nuki's own MQTT API
// to the hub's broker, for the Hub. Formats: docs/integrations.md ("Nuki")
// and the research notes ecosystem-formats.md section 4; decoding is
// src/protocol/ecosystem/nuki.h.
//
// Up (nuki/#): a lock joins the Hub the first time one of its topics is heard
// (id "nuki-" and its Nuki id in lower case, transport wifi, the configured
// site); `name` and `firmware` name it; `state` -> Hub::on_state (254 motor
// blocked: jammed, with a `jammed` alarm); `batteryChargeState` -> battery;
// `batteryCritical`, `keypadBatteryCritical`, `doorsensorBatteryCritical` and
// `doorsensorState` 240 (tampered) -> alarms once per episode;
// `doorsensorState` -> the door; `lockActionEvent` -> an operation event (who
// and how); `connected` -> online, and its Last Will (false) -> offline at
// once. Retained copies of lockActionEvent and commandResponse (a restart
// of the hub) are not events. A payload that does not decode is counted by
// its reason (Hub::on_rejected).
//
// Liveness: a Nuki lock says nothing between changes, so its MQTT session is
// its heartbeat (`connected` and its Last Will); the health engine expects a
// report at least weekly (kReportInterval).
//
// Down (core::DeviceLink): lock, unlock and unlatch publish `lockAction` 2, 1,
// 3. A non-zero `commandResponse` fails the action ("refused", with the
// lock's Bluetooth API error code); it succeeds when `state` shows the state
// asked for (or at once on commandResponse 0 when the lock is already there)
// and fails on 254 (jammed). The lock handles one command at a time and its
// responses carry no command id, so one response is taken for the oldest
// command waiting. Nuki's MQTT API is not signed end to end: the broker's
// authentication and TLS protect it.
//
// Threading: the owning event loop only, like the Hub.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/routing/link_router.h"
#include "base/result.h"
#include "base/time.h"
#include "core/hub/hub.h"
#include "protocol/ecosystem/nuki.h"

namespace lw::adapters::nuki {

/// "nuki-" and the Nuki id in lower case, characters outside [a-z0-9_-]
/// dropped: "2BB28570" -> "nuki-2bb28570".
LockId lock_id_for(std::string_view device_id);

class NukiAdapter final : public ClaimingLink {
 public:
  static constexpr Duration kReportInterval{std::chrono::hours(24 * 7)};

  struct Options {
    SiteId site;  ///< the site its locks belong to
    /// false (hub.auto_register = false): only locks already configured are taken.
    bool register_new{true};
  };
  /// Publishes one message (QoS 1, not retained). Errors: unavailable when
  /// the broker is not connected.
  using Publish = std::function<Result<void>(std::string_view topic, std::string_view payload)>;

  NukiAdapter(Options options, core::Hub& hub, Publish publish);

  /// "nuki/#".
  [[nodiscard]] static std::string subscription() { return std::string(protocol::kNukiBase) + "/#"; }

  /// One message from the broker; `retained`: delivered because of a
  /// (re)subscription. false when the topic is not a Nuki topic.
  bool handle(std::string_view topic, std::string_view payload, bool retained);
  /// Forgets actions past their expiry (the Hub expires them). Call after every Hub::tick.
  void tick();

  [[nodiscard]] bool speaks_for(const LockId& lock) const override { return locks_.contains(lock); }
  /// Errors: unavailable (no such Nuki lock heard, or the broker is not connected).
  Result<void> send_command(const core::Command& command) override;

 private:
  struct Pending {
    ActionId id;
    core::LockState want{core::LockState::locked};
    Timestamp expires_at{};
    bool accepted{false};  ///< commandResponse 0 came
  };
  struct Tracked {
    LockId id;
    core::LockAddress address;
    std::string device_id;
    std::vector<Pending> pending;  ///< oldest first
    bool jammed{false};
    std::set<std::string> alarms_on;  ///< alarms of flags still true
  };

  Tracked* find_or_add(const std::string& device_id);
  void state(Tracked& t, int code);
  void command_response(Tracked& t, int code);
  void flag_alarm(Tracked& t, const std::string& alarm, bool on);
  void alarm(Tracked& t, const std::string& name);
  void heard(Tracked& t);
  void finish(Tracked& t, std::size_t i, core::CommandOutcome outcome, core::LockState state,
              std::string detail);
  void reject(const std::string& reason);
  /// reject(), for handle(): the message was ours all the same.
  bool rejected(const std::string& reason);
  void complain(const LockId& lock, const Result<void>& r, std::string_view what);

  Options options_;
  core::Hub& hub_;
  Publish publish_;
  std::map<LockId, Tracked> locks_;
  std::map<std::string, LockId> ids_;  // Nuki id -> lock
  std::set<std::string, std::less<>> reported_;
};

}  // namespace lw::adapters::nuki
