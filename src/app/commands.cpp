#include "app/commands.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <iostream>
#include <vector>

#include "adapters/mqtt/broker_access.h"
#include "adapters/mqtt/broker_process.h"
#include "adapters/system/credentials.h"
#include "adapters/system/key_file.h"
#include "adapters/system/local_ca.h"
#include "adapters/toml/strict_table.h"
#include "app/accounts.h"
#include "app/config.h"
#include "app/embedded_scenarios.h"
#include "app/hub_runtime.h"
#include "sim/scenario.h"
#include "sim/sim_runner.h"
#include "sim/virtual_run.h"
#include "sim/world_runner.h"

namespace lw::app {
namespace {

int fail(const std::string& what, const Error& error) {
  std::cerr << "lockwarden: " << what << ": " << error.message << "\n";
  return 1;
}

void setup_logging(const std::string& level) {
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

/// Runs `io` until SIGINT/SIGTERM, then calls `shutdown` once; a second signal exits at once.
void run_until_signal(boost::asio::io_context& io, const std::function<void()>& shutdown) {
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stopping = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (stopping) {
          spdlog::warn("second signal {}: stopping now", sig);
          io.stop();
          return;
        }
        stopping = true;
        spdlog::info("signal {}: shutting down", sig);
        shutdown();
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  io.run();
}

}  // namespace

int run_serve(const std::string& config_path) {
  auto config = config_path.empty() ? parse_hub_config("", "(defaults)") : load_hub_config(config_path);
  if (!config) return fail("configuration", config.error());
  setup_logging(config->log.level);
  boost::asio::io_context io;
  auto hub = HubRuntime::create(io, *config);
  if (!hub) return fail("start-up", hub.error());
  if (auto r = (*hub)->start(); !r) return fail("start-up", r.error());
  run_until_signal(io, [&] {
    (*hub)->stop();
    // Second stage: whatever is still open after a grace period is cut.
    auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(3));
    timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
  });
  spdlog::info("hub stopped");
  return 0;
}

namespace {

/// Either simulator behind one face: the world simulator for scenarios that
/// need it, per-lock MQTT clients (real Last Wills) for plain Wi-Fi locks.
class Runner {
 public:
  virtual ~Runner() = default;
  virtual Result<void> start() = 0;
  virtual void stop() = 0;
};
template <typename R>
class RunnerOf final : public Runner {
 public:
  template <typename... A>
  explicit RunnerOf(A&&... args) : r_(std::forward<A>(args)...) {}
  Result<void> start() override { return r_.start(); }
  void stop() override { r_.stop(); }

 private:
  R r_;
};

std::unique_ptr<Runner> make_runner(boost::asio::io_context& io, sim::Scenario scenario,
                                    std::optional<std::string> hub_key, double speed) {
  if (scenario.needs_world()) {
    return std::make_unique<RunnerOf<sim::WorldRunner>>(io, std::move(scenario), std::move(hub_key), speed);
  }
  return std::make_unique<RunnerOf<sim::SimRunner>>(io, std::move(scenario), std::move(hub_key), speed);
}

int run_virtual_sim(const sim::Scenario& scenario, const SimOptions& options) {
  auto until = adapters::parse_duration(options.until);
  if (!until) return fail("--until", until.error());
  std::FILE* trace_file = stdout;
  if (!options.trace.empty() && options.trace != "-") trace_file = std::fopen(options.trace.c_str(), "w");
  if (trace_file == nullptr) return fail("--trace", unavailable(options.trace + ": cannot be written"));
  // A year of a fleet is gigabytes: write in big blocks.
  static std::vector<char> trace_buffer(std::size_t{4} << 20);
  std::setvbuf(trace_file, trace_buffer.data(), _IOFBF, trace_buffer.size());
  std::FILE* labels_file = options.labels.empty() ? nullptr : std::fopen(options.labels.c_str(), "w");
  if (!options.labels.empty() && labels_file == nullptr) {
    return fail("--labels", unavailable(options.labels + ": cannot be written"));
  }
  sim::JsonLinesTrace trace(trace_file);
  struct NoLabels final : sim::LabelSink {
    void label(const sim::FaultLabel& /*label*/) override {}
  } no_labels;
  sim::JsonLinesLabels labels(labels_file);
  sim::VirtualRunOptions run_options;
  run_options.until = *until;
  auto started = std::chrono::steady_clock::now();
  auto stats = sim::run_virtual(scenario, run_options, trace,
                                labels_file ? static_cast<sim::LabelSink&>(labels) : no_labels);
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (trace_file != stdout) std::fclose(trace_file);
  if (labels_file) std::fclose(labels_file);
  if (!stats) return fail("simulator", stats.error());
  double lock_years =
      static_cast<double>(stats->locks) * std::chrono::duration<double>(*until).count() / (365.0 * 24 * 3600);
  std::fprintf(stderr,
               "sim: %zu locks, %s of virtual time in %.2f s: %llu messages, %llu payload bytes, "
               "%.3g lock-years/s\n",
               stats->locks, options.until.c_str(), wall, static_cast<unsigned long long>(stats->messages),
               static_cast<unsigned long long>(stats->payload_bytes), wall > 0 ? lock_years / wall : 0.0);
  return 0;
}

}  // namespace

int run_sim(const SimOptions& options) {
  setup_logging("info");
  auto scenario = sim::load_scenario(options.scenario);
  if (!scenario) return fail("scenario", scenario.error());
  if (options.virtual_time) return run_virtual_sim(*scenario, options);
  if (options.broker_port > 0) scenario->broker.port = options.broker_port;
  std::optional<std::string> hub_key;
  if (!options.hub_public_key_file.empty()) {
    auto key = adapters::read_public_key_file(options.hub_public_key_file);
    if (!key) return fail("hub public key", key.error());
    hub_key = protocol::encode_public_key(*key);
  }
  boost::asio::io_context io;
  auto runner = make_runner(io, std::move(*scenario), hub_key, options.speed);
  if (auto r = runner->start(); !r) return fail("simulator", r.error());
  run_until_signal(io, [&] {
    runner->stop();
    auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(2));
    timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
  });
  return 0;
}

int run_demo(const DemoOptions& options) {
  setup_logging("info");
  auto scenario = options.scenario.empty() ? sim::parse_scenario(home_scenario(), "scenarios/home.toml")
                                           : sim::load_scenario(options.scenario);
  if (!scenario) return fail("scenario", scenario.error());

  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return fail("data directory " + options.data_dir, Error{ErrorCode::unavailable, ec.message()});

  std::optional<adapters::LocalCaFiles> tls;
  if (options.tls) {
    auto files = adapters::create_local_ca((std::filesystem::path(options.data_dir) / "tls").string());
    if (!files) return fail("TLS certificates", files.error());
    tls = *files;
  }
  adapters::mqtt::BrokerProcessOptions broker_options;
  if (tls) {
    broker_options.tls_cert_file = tls->server_cert;
    broker_options.tls_key_file = tls->server_key;
  }
  // No anonymous client: the hub, the simulated home (one client for its locks, phones and bridges) and
  // nobody else, each on its own topics (docs/security.md, D14). Fresh passwords at every start.
  std::vector<core::LockAddress> lock_addresses;
  for (const sim::ScenarioLock& l : scenario->locks) lock_addresses.push_back({l.site, l.id});
  std::vector<core::LockAddress> phone_addresses;
  for (const sim::ScenarioPhone& p : scenario->phones) phone_addresses.push_back({p.site, p.id});
  std::vector<std::string> bridge_topics;
  for (const sim::ScenarioBridge& b : scenario->bridges) {
    if (!b.base_topic.empty()) bridge_topics.push_back(b.base_topic);
  }
  const auto access =
      adapters::mqtt::generate_broker_access("lw-hub", lock_addresses, phone_addresses, bridge_topics, true);
  auto access_files =
      adapters::mqtt::write_broker_access(access, std::filesystem::path(options.data_dir) / "broker-access");
  if (!access_files) return fail("broker accounts", access_files.error());
  broker_options.password_file = access_files->password_file.string();
  broker_options.acl_file = access_files->acl_file.string();
  adapters::mqtt::BrokerProcess broker(broker_options);
  auto plain_port = broker.start(std::filesystem::path(options.data_dir) / "broker");
  if (!plain_port) return fail("broker", plain_port.error());
  // With --tls the hub and the locks use the TLS listener only.
  const int port = tls ? broker.tls_port() : *plain_port;
  spdlog::info("mosquitto listening on 127.0.0.1:{}{}", port, tls ? " (TLS)" : "");

  auto config = parse_hub_config("", "(demo defaults)");
  if (!config) return fail("configuration", config.error());
  config->hub.id = "demo-hub";
  config->hub.data_dir = options.data_dir;
  config->mqtt.port = port;
  config->mqtt.username = access.hub.username;
  config->mqtt.password = access.hub.password;
  config->http.port = options.http_port;
  if (tls) {
    config->mqtt.host = "localhost";  // the name the certificate holds, as a client checks
    config->mqtt.tls_ca_file = tls->ca_cert;
    config->http.tls_cert_file = tls->server_cert;
    config->http.tls_key_file = tls->server_key;
  }
  // The household told the hub which batteries went into each lock.
  for (const sim::ScenarioLock& l : scenario->locks) {
    core::LockRecord lock;
    lock.id = l.id;
    lock.site = l.site;
    lock.name = l.name.empty() ? l.id : l.name;
    lock.transport = l.transport;
    lock.battery = l.battery;
    lock.ambient_c = l.ambient_c;
    config->locks.push_back(std::move(lock));
  }

  boost::asio::io_context io;
  auto hub = HubRuntime::create(io, *config);
  if (!hub) return fail("hub", hub.error());
  if (auto r = (*hub)->start(); !r) {
    return fail("hub",
                Error{r.error().code, r.error().message + " (is another hub running? try --http-port)"});
  }

  scenario->broker.port = port;
  scenario->broker.credentials_file = access_files->credentials.string();
  if (tls) {
    scenario->broker.host = "localhost";
    scenario->broker.tls_ca_file = tls->ca_cert;
  }
  auto runner = make_runner(io, std::move(*scenario), (*hub)->public_key(), 1.0);
  if (auto r = runner->start(); !r) return fail("simulator", r.error());

  std::string url = (tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string((*hub)->http_port());
  const std::string token_file = (std::filesystem::path(options.data_dir) / kCliTokenFile).string();
  const std::string password_file = (std::filesystem::path(options.data_dir) / kOwnerPasswordFile).string();
  auto password = adapters::read_secret_file(password_file);
  // The user asked for the demo: showing the generated owner password of its
  // own data directory is what lets them sign in.
  const std::string sign_in =
      password ? "user " + config->auth.owner + ", password " + *password + "  (from " + password_file + ")"
               : "user " + config->auth.owner + "; set a password with: lockwarden user passwd " +
                     config->auth.owner + " --data-dir " + options.data_dir;
  // The CLI finds .demo/cli-token by itself when run from the same directory.
  std::string client_flags = options.data_dir == DemoOptions{}.data_dir && options.http_port == 8080 && !tls
                                 ? std::string()
                                 : " --server " + url + " --token-file " + token_file;
  if (tls) client_flags += " --ca-file " + tls->ca_cert;
  std::cout << "\n"
            << "  lockwarden demo is running: a broker, the hub and a simulated home of six locks.\n"
            << "  Dashboard and API:  " << url << "/\n"
            << "  Sign in:            " << sign_in << "\n"
            << "  Try, in another terminal:\n"
            << "    lockwarden status" << client_flags << "\n"
            << "    lockwarden unlock front-door" << client_flags << "\n"
            << "    lockwarden events garage" << client_flags << "\n"
            << (tls ? "  The browser trusts the dashboard once " + tls->ca_cert +
                          " is imported as an authority.\n"
                    : "")
            << "  Over the next minutes: the patio battery browns out under the motor (30 s),\n"
            << "  a microwave drowns the kitchen door's Wi-Fi (60 s), the router loses power (90 s),\n"
            << "  the garage Wi-Fi password changes (160 s), the back door jams (200 s),\n"
            << "  the side gate's batteries run flat (240 s). The log says what happens.\n"
            << "  Ctrl-C stops everything.\n\n"
            << std::flush;

  run_until_signal(io, [&] {
    runner->stop();
    (*hub)->stop();
    auto timer = std::make_shared<boost::asio::steady_timer>(io, std::chrono::seconds(2));
    timer->async_wait([&io, timer](const boost::system::error_code&) { io.stop(); });
  });
  broker.stop();
  spdlog::info("demo stopped");
  return 0;
}

int run_tls_init(const TlsInitOptions& options) {
  setup_logging("warn");
  auto files = adapters::create_local_ca(options.dir, options.hosts);
  if (!files) return fail("tls init", files.error());
  std::cout << (files->created ? "Created" : "Kept the existing") << " local CA and certificate in "
            << options.dir << ":\n"
            << "  " << files->ca_cert
            << "      trust this: lockwarden --ca-file, the browser, mosquitto cafile\n"
            << "  " << files->server_cert << "  and " << files->server_key << " (private, mode 0600):\n"
            << "      [http] tls_cert_file / tls_key_file, and mosquitto certfile / keyfile\n"
            << "  " << files->ca_key << "       (private) only needed to issue more certificates\n";
  return 0;
}

}  // namespace lw::app
