// Hub configuration: what `lockwarden serve --config FILE.toml` reads. Every key
// and its default is documented in docs/configuration.md; an unknown key or a
// bad value stops start-up with a message naming the file, line and key.
// Threading: plain values; parsed once at start-up.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/records.h"
#include "core/webhook/webhook_event.h"

namespace lw::app {

struct HubConfig {
  struct Hub {
    std::string id{"hub-1"};
    std::string data_dir{"./data"};
    std::string key_id{"hub"};
    bool auto_register{true};
  } hub;
  struct Mqtt {
    std::string host{"127.0.0.1"};
    int port{1883};
    std::string client_id;  // default: "lockwarden-" + hub.id
    int keepalive_s{30};
    std::string username;
    std::string password;
    std::string tls_ca_file;    // set: TLS to the broker, whose certificate this CA must sign
    std::string tls_cert_file;  // client certificate, for a broker that asks for one
    std::string tls_key_file;
  } mqtt;
  struct Http {
    std::string address{"127.0.0.1"};
    int port{8080};
    std::string web_root;       // default: the built web app (select_web_root), if any
    std::string tls_cert_file;  // both set: HTTPS only
    std::string tls_key_file;
  } http;
  /// API sign-in (docs/configuration.md, [auth]).
  struct Auth {
    Duration session_ttl{7 * 24h};  // a sign-in's token lives this long
    int free_failures{5};           // failed sign-ins per user name or address before back-off
    Duration backoff{30s};          // the first back-off, doubling per further failure
    Duration max_backoff{1h};
    std::string owner{"admin"};  // the owner account made on the first start
    bool secure_cookie{false};   // mark the session cookie Secure (HTTPS in front)
  } auth;
  struct Store {
    std::string path;  // default: <data_dir>/lockwarden.db
    std::string synchronous{"full"};
  } store;
  struct Liveness {
    double suspect_phi{1.0};  // suspicion (−log10 of the chance a live lock is this late) to call it suspect
    double offline_phi{8.0};  // ... and offline
    Duration probe_timeout{20s};
    Duration watch_after{0s};  // a lock reporting less often is asked after this long quiet; 0: never
    Duration update_window{45min};
    Duration group_window{2min};
    Duration tick{500ms};
  } liveness;
  struct Doctor {
    Duration settle{30min};  // a case closes once its locks have been healthy this long
  } doctor;
  struct Commands {
    Duration ttl{30s};
  } commands;
  struct Log {
    std::string level{"info"};
  } log;
  /// Home Assistant MQTT discovery of every lock (docs/integrations.md).
  struct HomeAssistant {
    bool enabled{false};
    std::string discovery_prefix{"homeassistant"};  // Home Assistant's discovery prefix
    std::string state_prefix{"lockwarden/ha"};      // the entities' state and command topics
  } home_assistant;
  /// Locks behind a Zigbee2MQTT instance (docs/integrations.md).
  struct Zigbee2mqtt {
    bool enabled{false};
    std::string base_topic{"zigbee2mqtt"};
    std::string site;  // required when enabled
    Duration report_interval{1h};
  } zigbee2mqtt;
  /// Nuki Smart Locks on Nuki's own MQTT API (docs/integrations.md).
  struct Nuki {
    bool enabled{false};
    std::string site;  // required when enabled
  } nuki;
  /// Locks of a Z-Wave network behind a zwave-js-server (docs/integrations.md).
  struct ZwaveJs {
    bool enabled{false};
    std::string url{"ws://127.0.0.1:3000"};  // the server's WebSocket
    std::string site;                        // required when enabled
    std::string name{"zwave-js"};            // the bridge's name at the hub
    std::string id_prefix{"zwave"};          // lock ids are "<id_prefix>-<node id>"
    Duration report_interval{1h};            // a lock silent this long is pinged
  } zwave_js;
  /// A receiver of webhook deliveries, `[[webhook]]` (docs/configuration.md).
  struct Webhook {
    std::string url;                             // http[s]://host[:port]/path
    std::string secret;                          // the HMAC key, >= 16 characters; never logged
    std::vector<core::WebhookEventType> events;  // default: every type
    Duration timeout{10s};                       // per attempt
    std::string ca_file;  // https://: the CA that signs the receiver's certificate (default: the system's)
  };
  std::vector<Webhook> webhooks;
  std::vector<core::SiteRecord> sites;
  std::vector<core::LockRecord> locks;

  [[nodiscard]] std::string store_path() const;
  [[nodiscard]] std::string mqtt_client_id() const;
};

/// Reads and validates a configuration file. Errors: not_found (unreadable
/// file), invalid_argument ("FILE:LINE:COL: section.key: why").
Result<HubConfig> load_hub_config(const std::string& path);
/// Same, from text; `name` stands for the file in messages.
Result<HubConfig> parse_hub_config(std::string_view text, const std::string& name);

/// Where the build puts the web app: web/dist in the source tree
/// (LW_DEFAULT_WEB_ROOT); it may not exist.
std::filesystem::path built_web_root();

/// The directory the web app is served from at `/`: http.web_root when set,
/// otherwise `built` when it holds an index.html, otherwise nullopt (the
/// built-in status page is served). Errors: invalid_argument
/// ("http.web_root: DIR has no index.html") for a configured root without one.
Result<std::optional<std::filesystem::path>> select_web_root(const HubConfig& config,
                                                             const std::filesystem::path& built);

}  // namespace lw::app
