#include "app/config.h"

#include <system_error>

#include "adapters/http/async_http_client.h"
#include "adapters/toml/strict_table.h"
#include "adapters/zwave_js/ws_client.h"
#include "base/text.h"

#ifndef LW_DEFAULT_WEB_ROOT
#define LW_DEFAULT_WEB_ROOT ""
#endif

namespace lw::app {

std::string HubConfig::store_path() const {
  return store.path.empty() ? hub.data_dir + "/lockwarden.db" : store.path;
}
std::string HubConfig::mqtt_client_id() const {
  return mqtt.client_id.empty() ? "lockwarden-" + hub.id : mqtt.client_id;
}

namespace {

bool valid_base_topic(std::string_view t) {
  return !t.empty() && t.size() <= 256 && t.find_first_of("+#") == std::string_view::npos &&
         t.front() != '/' && t.back() != '/';
}

/// Webhook secrets shorter than this are refused: they would be guessable.
constexpr std::size_t kMinWebhookSecret = 16;

HubConfig::Webhook read_webhook(adapters::StrictTable& w, const std::vector<HubConfig::Webhook>& before) {
  HubConfig::Webhook hook;
  w.get("url", hook.url);
  if (hook.url.empty()) {
    w.fail("url", "required: the receiver's http[s]://host[:port]/path");
  } else if (auto url = adapters::http::parse_http_url(hook.url, "url"); !url) {
    w.fail("url", std::string_view(url.error().message).substr(std::string_view("url: ").size()));
  } else {
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (before[i].url == hook.url) w.fail("url", "is the url of webhook[" + std::to_string(i) + "] too");
    }
  }
  // The secret's value never goes into a message.
  w.get("secret", hook.secret);
  if (hook.secret.size() < kMinWebhookSecret) {
    w.fail("secret", hook.secret.empty() ? "required: at least 16 characters, shared with the receiver"
                                         : "must be at least 16 characters");
  }
  if (w.has("events")) {
    std::vector<std::string> names;
    w.get("events", names);
    if (names.empty()) w.fail("events", "must name at least one event type (leave it out for every type)");
    for (const std::string& name : names) {
      if (auto type = core::parse_webhook_event_type(name)) {
        hook.events.push_back(*type);
        continue;
      }
      std::string known;
      for (core::WebhookEventType t : core::webhook_event_types()) {
        known += (known.empty() ? "" : ", ") + std::string(core::to_string(t));
      }
      w.fail("events", "unknown event type \"" + shown(name, 40) + "\"; known: " + known);
      break;
    }
  } else {
    const auto all = core::webhook_event_types();
    hook.events.assign(all.begin(), all.end());
  }
  w.get_duration("timeout", hook.timeout, 1s, 60s);
  w.get("ca_file", hook.ca_file);
  if (!hook.ca_file.empty()) {
    std::error_code ec;
    if (!hook.url.starts_with("https://")) {
      w.fail("ca_file", "only for an https:// url");
    } else if (!std::filesystem::is_regular_file(hook.ca_file, ec)) {
      w.fail("ca_file", "no such file: '" + shown(hook.ca_file, 120) + "'");
    }
  }
  return hook;
}

Result<HubConfig> read(Result<adapters::StrictTable> doc) {
  if (!doc) return doc.error();
  adapters::StrictTable& root = *doc;
  HubConfig c;

  auto hub = root.table("hub");
  hub.get("id", c.hub.id);
  if (auto v = validate_id("hub.id", c.hub.id); !v) hub.fail("id", "must be 1..64 of [A-Za-z0-9_-]");
  hub.get("data_dir", c.hub.data_dir);
  hub.get("key_id", c.hub.key_id);
  hub.get("auto_register", c.hub.auto_register);

  auto mqtt = root.table("mqtt");
  mqtt.get("host", c.mqtt.host);
  mqtt.get("port", c.mqtt.port, 1, 65535);
  mqtt.get("client_id", c.mqtt.client_id);
  mqtt.get("keepalive_s", c.mqtt.keepalive_s, 5, 3600);
  mqtt.get("username", c.mqtt.username);
  mqtt.get("password", c.mqtt.password);
  mqtt.get("tls_ca_file", c.mqtt.tls_ca_file);
  mqtt.get("tls_cert_file", c.mqtt.tls_cert_file);
  mqtt.get("tls_key_file", c.mqtt.tls_key_file);

  auto http = root.table("http");
  http.get("address", c.http.address);
  http.get("port", c.http.port, 0, 65535);
  http.get("web_root", c.http.web_root);
  http.get("tls_cert_file", c.http.tls_cert_file);
  http.get("tls_key_file", c.http.tls_key_file);

  auto auth = root.table("auth");
  auth.get_duration("session_ttl", c.auth.session_ttl, 1min, 365 * 24h);
  auth.get("free_failures", c.auth.free_failures, 1, 1000);
  auth.get_duration("backoff", c.auth.backoff, 1s, 24h);
  auth.get_duration("max_backoff", c.auth.max_backoff, 1s, 7 * 24h);
  auth.get("owner", c.auth.owner);
  auth.get("secure_cookie", c.auth.secure_cookie);

  auto store = root.table("store");
  store.get("path", c.store.path);
  store.get("synchronous", c.store.synchronous);
  if (c.store.synchronous != "full" && c.store.synchronous != "normal") {
    store.fail("synchronous", R"(must be "full" or "normal")");
  }

  auto liveness = root.table("liveness");
  liveness.get("suspect_phi", c.liveness.suspect_phi, 0.1, 50);
  liveness.get("offline_phi", c.liveness.offline_phi, 0.1, 50);
  if (c.liveness.offline_phi < c.liveness.suspect_phi) {
    liveness.fail("offline_phi", "must be at least suspect_phi");
  }
  liveness.get_duration("probe_timeout", c.liveness.probe_timeout, 1s, 10min);
  liveness.get_duration("watch_after", c.liveness.watch_after, 0s, 24h);
  liveness.get_duration("update_window", c.liveness.update_window, 1min, 24h);
  liveness.get_duration("group_window", c.liveness.group_window, 1s, 1h);
  liveness.get_duration("tick", c.liveness.tick, 50ms, 60s);
  root.table("doctor").get_duration("settle", c.doctor.settle, 1s, 7 * 24h);

  auto commands = root.table("commands");
  commands.get_duration("ttl", c.commands.ttl, 1s, std::chrono::hours(24));

  auto z2m = root.table("zigbee2mqtt");
  z2m.get("enabled", c.zigbee2mqtt.enabled);
  z2m.get("base_topic", c.zigbee2mqtt.base_topic);
  if (!valid_base_topic(c.zigbee2mqtt.base_topic)) {
    z2m.fail("base_topic", "must be a topic without wildcards (+, #) and without a leading or trailing /");
  }
  z2m.get("site", c.zigbee2mqtt.site);
  if (c.zigbee2mqtt.enabled && !validate_id("site", c.zigbee2mqtt.site)) {
    z2m.fail("site", "must name the site of its locks (1..64 of [A-Za-z0-9_-])");
  }
  z2m.get_duration("report_interval", c.zigbee2mqtt.report_interval, 1s, 7 * 24h);

  auto nuki = root.table("nuki");
  nuki.get("enabled", c.nuki.enabled);
  nuki.get("site", c.nuki.site);
  if (c.nuki.enabled && !validate_id("site", c.nuki.site)) {
    nuki.fail("site", "must name the site of its locks (1..64 of [A-Za-z0-9_-])");
  }

  auto zwave = root.table("zwave_js");
  zwave.get("enabled", c.zwave_js.enabled);
  zwave.get("url", c.zwave_js.url);
  if (auto u = adapters::zwave_js::parse_ws_url(c.zwave_js.url, "url"); !u) {
    zwave.fail("url", std::string_view(u.error().message).substr(std::string_view("url: ").size()));
  }
  zwave.get("site", c.zwave_js.site);
  if (c.zwave_js.enabled && !validate_id("site", c.zwave_js.site)) {
    zwave.fail("site", "must name the site of its locks (1..64 of [A-Za-z0-9_-])");
  }
  zwave.get("name", c.zwave_js.name);
  if (!validate_id("name", c.zwave_js.name)) zwave.fail("name", "must be 1..64 of [A-Za-z0-9_-]");
  zwave.get("id_prefix", c.zwave_js.id_prefix);
  if (c.zwave_js.id_prefix.size() > 50 || !validate_id("id_prefix", c.zwave_js.id_prefix)) {
    zwave.fail("id_prefix", "must be 1..50 of [A-Za-z0-9_-]");
  }
  zwave.get_duration("report_interval", c.zwave_js.report_interval, 1s, 7 * 24h);

  auto ha = root.table("home_assistant");
  ha.get("enabled", c.home_assistant.enabled);
  constexpr std::string_view kTopicRule =
      "must be a topic without wildcards (+, #) and without a leading or trailing /";
  ha.get("discovery_prefix", c.home_assistant.discovery_prefix);
  if (!valid_base_topic(c.home_assistant.discovery_prefix)) ha.fail("discovery_prefix", kTopicRule);
  ha.get("state_prefix", c.home_assistant.state_prefix);
  const std::string& state_prefix = c.home_assistant.state_prefix;
  if (!valid_base_topic(state_prefix)) {
    ha.fail("state_prefix", kTopicRule);
  } else if (state_prefix == "lw" || state_prefix.starts_with("lw/")) {
    ha.fail("state_prefix", "must not be under lw/, the native locks' topics");
  } else if (state_prefix == c.home_assistant.discovery_prefix) {
    ha.fail("state_prefix", "must differ from discovery_prefix");
  }

  auto log = root.table("log");
  log.get("level", c.log.level);
  if (c.log.level != "trace" && c.log.level != "debug" && c.log.level != "info" && c.log.level != "warn" &&
      c.log.level != "error") {
    log.fail("level", "must be one of trace, debug, info, warn, error");
  }

  for (auto& s : root.tables("site")) {
    core::SiteRecord site;
    s.get("id", site.id);
    if (!validate_id("id", site.id)) s.fail("id", "must be 1..64 of [A-Za-z0-9_-]");
    site.name = site.id;
    s.get("name", site.name);
    c.sites.push_back(site);
  }
  for (auto& l : root.tables("lock")) {
    core::LockRecord lock;
    l.get("id", lock.id);
    if (!validate_id("id", lock.id)) l.fail("id", "must be 1..64 of [A-Za-z0-9_-]");
    l.get("site", lock.site);
    if (!validate_id("site", lock.site)) l.fail("site", "must name a site id");
    lock.name = lock.id;
    l.get("name", lock.name);
    std::string transport{"wifi"};
    l.get("transport", transport);
    if (auto t = core::parse_transport(transport)) {
      lock.transport = *t;
    } else {
      l.fail("transport", "must be one of wifi, ble_bridge, zigbee, zwave, thread");
    }
    l.get("battery", lock.battery);
    if (lock.battery != "unknown" && lock.battery != "alkaline" && lock.battery != "lithium" &&
        lock.battery != "nimh") {
      l.fail("battery", "must be one of alkaline, lithium, nimh, unknown");
    }
    if (l.has("ambient_c")) {
      double ambient = 20;
      l.get("ambient_c", ambient, -40, 70);
      lock.ambient_c = ambient;
    }
    c.locks.push_back(lock);
  }
  for (auto& w : root.tables("webhook")) c.webhooks.push_back(read_webhook(w, c.webhooks));
  if (auto r = root.finish(); !r) return r.error();
  return c;
}

}  // namespace

Result<HubConfig> load_hub_config(const std::string& path) {
  return read(adapters::StrictTable::parse_file(path));
}
Result<HubConfig> parse_hub_config(std::string_view text, const std::string& name) {
  return read(adapters::StrictTable::parse_text(text, name));
}

std::filesystem::path built_web_root() { return LW_DEFAULT_WEB_ROOT; }

Result<std::optional<std::filesystem::path>> select_web_root(const HubConfig& config,
                                                             const std::filesystem::path& built) {
  auto has_index = [](const std::filesystem::path& dir) {
    std::error_code ec;
    return !dir.empty() && std::filesystem::is_regular_file(dir / "index.html", ec);
  };
  if (!config.http.web_root.empty()) {
    std::filesystem::path root(config.http.web_root);
    if (!has_index(root)) return invalid_argument("http.web_root", root.string() + " has no index.html");
    return std::optional<std::filesystem::path>{root};
  }
  if (has_index(built)) return std::optional<std::filesystem::path>{built};
  return std::optional<std::filesystem::path>{};
}

}  // namespace lw::app
