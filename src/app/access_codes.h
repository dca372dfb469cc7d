// AccessCodes: keypad codes as the hub's API, CLI and web app see them
// (docs/api.md, "Access codes"). It joins the sealed store (CodeVault), the
// sync engine with its lock commands (CodeService) and the Hub:
//
//   create  → audited ("code.create"), stored with the PIN sealed, then one
//             sync entry per lock it is for (a site-wide code: every lock of
//             the site that can hold it, including locks that join the site
//             later: native locks, and Zigbee and Z-Wave locks when the code
//             works always and its user is its slot)
//   remove  → audited ("code.remove"); the PIN is forgotten at once and each
//             lock is told to empty the slot; the sync row goes when the
//             lock confirms it
//   retry   → a failed lock write starts again
//
// What the locks answer (command results and events, from the native
// gateway) and their connectivity (the hub's lock_changed) drive the sync;
// every state change, drift and site-wide wrong-PIN alert becomes an
// `access_code` event in the lock's history and, when webhooks are
// configured, an access_code.* delivery. No PIN is logged, returned or put
// in an event.
//
// Threading: the hub's event loop.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/codes/code_service.h"
#include "adapters/sqlite/code_vault.h"
#include "core/hub/hub.h"
#include "core/ports/event_sink.h"
#include "core/webhook/webhook_event.h"

namespace lw::adapters::http {
class Router;
}

namespace lw::app {

/// A code as the API shows it: what it is, and where each lock stands.
struct CodeView {
  adapters::sqlite::StoredCode code;
  bool removing{false};                ///< deleted; its slots are being emptied
  std::vector<core::SyncEntry> locks;  ///< one per lock it is (or was) for
};

/// A code to create. `slot` absent: the lowest slot free on every lock it is
/// for; `user` absent: the slot number.
struct NewCode {
  SiteId site;
  std::optional<LockId> lock;  ///< absent: every lock of the site
  std::string name;
  std::string pin;
  std::optional<int> slot;
  std::optional<int> user;
  core::CodeSchedule schedule{};
};

class AccessCodes final : public core::EventSink {
 public:
  /// How the hub reaches a lock's keypad: not at all; natively (sealed PINs,
  /// any user, any schedule); or through a bridge that takes plain PINs
  /// (Zigbee2MQTT, Z-Wave JS: the user is the slot, the schedule `always`).
  enum class Reach { none, native, plain };
  using CanSendCodes = std::function<Reach(const core::LockRecord&)>;
  using WebhookEmitter = std::function<void(core::WebhookEvent)>;

  /// Loads the codes and their sync states; the site keys come from the vault.
  /// Errors: the vault's ("access codes: ...").
  static Result<std::unique_ptr<AccessCodes>> open(std::unique_ptr<adapters::sqlite::CodeVault> vault,
                                                   core::Hub& hub, core::DeviceLink& link, core::Store& store,
                                                   core::Random& random, CanSendCodes can_send,
                                                   adapters::codes::CodeService::Options options);

  /// Errors: invalid_argument naming the field ("pin: must be 4..10 digits",
  /// "slot: must be an integer 1..64", "name: ..."), not_found (the site or
  /// the lock), failed_precondition (a lock that cannot take keypad codes, or
  /// a schedule or user a Zigbee or Z-Wave lock cannot hold),
  /// conflict (the slot holds another code on one of the locks), unavailable
  /// (the audit record or the store).
  Result<CodeView> create(NewCode code, const std::string& actor);
  Result<std::vector<CodeView>> list();
  /// Errors: not_found.
  Result<CodeView> find(const std::string& id);
  /// Errors: not_found, unavailable.
  Result<CodeView> remove(const std::string& id, const std::string& actor);
  /// Starts the failed lock writes of a code again. Errors: not_found.
  Result<CodeView> retry(const std::string& id, const std::string& actor);
  /// The site of a code (for the API's access rules), or nullopt.
  [[nodiscard]] std::optional<SiteId> site_of(const std::string& id) const;

  /// What the hub keeps of a lock's settings; nullopt before its first
  /// read-back told them. Errors: not_found (no such lock).
  Result<std::optional<core::SettingsEntry>> lock_settings(const LockId& lock) const;
  /// Sets a lock's keypad settings: audited ("lock.settings"), written to
  /// the lock, held to them from then on and written back after a reset.
  /// Errors: invalid_argument naming the field, not_found (no such lock),
  /// failed_precondition (a lock whose link carries no settings: a bridged
  /// one), unavailable (the audit record).
  Result<core::SettingsEntry> set_lock_settings(const LockId& lock, const core::LockSettings& settings,
                                                const std::string& actor);

  void set_webhooks(WebhookEmitter emit) { webhooks_ = std::move(emit); }

  // Input from the locks.
  void on_result(const core::LockAddress& lock, const core::CommandResult& result);
  void on_event(const core::LockAddress& lock, const core::DeviceEvent& event);
  /// Sends what is due; expires what timed out; adds locks that joined a
  /// site with site-wide codes; tells the lock doctor, once a minute, which
  /// locks have a verified backup (Hub::set_code_backup). Call from the hub's tick.
  void tick();
  /// The lock was paired again in person (KeyTrust): if it came back from a
  /// reset with a new box key, every code it should hold is written back
  /// (CodeService::restore), audited as code.restore.
  void lock_paired(const core::LockAddress& lock);
  /// What the hub holds to restore `lock` after a re-pair or factory reset.
  [[nodiscard]] core::CodeBackup backup(const core::LockAddress& lock) const {
    return service_.backup(lock, now());
  }

  // core::EventSink: a lock's connectivity.
  void lock_changed(const core::LockRecord& lock) override;
  void event_recorded(const core::EventRecord& /*event*/) override {}
  void action_changed(const core::Action& /*action*/) override {}

 private:
  AccessCodes(std::unique_ptr<adapters::sqlite::CodeVault> vault, core::Hub& hub, core::DeviceLink& link,
              core::Store& store, core::Random& random, CanSendCodes can_send,
              adapters::codes::CodeService::Options options);
  /// The locks `code` is for now.
  std::vector<core::LockAddress> targets(const adapters::sqlite::StoredCode& code) const;
  /// Whether `lock` can hold `code` (a plain-PIN lock: always, user = slot).
  bool can_hold(const core::LockRecord& lock, const adapters::sqlite::StoredCode& code) const;
  Result<void> want(const adapters::sqlite::StoredCode& code, const core::LockAddress& lock);
  CodeView view(const adapters::sqlite::StoredCode& code, bool removing) const;
  void handle(const std::vector<adapters::codes::CodeService::Notice>& notices);
  void persist();
  Timestamp now() const { return hub_.now(); }

  std::unique_ptr<adapters::sqlite::CodeVault> vault_;
  core::Hub& hub_;
  core::Random& random_;
  CanSendCodes can_send_;
  adapters::codes::CodeService service_;
  std::map<std::string, adapters::sqlite::StoredCode> codes_;    // by id
  std::map<std::string, adapters::sqlite::StoredCode> removed_;  // deleted, slots still being emptied
  std::map<std::string, core::SyncEntry> saved_;                 // as last written, by code id + lock
  std::map<std::string, core::SettingsEntry> saved_settings_;    // as last written, by site/lock
  std::map<LockId, core::Connectivity> connectivity_;            // as last told, since the start
  std::set<SiteId> keyed_sites_;
  std::optional<Timestamp> backups_told_;  // when the doctor last heard which backups are verified
  WebhookEmitter webhooks_;
};

/// GET/POST /api/v1/codes, GET/DELETE /api/v1/codes/{id},
/// POST /api/v1/codes/{id}/retry, GET/PUT /api/v1/locks/{id}/settings.
void add_access_code_routes(adapters::http::Router& router, AccessCodes& codes);

}  // namespace lw::app
