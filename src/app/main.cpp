// lockwarden: the hub (serve), the simulator (sim), the all-in-one demo (demo)
// and the CLI client (status, lock, unlock, events) in one binary.
#include <CLI/CLI.hpp>
#include <iostream>

#include "adapters/toml/strict_table.h"
#include "app/cli_client.h"
#include "app/commands.h"
#include "app/diagnose_command.h"
#include "app/doctor_bench.h"
#include "app/health_bench.h"
#include "app/key_commands.h"
#include "base/version.h"

int main(int argc, char** argv) {
  using namespace lw;
  CLI::App app{"lockwarden: smart-lock controller — keeps locks secure, online and working"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lockwarden " + std::string(kVersion));

  // serve
  std::string config_path;
  auto* serve = app.add_subcommand("serve", "Run the hub");
  serve->add_option("--config", config_path, "Configuration file (TOML); see docs/configuration.md")
      ->check(CLI::ExistingFile);

  // sim
  app::SimOptions sim_options;
  auto* sim = app.add_subcommand("sim", "Run simulated locks against a broker");
  sim->add_option("--scenario", sim_options.scenario, "Scenario file (TOML); see docs/scenarios.md")
      ->required()
      ->check(CLI::ExistingFile);
  sim->add_option("--hub-public-key-file", sim_options.hub_public_key_file,
                  "File with the hub's public key (the hub writes <data_dir>/hub.pub)");
  sim->add_option("--broker-port", sim_options.broker_port, "Override the scenario's broker port");
  sim->add_flag("--virtual", sim_options.virtual_time,
                "Run on virtual time as fast as possible, without a broker; write --trace and --labels");
  sim->add_option("--until", sim_options.until, "Virtual run length, e.g. 365d, 12h")->capture_default_str();
  sim->add_option("--trace", sim_options.trace, "Trace file (JSON lines of MQTT messages); default stdout");
  sim->add_option("--labels", sim_options.labels, "Ground-truth fault labels file (JSON lines)");
  sim->add_option("--speed", sim_options.speed, "Real time: run the scenario this many times faster")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  // demo
  app::DemoOptions demo_options;
  auto* demo = app.add_subcommand("demo", "Start a broker, the hub and a simulated home");
  demo->add_option("--http-port", demo_options.http_port, "Port of the dashboard and REST API")
      ->check(CLI::Range(0, 65535));
  demo->add_option("--data-dir", demo_options.data_dir, "Where the hub keeps its database and key");
  demo->add_option("--scenario", demo_options.scenario, "Scenario of the simulated home");

  // client commands
  app::ClientOptions client;
  auto add_client_options = [&client](CLI::App* cmd) {
    cmd->add_option("--server", client.server, "Hub URL")->capture_default_str();
    cmd->add_flag("--json", client.json, "Print JSON for scripts");
  };
  auto* status = app.add_subcommand("status", "Show every lock: connectivity, state, battery, signal");
  add_client_options(status);
  std::string lock_id;
  double wait_s = 35;
  auto* lock = app.add_subcommand("lock", "Lock a lock and wait for the result");
  auto* unlock = app.add_subcommand("unlock", "Unlock a lock and wait for the result");
  std::string key_file;
  for (auto* cmd : {lock, unlock}) {
    cmd->add_option("ID", lock_id, "Lock id")->required();
    cmd->add_option("--wait", wait_s, "Seconds to wait for the lock's answer")->capture_default_str();
    cmd->add_option("--key-file", key_file,
                    "Sign the command with this device key (end to end); the hub only relays it");
    add_client_options(cmd);
  }

  // keys and pairing (docs/protocol.md 5.5, 6.2)
  auto* key = app.add_subcommand("key", "Manage this device's command-signing key");
  key->require_subcommand(1);
  std::string key_id = "device";
  auto* key_create = key->add_subcommand("create", "Create a device key (Ed25519, file mode 0600)");
  key_create->add_option("--key-file", key_file, "Where; default $XDG_CONFIG_HOME/lockwarden/device.key");
  key_create->add_option("--key-id", key_id, "The key's name, as locks will know it")->capture_default_str();
  std::string pair_code;
  auto* pair =
      app.add_subcommand("pair", "Pair a lock whose pairing button was pressed, using its label code");
  pair->add_option("--lock", lock_id, "SITE/LOCK or the lock id")->required();
  pair->add_option("--code", pair_code, "The code on the lock's label")->required();
  pair->add_option("--key-file", key_file, "Enrol this device key instead of the hub's key");
  pair->add_option("--wait", wait_s, "Seconds to wait for the lock")->capture_default_str();
  add_client_options(pair);
  int limit = 20;
  auto* events = app.add_subcommand("events", "Show a lock's recent events");
  events->add_option("ID", lock_id, "Lock id")->required();
  events->add_option("--limit", limit, "How many (1..1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_client_options(events);

  // bench
  auto* bench = app.add_subcommand("bench", "Score an engine against the simulator's ground truth");
  bench->require_subcommand(1);
  app::HealthBenchOptions health_options;
  auto* bench_health = bench->add_subcommand(
      "health",
      "Liveness, incident grouping and battery forecasts, with the Zigbee2MQTT, ZHA and fixed-% baselines");
  bench_health->add_option("--scenario", health_options.scenario, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  bench_health->add_option("--until", health_options.until, "Virtual time to simulate, e.g. 365d")
      ->capture_default_str();
  bench_health->add_flag("--json", health_options.json, "Print JSON for scripts");
  bench_health->add_flag("--explain", health_options.explain,
                         "List each false alarm and each outage split into several incidents (stderr)");
  app::DoctorBenchOptions doctor_options;
  auto* bench_doctor = bench->add_subcommand(
      "doctor",
      "Causes ranked and steps planned for every incident, with the guide's fixed checklist as baseline");
  bench_doctor->add_option("--scenario", doctor_options.scenario, "Scenario file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  bench_doctor->add_option("--until", doctor_options.until, "Virtual time to simulate, e.g. 365d")
      ->capture_default_str();
  bench_doctor->add_flag("--json", doctor_options.json, "Print JSON for scripts");
  bench_doctor->add_flag("--explain", doctor_options.explain,
                         "List each case whose top cause was wrong (stderr)");

  // diagnose
  app::DiagnoseOptions diagnose_options;
  auto* diagnose = app.add_subcommand(
      "diagnose",
      "Replay a recorded MQTT trace through the engines: each incident, its likely causes and plan");
  diagnose
      ->add_option(
          "--trace", diagnose_options.trace,
          "Trace file: JSON lines {\"ts_ms\",\"topic\",\"payload\"}, as `sim --virtual --trace` writes")
      ->required();
  diagnose->add_option("--format", diagnose_options.format, "Topics in the trace: native or zigbee2mqtt")
      ->capture_default_str();
  diagnose
      ->add_option("--base-topic", diagnose_options.base_topic,
                   "Zigbee2MQTT's base topic (--format zigbee2mqtt)")
      ->capture_default_str();
  diagnose->add_flag("--json", diagnose_options.json, "Print JSON for scripts");

  CLI11_PARSE(app, argc, argv);

  if (serve->parsed()) return app::run_serve(config_path);
  if (sim->parsed()) return app::run_sim(sim_options);
  if (demo->parsed()) return app::run_demo(demo_options);
  if (bench_health->parsed()) return app::run_bench_health(health_options, std::cout, std::cerr);
  if (bench_doctor->parsed()) return app::run_bench_doctor(doctor_options, std::cout, std::cerr);
  if (diagnose->parsed()) return app::run_diagnose(diagnose_options, std::cout, std::cerr);
  if (status->parsed()) return app::cmd_status(client, std::cout, std::cerr);
  auto wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(wait_s));
  if (key_create->parsed()) return app::cmd_key_create(key_file, key_id, std::cout, std::cerr);
  if (pair->parsed()) return app::cmd_pair(client, lock_id, pair_code, key_file, wait, std::cout, std::cerr);
  for (auto [cmd, name] : {std::pair{lock, "lock"}, std::pair{unlock, "unlock"}}) {
    if (!cmd->parsed()) continue;
    if (!key_file.empty())
      return app::cmd_signed_action(client, lock_id, name, key_file, wait, std::cout, std::cerr);
    return app::cmd_action(client, lock_id, name, wait, std::cout, std::cerr);
  }
  if (events->parsed()) return app::cmd_events(client, lock_id, limit, std::cout, std::cerr);
  return 2;
}
