// The long-running subcommands: serve, sim and demo. Each returns the process
// exit code: 0 after a clean shutdown (SIGINT/SIGTERM), 1 when start-up fails
// (the message on stderr names the cause).
// Threading: each runs one io_context on the calling thread.
#pragma once

#include <string>
#include <vector>

namespace lw::app {

int run_serve(const std::string& config_path);

struct SimOptions {
  std::string scenario;
  std::string hub_public_key_file;
  int broker_port{0};  // 0: as in the scenario
  // Virtual time (no broker): run `until`, write the trace and labels.
  bool virtual_time{false};
  std::string until{"1d"};
  std::string trace;   // JSON lines; "-" or empty: standard output
  std::string labels;  // JSON lines; empty: not written
  double speed{1.0};   // real time: how many times faster than the wall clock
};
int run_sim(const SimOptions& options);

struct DemoOptions {
  int http_port{8080};
  std::string data_dir{".demo"};
  std::string scenario;  // default: scenarios/home.toml next to the sources
  bool tls{false};       // HTTPS and MQTT over TLS with a local CA in <data_dir>/tls
};
int run_demo(const DemoOptions& options);

struct TlsInitOptions {
  std::string dir{"./data/tls"};
  std::vector<std::string> hosts;
};
/// `lockwarden tls init`: adapters::create_local_ca, and how to use the files.
int run_tls_init(const TlsInitOptions& options);

}  // namespace lw::app
