// lockwarden: the hub (serve), the simulator (sim), the all-in-one demo (demo)
// and the CLI client (status, lock, unlock, events) in one binary.
#include <CLI/CLI.hpp>
#include <iostream>

#include "adapters/toml/strict_table.h"
#include "app/accounts.h"
#include "app/audit_command.h"
#include "app/cli_client.h"
#include "app/code_commands.h"
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
  demo->add_flag("--tls", demo_options.tls,
                 "HTTPS and MQTT over TLS, with a local CA made in <data-dir>/tls (lockwarden tls init)");

  // client commands
  app::ClientOptions client;
  auto add_client_options = [&client](CLI::App* cmd) {
    cmd->add_option("--server", client.server, "Hub URL")->capture_default_str();
    cmd->add_option("--token", client.token, "API token (default: $LOCKWARDEN_TOKEN, else --token-file)");
    cmd->add_option("--token-file", client.token_file,
                    "File holding the API token (the hub's <data_dir>/cli-token)")
        ->capture_default_str();
    cmd->add_flag("--json", client.json, "Print JSON for scripts");
    cmd->add_option(
        "--ca-file", client.ca_file,
        "For an https:// hub: PEM file of the CA that signs its certificate (e.g. <dir>/ca.crt from "
        "`lockwarden tls init`)");
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
  auto* unpair = app.add_subcommand("unpair", "Make a lock forget a paired key (signed by the hub's key)");
  unpair->add_option("--lock", lock_id, "SITE/LOCK or the lock id")->required();
  unpair->add_option("--key-id", key_id, "The key to forget (GET /api/v1/locks/{id}/keys lists them)")
      ->required();
  unpair->add_option("--wait", wait_s, "Seconds to wait for the lock")->capture_default_str();
  add_client_options(unpair);
  int limit = 20;
  auto* events = app.add_subcommand("events", "Show a lock's recent events");
  events->add_option("ID", lock_id, "Lock id")->required();
  events->add_option("--limit", limit, "How many (1..1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  add_client_options(events);

  // keypad codes (docs/api.md, "Access codes")
  app::CodeCommand code_command;
  auto* code = app.add_subcommand("code", "Manage keypad codes: who, which doors, when; synced to the locks");
  code->require_subcommand(1);
  auto* code_list = code->add_subcommand("list", "Show codes and where each lock stands (never the PINs)");
  code_list->add_option("--site", code_command.site, "Only this site");
  code_list->add_option("--lock", code_command.lock, "Only codes for this lock");
  auto* code_add = code->add_subcommand(
      "add", "Add a code; the PIN is read from standard input (or --pin-file), never the command line");
  code_add->add_option("--site", code_command.site, "The site")->required();
  code_add->add_option("--lock", code_command.lock, "The lock (default: every lock of the site)");
  code_add->add_option("--name", code_command.name, "Who it is for, e.g. Cleaner")->required();
  code_add->add_option("--pin-file", code_command.pin_file, "Read the PIN (4..10 digits) from this file");
  code_add->add_option("--slot", code_command.slot, "Code slot 1..64 (default: the lowest free one)");
  code_add->add_option("--user", code_command.user, "The lock's user number (default: the slot)");
  code_add->add_option("--from", code_command.from, "Valid from YYYY-MM-DD[THH:MM] (UTC)");
  code_add->add_option("--to", code_command.to, "Valid until YYYY-MM-DD[THH:MM] (UTC), exclusive");
  code_add->add_option("--weekly", code_command.weekly, "Days it works, e.g. mon,wed,fri");
  code_add->add_option("--start", code_command.start, "--weekly: from HH:MM local time");
  code_add->add_option("--end", code_command.end, "--weekly: until HH:MM local time");
  code_add->add_option("--utc-offset", code_command.utc_offset_min,
                       "--weekly: local time minus UTC, minutes");
  code_add->add_flag("--one-time", code_command.one_time, "Works once");
  auto* code_show = code->add_subcommand("show", "Show one code");
  auto* code_remove = code->add_subcommand("remove", "Remove a code from its locks");
  auto* code_retry = code->add_subcommand("retry", "Send a code again to the locks where it failed");
  for (auto* cmd : {code_show, code_remove, code_retry}) {
    cmd->add_option("ID", code_command.id, "Code id (code-...)")->required();
  }
  auto* code_settings = code->add_subcommand(
      "settings", "Show a lock's settings, or set them (kept by the hub and written back after a reset)");
  code_settings->add_option("LOCK", code_command.id, "Lock id")->required();
  code_settings
      ->add_option("--wrong-code-limit", code_command.wrong_code_limit,
                   "Wrong PINs in a row that disable the keypad, 1..255")
      ->check(CLI::Range(1, 255));
  code_settings
      ->add_option("--lockout-s", code_command.lockout_s, "Seconds the keypad then stays disabled, 1..255")
      ->check(CLI::Range(1, 255));
  code_settings
      ->add_option("--auto-relock-s", code_command.auto_relock_s,
                   "Seconds after an unlock the lock locks itself again, 0 (off)..65535")
      ->check(CLI::Range(0, 65535));
  code_settings->add_option("--sound", code_command.sound, "The lock's sound volume")
      ->check(CLI::IsMember({"silent", "low", "high"}));
  for (auto* cmd : {code_list, code_add, code_show, code_remove, code_retry, code_settings})
    add_client_options(cmd);

  // guest keys (docs/api.md, "Guest keys")
  app::GuestIssue guest_issue;
  auto* guest = app.add_subcommand("guest", "Guest keys: a grant the locks check alone, for a guest's phone");
  guest->require_subcommand(1);
  auto* guest_issue_cmd =
      guest->add_subcommand("issue", "Issue a grant for a guest's phone key; prints the grant");
  guest_issue_cmd->add_option("--site", guest_issue.site, "The site")->required();
  guest_issue_cmd->add_option("--lock", guest_issue.locks, "A lock it opens (repeat for more)")->required();
  guest_issue_cmd->add_option("--user", guest_issue.user, "Who the guest is, as the lock's history shows it")
      ->required();
  guest_issue_cmd
      ->add_option("--guest-key", guest_issue.guest_key, "Base64 of the phone's Ed25519 public key")
      ->required();
  guest_issue_cmd->add_option("--from", guest_issue.from, "Valid from YYYY-MM-DD[THH:MM] (UTC; default now)");
  guest_issue_cmd->add_option("--to", guest_issue.to, "Valid until YYYY-MM-DD[THH:MM] (UTC), exclusive")
      ->required();
  guest_issue_cmd->add_option("--out", guest_issue.out_file, "Write the grant to this file");
  add_client_options(guest_issue_cmd);
  app::GuestManage guest_manage;
  auto* guest_list_cmd = guest->add_subcommand("list", "The site's guest keys and their state");
  guest_list_cmd->add_option("--site", guest_manage.site, "The site")->required();
  auto* guest_revoke_cmd = guest->add_subcommand(
      "revoke", "Revoke a guest key: each of its locks is told now, or when it is next online");
  guest_revoke_cmd->add_option("id", guest_manage.id, "The guest key's id (guest-...)")->required();
  for (auto* cmd : {guest_list_cmd, guest_revoke_cmd}) add_client_options(cmd);

  // audit
  app::AuditOptions audit_options;
  auto* audit = app.add_subcommand("audit", "Check or read the tamper-evident audit log (the hub's files)");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify", "Check every record's hash chain and the hub's signed head; exit 1 if not intact");
  auto* audit_list = audit->add_subcommand("list", "Print audit records, oldest first");
  for (auto* cmd : {audit_verify, audit_list}) {
    cmd->add_option("--data-dir", audit_options.data_dir, "The hub's data directory")->capture_default_str();
    cmd->add_option("--config", audit_options.config, "The hub's configuration file (its data_dir and store)")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--json", audit_options.json, "Print JSON for scripts");
  }
  audit_list->add_option("--since-seq", audit_options.since_seq, "Only records after this seq")
      ->capture_default_str();
  audit_list->add_option("--limit", audit_options.limit, "How many (1..1000)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();

  // tls
  auto* tls = app.add_subcommand("tls", "Certificates for HTTPS and MQTT over TLS");
  tls->require_subcommand(1);
  app::TlsInitOptions tls_init_options;
  auto* tls_init = tls->add_subcommand(
      "init", "Create a local CA and a certificate for the hub and the broker (kept if already there)");
  tls_init->add_option("--dir", tls_init_options.dir, "Where to write ca.crt, ca.key, server.crt, server.key")
      ->capture_default_str();
  tls_init->add_option(
      "--host", tls_init_options.hosts,
      "DNS name or IP address the certificate names (repeat; default localhost, 127.0.0.1, ::1)");
  // user
  app::UserCommand user_command;
  auto* user =
      app.add_subcommand("user", "Manage API accounts in the hub's database (works while the hub runs)");
  user->require_subcommand(1);
  auto user_target = [&user_command](CLI::App* cmd) {
    cmd->add_option("--config", user_command.config, "The hub's configuration file (for data_dir)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--data-dir", user_command.data_dir, "The hub's data directory (default ./data)");
  };
  auto* user_add =
      user->add_subcommand("add", "Add an account with a role on a site; prints a generated password");
  auto* user_list = user->add_subcommand("list", "List accounts and their grants");
  auto* user_remove = user->add_subcommand("remove", "Remove an account and its tokens");
  auto* user_grant = user->add_subcommand("grant", "Give an account a role on a site");
  auto* user_revoke = user->add_subcommand("revoke", "Take away an account's grant on a site");
  auto* user_passwd =
      user->add_subcommand("passwd", "Set a new password (generated unless --password-stdin)");
  auto* user_token = user->add_subcommand("token", "Issue a long-lived API token for scripts, shown once");
  for (auto* cmd : {user_add, user_list, user_remove, user_grant, user_revoke, user_passwd, user_token}) {
    user_target(cmd);
    if (cmd != user_list) cmd->add_option("NAME", user_command.name, "Account name")->required();
  }
  for (auto* cmd : {user_add, user_grant}) {
    cmd->add_option("--role", user_command.role, "guest, member, manager or owner")->required();
  }
  for (auto* cmd : {user_add, user_grant, user_revoke}) {
    cmd->add_option("--site", user_command.site, "Site id, or * for every site")->capture_default_str();
  }
  for (auto* cmd : {user_add, user_passwd}) {
    cmd->add_flag("--password-stdin", user_command.password_stdin,
                  "Read the password from the first line of stdin");
  }
  user_token->add_flag("--write-cli-token", user_command.write_cli_token,
                       "Write it to <data_dir>/cli-token instead of printing it");

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
  if (tls_init->parsed()) return app::run_tls_init(tls_init_options);
  if (bench_health->parsed()) return app::run_bench_health(health_options, std::cout, std::cerr);
  if (bench_doctor->parsed()) return app::run_bench_doctor(doctor_options, std::cout, std::cerr);
  if (diagnose->parsed()) return app::run_diagnose(diagnose_options, std::cout, std::cerr);
  if (audit_verify->parsed()) return app::cmd_audit_verify(audit_options, std::cout, std::cerr);
  if (audit_list->parsed()) return app::cmd_audit_list(audit_options, std::cout, std::cerr);
  for (auto* cmd : {user_add, user_list, user_remove, user_grant, user_revoke, user_passwd, user_token}) {
    if (cmd->parsed()) {
      user_command.action = cmd->get_name();
      return app::run_user_command(user_command, std::cin, std::cout, std::cerr);
    }
  }
  if (status->parsed()) return app::cmd_status(client, std::cout, std::cerr);
  if (guest_issue_cmd->parsed()) return app::run_guest_issue(client, guest_issue, std::cout, std::cerr);
  for (auto* cmd : {guest_list_cmd, guest_revoke_cmd}) {
    if (cmd->parsed()) {
      guest_manage.action = cmd->get_name();
      return app::run_guest_manage(client, guest_manage, std::cout, std::cerr);
    }
  }
  for (auto* cmd : {code_list, code_add, code_show, code_remove, code_retry, code_settings}) {
    if (cmd->parsed()) {
      code_command.action = cmd->get_name();
      return app::run_code_command(client, code_command, std::cin, std::cout, std::cerr);
    }
  }
  auto wait = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(wait_s));
  if (key_create->parsed()) return app::cmd_key_create(key_file, key_id, std::cout, std::cerr);
  if (pair->parsed()) return app::cmd_pair(client, lock_id, pair_code, key_file, wait, std::cout, std::cerr);
  if (unpair->parsed()) return app::cmd_unpair(client, lock_id, key_id, wait, std::cout, std::cerr);
  for (auto [cmd, name] : {std::pair{lock, "lock"}, std::pair{unlock, "unlock"}}) {
    if (!cmd->parsed()) continue;
    if (!key_file.empty())
      return app::cmd_signed_action(client, lock_id, name, key_file, wait, std::cout, std::cerr);
    return app::cmd_action(client, lock_id, name, wait, std::cout, std::cerr);
  }
  if (events->parsed()) return app::cmd_events(client, lock_id, limit, std::cout, std::cerr);
  return 2;
}
