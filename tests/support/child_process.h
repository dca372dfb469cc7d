// ChildProcess: runs a program (the real lockwarden binary) for black-box
// tests, with stdout and stderr going to a log file. If the test process dies,
// the child gets SIGTERM (PR_SET_PDEATHSIG); the destructor kills and reaps it.
// Threading: use from the test's thread only.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/time.h"

namespace lw::testing {

class ChildProcess {
 public:
  /// Starts `argv[0]` with `argv`; output is appended to `log`. Throws
  /// std::runtime_error when the program cannot be started.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path log);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Sends `signal` (SIGKILL for a crash, SIGTERM for a clean stop).
  void signal(int sig);
  /// Waits up to `timeout` for the exit; returns the exit status (or 128 + the
  /// signal), or -1 if it is still running.
  int wait(Duration timeout);
  [[nodiscard]] bool running();
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::filesystem::path& log() const { return log_; }

 private:
  pid_t pid_{-1};
  int status_{-1};
  std::filesystem::path log_;
};

/// Runs a program to completion (up to `timeout`) and returns its exit code and
/// combined output.
struct RunResult {
  int exit_code{-1};
  std::string output;
};
RunResult run_program(const std::vector<std::string>& argv, Duration timeout);

}  // namespace lw::testing
