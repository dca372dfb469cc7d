#include "adapters/mqtt/broker_process.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <string>

#include "tests/support/free_port.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::mqtt {
namespace {

// A TCP socket on 127.0.0.1:port; listening or just connected.
class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  bool connect(int port) {
    const sockaddr_in addr = loopback(port);
    return ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool listen(int port) {
    const sockaddr_in addr = loopback(port);
    return ::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 && ::listen(fd_, 1) == 0;
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  int fd_;
};

bool accepts(int port) { return Socket().connect(port); }
bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

class BrokerProcessTest : public ::testing::Test {
 protected:
  ~BrokerProcessTest() override { testing::remove_temp_dir_unless_failed(dir_); }
  std::filesystem::path dir_ = testing::make_temp_dir("broker-process");
};

TEST_F(BrokerProcessTest, StartedBrokerAcceptsConnectionsAndStopLeavesNoProcess) {
  BrokerProcess broker;
  auto port = broker.start(dir_);
  ASSERT_TRUE(port.has_value()) << port.error().to_string();
  EXPECT_EQ(broker.port(), *port);
  EXPECT_TRUE(accepts(*port));
  EXPECT_TRUE(broker.running());
  const pid_t pid = broker.pid();

  broker.stop();

  EXPECT_FALSE(broker.running());
  EXPECT_EQ(broker.pid(), 0);
  EXPECT_FALSE(process_exists(pid));
  EXPECT_FALSE(accepts(*port));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "mosquitto.conf"));
  EXPECT_NE(testing::read_text_file(broker.log_path()).find("mosquitto version"), std::string::npos);
}

TEST_F(BrokerProcessTest, RestartedBrokerListensOnTheSamePortAgain) {
  BrokerProcess broker;
  auto port = broker.start(dir_);
  ASSERT_TRUE(port.has_value()) << port.error().to_string();
  const pid_t first = broker.pid();

  auto again = broker.restart();

  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(*again, *port);
  EXPECT_NE(broker.pid(), first);
  EXPECT_TRUE(accepts(*port));
}

TEST_F(BrokerProcessTest, DestroyingTheOwnerStopsTheBroker) {
  pid_t pid = 0;
  {
    BrokerProcess broker;
    ASSERT_TRUE(broker.start(dir_).has_value());
    pid = broker.pid();
    ASSERT_TRUE(process_exists(pid));
  }
  EXPECT_FALSE(process_exists(pid));
}

TEST_F(BrokerProcessTest, TakenPortIsReportedWithTheBrokerLog) {
  Socket squatter;
  const int port = testing::free_loopback_port();
  ASSERT_TRUE(squatter.listen(port));
  BrokerProcess broker(BrokerProcessOptions{.port = port});

  auto started = broker.start(dir_);

  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::unavailable);
  EXPECT_NE(started.error().message.find("Address already in use"), std::string::npos)
      << started.error().message;
  EXPECT_FALSE(broker.running());
}

TEST_F(BrokerProcessTest, MissingExecutableIsUnavailable) {
  BrokerProcess broker(BrokerProcessOptions{.executable = "/nonexistent/mosquitto"});
  auto started = broker.start(dir_);
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::unavailable);
  EXPECT_NE(started.error().message.find("/nonexistent/mosquitto"), std::string::npos);
}

TEST_F(BrokerProcessTest, SecondStartWhileRunningIsRefused) {
  BrokerProcess broker;
  ASSERT_TRUE(broker.start(dir_).has_value());
  auto second = broker.start(dir_);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::failed_precondition);
}

}  // namespace
}  // namespace lw::adapters::mqtt
