// ZwaveJsAdapter: the door locks of one Z-Wave network behind a zwave-js-server
// (the Z-Wave JS server Home Assistant uses, also run by Z-Wave JS UI), for
// the Hub. It reads and writes the server's WebSocket messages; the socket
// itself is WsClient's (ws_client.h). Formats: docs/integrations.md ("Z-Wave
// JS") and src/protocol/ecosystem/zwave_js_server.h.
//
// Up: on each connection the server greets with its version; the adapter
// asks for schema kZwsSchemaVersion and start_listening. Every node whose
// device class is Entry Control, or that implements Door Lock, joins the Hub
// (id "<prefix>-<node id>", transport zwave, the configured site, behind the
// bridge `via`). Its values then and later:
//   Door Lock currentMode / boltStatus / doorStatus -> Hub::on_state
//   Battery level -> telemetry; isLow -> a low_battery alarm once per episode
//   Notification Access Control (the stateful "Lock state" value and the
//   stateless "notification" events: keypad, manual, RF operations with the
//   user slot; 0x0b jammed; wrong-code events) -> operation events and alarms
// Node status: "dead" -> offline, "alive" / "wake up" -> online; "sleep" is
// no outage: a node that is neither listening nor frequently listening is
// sleepy (Hub::set_sleepy), `asleep` while silent until its cadence is overdue. A node's "statistics updated"
// whose lastSeen moved on means the controller heard it: its average RSSI (dBm) becomes the lock's signal.
// The socket closing (the server or its controller gone) makes every lock of the network unreachable: one
// hub_offline case, not N.
//
// Down (core::DeviceLink): lock / unlock are node.set_value of Door Lock
// targetMode 255 / 0. A supervised success (status 255) completes the
// action; an unsupervised one (254) or "working" (1) waits for currentMode
// to show the mode asked for (254 Unknown: jammed); a failed result fails it
// with the server's words. Unlatch is refused: the Door Lock CC has no
// unlatch. A probe is node.ping.
//
// Keypad codes (User Code CC), answered through `on_code_result` in the
// lock's place by a PlainCodeEndpoint, one code command per lock at a time:
//   set_code    node.set_value userCode[slot] = the PIN (stored enabled),
//               then a User Code Get of the slot: its answer is the result.
//               A slot past the lock's user codes (as a read-back found) is
//               refused without being sent
//   clear_code  node.set_value userIdStatus[slot] = 0 (available), then a Get
//   read_codes  endpoint.invoke_cc_api "get" of each slot of the page; a
//               slot answering 254 (no such user) ends the lock's slots
//   set_code_key  kept by the endpoint: zwave-js reports each slot's PIN, so
//               read-backs carry the site's keyed digests
// A SetValueStatus failure refuses the write with the driver's words; a
// failed result (the node did not answer) is left to the sync's retry. These commands are not signed end to
// end: Z-Wave's S2 security protects them on the air, the server's loopback socket on the hub.
//
// Firmware: once a lock's interview ended, and every `update_check` after,
// controller.get_available_firmware_updates asks what the Z-Wave JS firmware
// update service offers it; the newest that is no downgrade makes the lock
// doctor's update_firmware a step the hub does (Hub::on_update_available).
// update_firmware() installs it with controller.firmware_update_ota.
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

#include "adapters/codes/plain_code_endpoint.h"
#include "adapters/routing/link_router.h"
#include "base/result.h"
#include "base/time.h"
#include "core/hub/hub.h"
#include "protocol/ecosystem/zwave_js_server.h"

namespace lw::adapters::zwave_js {

/// "<prefix>-<node id>": lock_id_for("zwave", 5) == "zwave-5".
LockId lock_id_for(std::string_view prefix, int node_id);

class ZwaveJsAdapter final : public ClaimingLink {
 public:
  struct Options {
    std::string via{"zwave-js"};  ///< the bridge's name at the Hub (its locks' `via`)
    std::string prefix{"zwave"};  ///< lock ids are "<prefix>-<node id>"
    SiteId site;                  ///< the site its locks belong to
    /// How often a lock is expected to say something. Z-Wave locks report on
    /// change only; when one is overdue the Hub probes it (node.ping).
    Duration report_interval{std::chrono::hours(1)};
    /// false (hub.auto_register = false): only locks already configured are taken.
    bool register_new{true};
    /// How often the firmware updates offered for each lock are asked for
    /// (first when its interview ends).
    Duration update_check{std::chrono::hours(24)};
  };
  /// Sends one text message on the socket. Errors: unavailable when it is not open.
  using Send = std::function<Result<void>(std::string_view text)>;
  /// Where the answers to code commands go (AccessCodes::on_result).
  using CodeResults = std::function<void(const core::LockAddress&, const core::CommandResult&)>;

  ZwaveJsAdapter(Options options, core::Hub& hub, Send send);

  void on_code_result(CodeResults sink) { code_results_ = std::move(sink); }

  /// The socket opened: the server's version message comes next.
  void connected();
  /// The socket closed or could not open: the network's locks are unreachable
  /// and the actions waiting on it fail. `why` goes to the log.
  void disconnected(const std::string& why);
  /// One text message from the server.
  void handle(std::string_view text);
  /// Fails refused commands and forgets expired ones. Call after every Hub::tick.
  void tick();

  /// The server is up and listening (its state arrived on this connection).
  [[nodiscard]] bool listening() const { return listening_; }
  /// The server's versions, once greeted ("driver 15.29.0, server 3.10.2").
  [[nodiscard]] const std::string& server_version() const { return version_; }

  [[nodiscard]] bool speaks_for(const LockId& lock) const override { return by_lock_.contains(lock); }
  /// Errors: unavailable (no such Z-Wave lock, or the server is not connected).
  Result<void> send_command(const core::Command& command) override;
  /// node.ping; the answer arrives as availability.
  Result<void> probe(const core::Command& ping) override;
  /// driver.soft_reset: restarts the Z-Wave controller (the lock doctor's
  /// power_cycle_hub); refused while the server is not connected.
  Result<void> restart_bridge(const core::LockAddress& lock) override;
  /// controller.firmware_update_ota with the update the firmware update
  /// service offers the lock (the lock doctor's update_firmware); its answer,
  /// once the install ended, goes to Hub::on_update_result. Errors:
  /// unavailable (no such lock, no update offered, the server not connected).
  Result<void> update_firmware(const core::LockAddress& lock) override;

 private:
  /// One code command on its way to a lock.
  struct CodeOp {
    core::Command command;
    bool started{false};
    std::vector<int> asked;                        ///< slots whose Get went out
    std::map<int, protocol::ZwsUserCode> answers;  ///< what the lock said of them
    bool config_pending{false};                    ///< a Door Lock getConfiguration is on its way
  };
  struct Tracked {
    LockId id;
    core::LockAddress address;
    int node_id{0};
    std::vector<CodeOp> codes;            ///< the first is on its way (once the node is ready)
    bool ready{false};                    ///< its interview is complete: its command classes are known
    int slot_count{core::kMaxCodeSlots};  ///< lowered when a slot answers 254 (no such user)
    bool jammed{false};
    bool battery_low{false};
    bool insecure_told{false};               ///< the insecure_inclusion alarm was raised
    std::optional<std::string> last_seen;    ///< the controller's lastSeen of it, as last reported
    std::optional<Timestamp> updates_asked;  ///< when its firmware updates were last asked for
    std::optional<std::string> update;       ///< the update offered (its updateInfo), if any
    bool updates_answered{false};            ///< the service's offer was heard once
    bool installing{false};                  ///< controller.firmware_update_ota is on its way
    /// Its own settings as its values and last configuration told them (autoRelockTime).
    core::LockSettings settings;
  };
  /// What a message id we sent is waiting for.
  struct Waiting {
    enum class Kind {
      schema,
      listen,
      action,
      ping,
      code_write,
      code_get,
      config_write,  ///< a setting (autoRelockTime) written
      config_get,    ///< the Door Lock configuration read
      soft_reset,
      firmware_check,
      firmware_install
    } kind{Kind::action};
    int node_id{0};
    int slot{0};  ///< code_get: the slot asked
    std::optional<ActionId> action;
    core::LockState want{core::LockState::locked};
    Timestamp expires_at{};
    static Waiting of(Kind kind, int node_id = 0) {
      Waiting w;
      w.kind = kind;
      w.node_id = node_id;
      return w;
    }
  };
  /// An action the server accepted, waiting for currentMode.
  struct Pending {
    ActionId id;
    core::LockState want{core::LockState::locked};
    Timestamp expires_at{};
  };

  void on_version(const protocol::ZwsVersion& v);
  void on_result(const protocol::ZwsResult& r);
  void on_event(const protocol::ZwsEvent& e);
  void on_node(const protocol::ZwsNode& n);
  /// `replay`: part of a node's state, not news.
  void on_value(Tracked& t, const protocol::ZwsValue& v, bool replay);
  void on_status(Tracked& t, bool alive, const std::string& who);
  void apply(Tracked& t, const protocol::ZwaveLockUpdate& u);
  /// A state report; `lock` / `door` absent keep what the Hub knows. The
  /// first jammed state of an episode raises the alarm; a lock state settles
  /// the action waiting for it.
  void report_state(Tracked& t, std::optional<core::LockState> lock, std::optional<core::DoorState> door);
  void access_event(Tracked& t, const protocol::ZwaveAccessEvent& a);
  void alarm(Tracked& t, const std::string& name);
  void settle(Tracked& t, core::LockState state);
  Tracked* by_node(int node_id);
  // Keypad codes.
  Result<void> start_code(Tracked& t);
  void advance(Tracked& t);
  /// Sends a Door Lock getConfiguration for the first code command (its settings).
  Result<void> get_configuration(Tracked& t);
  Result<void> get_slot(Tracked& t, int slot);
  void code_answer(Tracked& t, const Waiting& w, const protocol::ZwsResult& r);
  // Firmware updates.
  void ask_updates(Tracked& t, Timestamp now);
  void updates_offered(Tracked& t, const protocol::ZwsResult& r);
  void installed(Tracked& t, const protocol::ZwsResult& r);
  void finish_code(Tracked& t, core::CommandOutcome outcome, std::string detail);
  void drop_code(Tracked& t, const std::string& why);
  std::string next_id();
  Result<void> send(std::string_view text);
  void reject(const std::string& reason);
  void complain(const LockId& lock, const Result<void>& r, std::string_view what);

  Options options_;
  core::Hub& hub_;
  Send send_;
  std::map<int, Tracked> nodes_;  // node id -> lock
  std::map<LockId, int> by_lock_;
  std::map<std::string, Waiting> waiting_;  // message id -> what it asked
  std::map<int, Pending> pending_;          // node id -> action accepted, awaiting the mode
  std::vector<std::pair<core::LockAddress, ActionId>> unsupported_;
  std::vector<std::pair<core::LockAddress, core::CommandResult>> code_answers_;  // given at the next tick()
  codes::PlainCodeEndpoint endpoint_;
  CodeResults code_results_;
  std::set<std::string, std::less<>> reported_;
  std::uint64_t sequence_{0};
  bool listening_{false};
  bool told_down_{false};
  std::string version_;
};

}  // namespace lw::adapters::zwave_js
