#include "app/hub_runtime.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>

#include "adapters/audit/audit_trail.h"
#include "adapters/homeassistant/home_assistant_bridge.h"
#include "adapters/http/api_access.h"
#include "adapters/http/api_routes.h"
#include "adapters/http/audit_route.h"
#include "adapters/http/event_stream.h"
#include "adapters/http/http_server.h"
#include "adapters/http/metrics_route.h"
#include "adapters/http/static_files.h"
#include "adapters/mqtt/mqtt_client.h"
#include "adapters/native/native_gateway.h"
#include "adapters/nuki/nuki_adapter.h"
#include "adapters/routing/link_router.h"
#include "adapters/sqlite/account_store.h"
#include "adapters/sqlite/code_vault.h"
#include "adapters/sqlite/lock_key_registry.h"
#include "adapters/sqlite/sqlite_store.h"
#include "adapters/sqlite/webhook_outbox.h"
#include "adapters/system/key_file.h"
#include "adapters/system/mac_key.h"
#include "adapters/system/sodium_random.h"
#include "adapters/system/system_clock.h"
#include "adapters/webhook/webhook_dispatcher.h"
#include "adapters/zigbee2mqtt/zigbee2mqtt_adapter.h"
#include "adapters/zwave_js/ws_client.h"
#include "adapters/zwave_js/zwave_js_adapter.h"
#include "app/access_codes.h"
#include "app/accounts.h"
#include "app/guest_keys.h"
#include "app/key_trust.h"
#include "app/log_event_sink.h"
#include "app/status_page.h"
#include "base/version.h"
#include "core/audit/audit_detail.h"
#include "core/hub/hub.h"

namespace lw::app {
namespace {

core::HubOptions hub_options(const HubConfig& cfg) {
  core::HubOptions o{cfg.hub.key_id, cfg.commands.ttl, cfg.hub.auto_register, {}, {}};
  core::LivenessEngine::Options& l = o.health.liveness;
  l.suspect_phi = cfg.liveness.suspect_phi;
  l.offline_phi = cfg.liveness.offline_phi;
  l.probe_timeout = cfg.liveness.probe_timeout;
  l.watch_after = cfg.liveness.watch_after;
  l.update_window = cfg.liveness.update_window;
  l.group_window = cfg.liveness.group_window;
  o.doctor.settle = cfg.doctor.settle;
  return o;
}

adapters::webhook::WebhookDispatcher::Options webhook_options(const HubConfig& cfg) {
  adapters::webhook::WebhookDispatcher::Options o;
  o.hub_id = cfg.hub.id;
  for (const HubConfig::Webhook& w : cfg.webhooks) {
    o.endpoints.push_back({w.url, w.secret, w.events, w.timeout, w.ca_file});
  }
  return o;
}

/// The hub.start audit record: this start and the settings that decide what it accepts.
core::AuditEntry start_record(const HubConfig& cfg, const std::string& public_key) {
  std::string integrations;
  for (auto [name, on] : {std::pair{"zigbee2mqtt", cfg.zigbee2mqtt.enabled},
                          std::pair{"nuki", cfg.nuki.enabled}, std::pair{"zwave_js", cfg.zwave_js.enabled},
                          std::pair{"home_assistant", cfg.home_assistant.enabled}}) {
    if (!on) continue;
    if (!integrations.empty()) integrations += ",";
    integrations += name;
  }
  return {{},
          "hub",
          "hub.start",
          "hub:" + cfg.hub.id,
          core::audit_detail({{"version", kVersion},
                              {"public_key", public_key},
                              {"auto_register", cfg.hub.auto_register ? "true" : "false"},
                              {"integrations", integrations},
                              {"webhooks", std::to_string(cfg.webhooks.size())},
                              {"locks_configured", std::to_string(cfg.locks.size())},
                              {"http", cfg.http.address + ":" + std::to_string(cfg.http.port)},
                              {"mqtt", cfg.mqtt.host + ":" + std::to_string(cfg.mqtt.port)}}),
          "ok"};
}

adapters::homeassistant::Topics home_assistant_topics(const HubConfig& cfg) {
  return {cfg.home_assistant.discovery_prefix, cfg.home_assistant.state_prefix, cfg.hub.id};
}

}  // namespace

struct HubRuntime::Parts {
  Parts(boost::asio::io_context& io_context, const HubConfig& cfg,
        std::unique_ptr<adapters::sqlite::SqliteStore> s, protocol::KeyPair key_pair,
        adapters::mqtt::MqttClient::Options mqtt_options)
      : io(io_context),
        config(cfg),
        store(std::move(s)),
        keys(std::move(key_pair)),
        mqtt(io_context, std::move(mqtt_options)),
        gateway(mqtt, keys.secret),
        links(gateway),
        events(listeners, {.hub_id = cfg.hub.id}),
        hub(clock, *store, links, events, random, hub_options(cfg)),
        tick_timer(io_context) {
    listeners.add(log);
    events.attach(hub);
  }

  boost::asio::io_context& io;
  HubConfig config;
  adapters::SystemClock clock;
  adapters::SodiumRandom random;
  LogEventSink log;
  core::FanOutEventSink listeners;  // what the event stream passes on: the log, and any other listener
  std::unique_ptr<adapters::sqlite::SqliteStore> store;
  std::unique_ptr<adapters::audit::AuditTrail> audit;  // the tamper-evident audit log, set before any change
  protocol::KeyPair keys;
  adapters::mqtt::MqttClient mqtt;
  adapters::native::NativeGateway gateway;
  adapters::LinkRouter links;  // the hub's DeviceLink: each lock's command to the adapter that speaks for it
  adapters::http::EventStream events;  // the hub's sink: the log, and live updates to web clients
  core::Hub hub;
  std::unique_ptr<adapters::zigbee2mqtt::Zigbee2MqttAdapter> zigbee;  // when [zigbee2mqtt] is enabled
  std::unique_ptr<adapters::nuki::NukiAdapter> nuki;                  // when [nuki] is enabled
  // When [zwave_js] is enabled: the server's WebSocket, and the adapter that reads it.
  std::unique_ptr<adapters::zwave_js::WsClient> zwave_socket;
  std::unique_ptr<adapters::zwave_js::ZwaveJsAdapter> zwave;
  // When [home_assistant] is enabled: one of the listeners, and first to see each message.
  std::unique_ptr<adapters::homeassistant::HomeAssistantBridge> home_assistant;
  // When [[webhook]]s are configured: the outbox, and the sender (one of the listeners).
  std::unique_ptr<adapters::sqlite::WebhookOutbox> outbox;
  std::unique_ptr<adapters::webhook::WebhookDispatcher> webhooks;
  // API accounts and the access guard every API request passes.
  std::unique_ptr<adapters::sqlite::AccountStore> accounts;
  std::unique_ptr<adapters::http::ApiAccess> access;
  // Pairing over MQTT and the policy for relayed end-to-end commands.
  std::unique_ptr<adapters::sqlite::LockKeyRegistry> key_registry;
  std::unique_ptr<KeyTrust> trust;
  // Keypad codes: sealed at rest, kept in sync with what each lock holds.
  std::unique_ptr<AccessCodes> codes;
  std::unique_ptr<adapters::sqlite::GuestGrantStore> guest_grants;
  std::unique_ptr<GuestKeys> guest_keys;
  adapters::http::Router router;
  std::unique_ptr<adapters::http::HttpServer> http;
  boost::asio::steady_timer tick_timer;
  bool stopping{false};

  /// The Zigbee2MQTT, Nuki and Z-Wave JS adapters that are enabled, and their routes for commands.
  void add_integrations() {
    links.set_transport_of([this](const LockId& id) -> std::optional<core::Transport> {
      const core::LockRecord* lock = hub.find_lock(id);
      return lock != nullptr ? std::optional<core::Transport>(lock->transport) : std::nullopt;
    });
    auto publish = [this](std::string_view topic, std::string_view payload) {
      return mqtt.publish(topic, payload, adapters::mqtt::Qos::at_least_once, false);
    };
    if (config.zigbee2mqtt.enabled) {
      zigbee = std::make_unique<adapters::zigbee2mqtt::Zigbee2MqttAdapter>(
          adapters::zigbee2mqtt::Zigbee2MqttAdapter::Options{
              config.zigbee2mqtt.base_topic, config.zigbee2mqtt.site, config.zigbee2mqtt.report_interval,
              config.hub.auto_register},
          hub, publish);
      links.claim_with(*zigbee);
      links.route(core::Transport::zigbee, *zigbee);
    }
    if (config.nuki.enabled) {
      nuki = std::make_unique<adapters::nuki::NukiAdapter>(
          adapters::nuki::NukiAdapter::Options{config.nuki.site, config.hub.auto_register}, hub, publish);
      links.claim_with(*nuki);
    }
    if (config.zwave_js.enabled) {
      auto url =
          adapters::zwave_js::parse_ws_url(config.zwave_js.url, "zwave_js.url");  // validated with the config
      zwave_socket = std::make_unique<adapters::zwave_js::WsClient>(
          io, adapters::zwave_js::WsClient::Options{url.value_or(adapters::zwave_js::WsUrl{})});
      adapters::zwave_js::WsClient* socket = zwave_socket.get();
      zwave = std::make_unique<adapters::zwave_js::ZwaveJsAdapter>(
          adapters::zwave_js::ZwaveJsAdapter::Options{config.zwave_js.name, config.zwave_js.id_prefix,
                                                      config.zwave_js.site, config.zwave_js.report_interval,
                                                      config.hub.auto_register},
          hub, [socket](std::string_view text) { return socket->send(text); });
      links.claim_with(*zwave);
    }
  }

  /// Connects to the Z-Wave JS server, and keeps connecting.
  void connect_zwave() {
    if (!zwave) return;
    adapters::zwave_js::ZwaveJsAdapter* adapter = zwave.get();
    zwave_socket->on_open([adapter] { adapter->connected(); });
    zwave_socket->on_message([adapter](std::string_view text) { adapter->handle(text); });
    zwave_socket->on_close([adapter](const std::string& why) { adapter->disconnected(why); });
    zwave_socket->start();
  }

  /// Subscribes for the adapters and shares the one connection: each adapter
  /// takes its own topics, the native gateway the rest. The Home Assistant
  /// bridge, when enabled, is made here: it listens to the hub and the broker only.
  void listen_to_integrations() {
    if (config.home_assistant.enabled) {
      home_assistant = std::make_unique<adapters::homeassistant::HomeAssistantBridge>(
          mqtt, adapters::homeassistant::HomeAssistantBridge::Options{home_assistant_topics(config),
                                                                      std::string(kVersion)});
      listeners.add(*home_assistant);
      events.on_view_changed([this](const core::LockRecord& lock) { home_assistant->view_changed(lock); });
      home_assistant->attach(hub);
    }
    if (!zigbee && !nuki && !home_assistant) return;
    if (zigbee) (void)mqtt.subscribe(zigbee->subscription(), adapters::mqtt::Qos::at_least_once);
    if (nuki)
      (void)mqtt.subscribe(adapters::nuki::NukiAdapter::subscription(), adapters::mqtt::Qos::at_least_once);
    mqtt.on_message([this](std::string_view topic, std::string_view payload, bool retained) {
      if (home_assistant && home_assistant->handle(topic, payload, retained)) return;
      if (zigbee && zigbee->handle(topic, payload)) return;
      if (nuki && nuki->handle(topic, payload, retained)) return;
      gateway.handle(topic, payload);
    });
  }
};

Result<std::unique_ptr<HubRuntime>> HubRuntime::create(boost::asio::io_context& io, const HubConfig& config) {
  auto web_root = select_web_root(config, built_web_root());
  if (!web_root) return web_root.error();
  auto sync = config.store.synchronous == "normal" ? adapters::sqlite::Synchronous::normal
                                                   : adapters::sqlite::Synchronous::full;
  auto keys = adapters::load_or_create_key(config.hub.data_dir);
  if (!keys) return Error{keys.error().code, "hub key: " + keys.error().message};
  auto store = adapters::sqlite::SqliteStore::open(config.store_path(), sync);
  if (!store) return Error{store.error().code, "store " + config.store_path() + ": " + store.error().message};

  adapters::mqtt::MqttClient::Options mqtt;
  mqtt.host = config.mqtt.host;
  mqtt.port = config.mqtt.port;
  mqtt.client_id = config.mqtt_client_id();
  mqtt.keepalive = std::chrono::seconds(config.mqtt.keepalive_s);
  mqtt.clean_session = false;
  if (!config.mqtt.username.empty()) mqtt.username = config.mqtt.username;
  if (!config.mqtt.password.empty()) mqtt.password = config.mqtt.password;
  mqtt.tls_ca_file = config.mqtt.tls_ca_file;
  mqtt.tls_cert_file = config.mqtt.tls_cert_file;
  mqtt.tls_key_file = config.mqtt.tls_key_file;
  // Home Assistant shows every lock unavailable when the hub's connection dies.
  if (config.home_assistant.enabled) {
    mqtt.will = adapters::homeassistant::HomeAssistantBridge::last_will(home_assistant_topics(config));
  }
  if (auto v = adapters::mqtt::MqttClient::validate(mqtt); !v)
    return Error{v.error().code, "mqtt." + v.error().message};

  auto parts = std::make_unique<Parts>(io, config, std::move(*store), std::move(*keys), std::move(mqtt));
  if (auto r = parts->hub.load(); !r) return Error{r.error().code, "loading state: " + r.error().message};
  auto audit = adapters::audit::AuditTrail::open({config.hub.data_dir, config.store_path()}, parts->keys,
                                                 parts->clock.now());
  if (!audit) return audit.error();
  parts->audit = std::move(*audit);
  parts->hub.set_audit_log(*parts->audit);
  const std::string public_key = protocol::encode_public_key(parts->keys.public_key);
  if (auto r = parts->hub.audit(start_record(config, public_key)); !r) return r.error();
  core::HubRecord self{config.hub.id, std::string(kVersion), parts->clock.now(),
                       protocol::encode_public_key(parts->keys.public_key)};
  if (auto r = parts->hub.register_hub(self); !r) return Error{r.error().code, "hub: " + r.error().message};
  for (const auto& site : config.sites) {
    if (auto r = parts->hub.add_site(site); !r) return r.error();
  }
  for (const auto& lock : config.locks) {
    if (auto r = parts->hub.add_lock(lock); !r) return r.error();
  }
  parts->add_integrations();
  if (!config.webhooks.empty()) {
    auto outbox = adapters::sqlite::WebhookOutbox::open(config.store_path(), sync, parts->clock.now());
    if (!outbox) return Error{outbox.error().code, "webhook outbox: " + outbox.error().message};
    parts->outbox = std::move(*outbox);
    auto webhooks = adapters::webhook::WebhookDispatcher::create(io, *parts->outbox, parts->clock,
                                                                 parts->random, webhook_options(config));
    if (!webhooks) return webhooks.error();
    parts->webhooks = std::move(*webhooks);
    parts->listeners.add(*parts->webhooks);
    parts->webhooks->attach(parts->hub);
  }
  auto row_mac = adapters::load_or_create_mac_key(
      (std::filesystem::path(config.hub.data_dir) / "accounts.key").string());
  if (!row_mac) return Error{row_mac.error().code, "accounts: " + row_mac.error().message};
  auto accounts = adapters::sqlite::AccountStore::open(config.store_path(), sync, parts->clock.now(),
                                                       std::move(row_mac->mac), row_mac->created);
  if (!accounts) return Error{accounts.error().code, "accounts: " + accounts.error().message};
  parts->accounts = std::move(*accounts);
  if (auto b =
          bootstrap_accounts(*parts->accounts, config.hub.data_dir, config.auth.owner, parts->clock.now());
      !b) {
    return Error{b.error().code, "accounts: " + b.error().message};
  }
  adapters::http::ApiAccess::Options access_options;
  access_options.session_ttl = config.auth.session_ttl;
  access_options.throttle.free_failures = config.auth.free_failures;
  access_options.throttle.backoff = config.auth.backoff;
  access_options.throttle.max_backoff = config.auth.max_backoff;
  access_options.secure_cookie = config.auth.secure_cookie || !config.http.tls_cert_file.empty();
  parts->access =
      std::make_unique<adapters::http::ApiAccess>(*parts->accounts, parts->hub, parts->clock, access_options);
  adapters::http::add_access_routes(parts->router, *parts->access);
  {
    auto registry = adapters::sqlite::LockKeyRegistry::open(config.store_path(), sync, parts->clock.now());
    if (!registry) return Error{registry.error().code, "paired keys: " + registry.error().message};
    parts->key_registry = std::move(*registry);
    parts->trust = std::make_unique<KeyTrust>(parts->gateway, *parts->key_registry, parts->hub, *parts->store,
                                              parts->clock, parts->random, config.hub.key_id);
    KeyTrust* trust = parts->trust.get();
    parts->gateway.on_pair_reply(
        [trust](const core::LockAddress& from, std::string_view payload) { trust->on_reply(from, payload); });
    parts->gateway.on_result([trust](const core::LockAddress& from, const core::CommandResult& result) {
      trust->on_result(from, result);
    });
    parts->access->set_site_of(adapters::http::Subject::pairing,
                               [trust](const std::string& id) { return trust->site_of(id); });
    add_key_trust_routes(parts->router, *parts->trust, config.hub.key_id, parts->keys.public_key);
  }
  {
    auto vault = adapters::sqlite::CodeVault::open(
        config.store_path(), (std::filesystem::path(config.hub.data_dir) / "codes.key").string(), sync,
        parts->clock.now());
    if (!vault) return Error{vault.error().code, "access codes: " + vault.error().message};
    Parts* p = parts.get();
    adapters::codes::CodeService::Options options;
    options.key_id = config.hub.key_id;
    options.command_ttl = config.commands.ttl;
    auto codes = AccessCodes::open(
        std::move(*vault), parts->hub, parts->links, *parts->store, parts->random,
        [p](const core::LockRecord& lock) {
          const core::DeviceLink* link = &p->links.link_for(lock.id);
          if (link == &p->gateway) return AccessCodes::Reach::native;
          if (link == p->zigbee.get() || link == p->zwave.get()) return AccessCodes::Reach::plain;
          return AccessCodes::Reach::none;
        },
        options);
    if (!codes) return codes.error();
    parts->codes = std::move(*codes);
    AccessCodes* c = parts->codes.get();
    parts->listeners.add(*c);
    parts->gateway.on_result([c](const core::LockAddress& from, const core::CommandResult& result) {
      c->on_result(from, result);
    });
    parts->gateway.on_event(
        [c](const core::LockAddress& from, const core::DeviceEvent& event) { c->on_event(from, event); });
    // A lock paired again in person after a reset gets its codes back.
    parts->trust->on_paired([c](const core::LockAddress& lock, bool hub_key) {
      if (hub_key) c->lock_paired(lock);
    });
    auto code_results = [c](const core::LockAddress& from, const core::CommandResult& result) {
      c->on_result(from, result);
    };
    if (parts->zigbee) parts->zigbee->on_code_result(code_results);
    if (parts->zwave) parts->zwave->on_code_result(code_results);
    if (parts->webhooks) {
      adapters::webhook::WebhookDispatcher* w = parts->webhooks.get();
      c->set_webhooks([w](core::WebhookEvent e) { w->emit(std::move(e)); });
    }
    parts->access->set_site_of(adapters::http::Subject::code,
                               [c](const std::string& id) { return c->site_of(id); });
    add_access_code_routes(parts->router, *c);
  }
  {
    auto grants = adapters::sqlite::GuestGrantStore::open(config.store_path(), sync, parts->clock.now());
    if (!grants) return Error{grants.error().code, "guest keys: " + grants.error().message};
    parts->guest_grants = std::move(*grants);
    Parts* p = parts.get();
    parts->guest_keys = std::make_unique<GuestKeys>(
        GuestKeys::Ports{
            parts->hub, *parts->store, *parts->guest_grants, parts->random,
            [p](const core::LockRecord& lock) { return &p->links.link_for(lock.id) == &p->gateway; },
            [p](const core::Command& c) { return p->gateway.send_command(c); }},
        config.hub.key_id, parts->keys.secret);
    GuestKeys* g = parts->guest_keys.get();
    parts->gateway.on_result([g](const core::LockAddress& from, const core::CommandResult& result) {
      g->on_result(from, result);
    });
    parts->access->set_site_of(adapters::http::Subject::guest_key,
                               [g](const std::string& id) { return g->site_of(id); });
    add_guest_key_routes(parts->router, *g);
  }
  adapters::http::add_api_routes(parts->router, parts->hub);
  adapters::http::add_audit_route(parts->router, parts->hub);
  adapters::http::add_event_stream_route(parts->router, parts->events);
  adapters::http::add_metrics_route(parts->router, parts->hub);
  if (*web_root) {
    adapters::http::add_static_files(parts->router, **web_root);
    spdlog::info("serving the web app from {} at /", (*web_root)->string());
  } else {
    add_status_page(parts->router);
    spdlog::info("serving the built-in status page at / (no web app built in {})", built_web_root().string());
  }
  adapters::http::HttpServer::Options http_options;
  http_options.address = config.http.address;
  http_options.port = static_cast<unsigned short>(config.http.port);
  http_options.tls_cert_file = config.http.tls_cert_file;
  http_options.tls_key_file = config.http.tls_key_file;
  parts->http = std::make_unique<adapters::http::HttpServer>(io, parts->router, http_options);
  return std::unique_ptr<HubRuntime>(new HubRuntime(std::move(parts)));
}

HubRuntime::HubRuntime(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
HubRuntime::~HubRuntime() = default;

Result<void> HubRuntime::start() {
  if (auto r = parts_->http->start(); !r) {
    return Error{r.error().code, "http " + parts_->config.http.address + ":" +
                                     std::to_string(parts_->config.http.port) + ": " + r.error().message};
  }
  parts_->gateway.attach(parts_->hub);
  if (parts_->webhooks) {
    auto r = parts_->webhooks->start();
    if (!r) return Error{r.error().code, "webhooks: " + r.error().message};
  }
  parts_->listen_to_integrations();
  parts_->mqtt.on_connected([this] {
    spdlog::info("connected to the broker at {}:{}", parts_->config.mqtt.host, parts_->config.mqtt.port);
    if (parts_->home_assistant) parts_->home_assistant->connected();
  });
  parts_->mqtt.start();
  parts_->connect_zwave();
  schedule_tick();
  spdlog::info("hub {} serving the API on {}://{}:{}/ ({} locks known)", parts_->config.hub.id,
               parts_->config.http.tls_cert_file.empty() ? "http" : "https", parts_->config.http.address,
               http_port(), parts_->hub.locks().size());
  return ok();
}

void HubRuntime::schedule_tick() {
  parts_->tick_timer.expires_after(parts_->config.liveness.tick);
  parts_->tick_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || parts_->stopping) return;
    parts_->hub.tick();
    parts_->trust->tick();
    parts_->codes->tick();
    parts_->guest_keys->tick();
    if (parts_->zigbee) parts_->zigbee->tick();
    if (parts_->nuki) parts_->nuki->tick();
    if (parts_->zwave) parts_->zwave->tick();
    parts_->events.tick();
    if (parts_->webhooks) parts_->webhooks->tick();
    schedule_tick();
  });
}

void HubRuntime::stop() {
  if (parts_->stopping) return;
  parts_->stopping = true;
  if (auto r = parts_->hub.audit({{}, "hub", "hub.stop", "hub:" + parts_->config.hub.id, "{}", "ok"}); !r) {
    spdlog::error("{}", r.error().message);
  }
  parts_->tick_timer.cancel();
  parts_->http->stop();
  if (parts_->webhooks) parts_->webhooks->stop();
  if (parts_->zwave_socket) parts_->zwave_socket->stop();
  if (parts_->home_assistant) parts_->home_assistant->stop();  // "offline" before the clean DISCONNECT
  parts_->mqtt.stop();
}

int HubRuntime::http_port() const { return parts_->http->port(); }

std::string HubRuntime::public_key() const { return protocol::encode_public_key(parts_->keys.public_key); }

}  // namespace lw::app
