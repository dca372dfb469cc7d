#include "firmware/radio_link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace lw::firmware {
namespace {

using core::Transport;

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);
constexpr Bssid kHomeRouter{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
constexpr Bssid kNewRouter{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

NetworkOffer home(std::string_view passphrase = "correct horse", Bssid bssid = kHomeRouter) {
  return NetworkOffer{true, "home-wifi", passphrase, bssid};
}

class RadioLinkTest : public ::testing::Test {
 protected:
  RadioLinkTest() : link_({}, random_) {}

  /// Fails attempts against `offer` until `n` failures; returns each delay.
  std::vector<Duration> fail(int n, const NetworkOffer& offer) {
    std::vector<Duration> delays;
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(link_.attempt_due(now_));
      EXPECT_NE(link_.attempt(offer, now_), JoinOutcome::joined);
      delays.push_back(link_.last_backoff());
      now_ = link_.next_attempt();
    }
    return delays;
  }

  core::SeededRandom random_{42};
  RadioLink link_;
  Timestamp now_{kT0};
};

TEST_F(RadioLinkTest, JoinsWithMatchingCredentialsAndPinsTheAccessPoint) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  EXPECT_EQ(link_.state(), LinkState::joining);
  EXPECT_EQ(link_.attempt(home(), now_), JoinOutcome::joined);
  EXPECT_EQ(link_.state(), LinkState::up);
  ASSERT_NE(link_.pinned_bssid(), nullptr);
  EXPECT_EQ(*link_.pinned_bssid(), kHomeRouter);
}

TEST_F(RadioLinkTest, WithoutCredentialsWifiCannotJoin) {
  link_.start(now_);
  EXPECT_EQ(link_.attempt(home(), now_), JoinOutcome::no_credentials);
  EXPECT_EQ(link_.state(), LinkState::backing_off);
}

TEST_F(RadioLinkTest, BackOffGrowsWithJitterAndIsCapped) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  const std::vector<Duration> delays = fail(14, NetworkOffer{false, {}, {}, {}});
  Duration nominal = 1s;
  for (std::size_t i = 0; i < delays.size(); ++i) {
    EXPECT_GE(delays[i], nominal / 2) << "attempt " << i;
    EXPECT_LE(delays[i], nominal) << "attempt " << i;
    // While the nominal delay doubles, the jittered delay never shrinks.
    if (i > 0 && i < 9) {
      EXPECT_GE(delays[i], delays[i - 1]) << "attempt " << i;
    }
    nominal = std::min<Duration>(nominal * 2, std::chrono::minutes{5});
  }
  EXPECT_GT(delays.back(), std::chrono::minutes{2});
  EXPECT_LE(delays.back(), std::chrono::minutes{5});
  // Jitter: not every delay is exactly the nominal one.
  EXPECT_NE(delays[5], 32s);
}

TEST_F(RadioLinkTest, SameSeedReplaysTheSameDelays) {
  core::SeededRandom other_random{42};
  RadioLink other({}, other_random);
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  ASSERT_TRUE(other.set_credentials("home-wifi", "correct horse", now_));
  const NetworkOffer nothing{false, {}, {}, {}};
  for (int i = 0; i < 6; ++i) {
    (void)link_.attempt(nothing, now_);
    (void)other.attempt(nothing, now_);
    EXPECT_EQ(link_.next_attempt(), other.next_attempt());
    now_ = link_.next_attempt();
  }
}

TEST_F(RadioLinkTest, NoAttemptBeforeTheBackOffHasPassed) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  ASSERT_EQ(link_.attempt(NetworkOffer{false, {}, {}, {}}, now_), JoinOutcome::unreachable);
  const Timestamp due = link_.next_attempt();
  EXPECT_FALSE(link_.attempt_due(due - 1ms));
  EXPECT_EQ(link_.attempt(home(), due - 1ms), JoinOutcome::not_due);
  EXPECT_EQ(link_.attempt(home(), due), JoinOutcome::joined);
  EXPECT_EQ(link_.failures(), 0);
}

TEST_F(RadioLinkTest, PasswordChangeMakesJoinsFailUntilNewCredentialsAreSet) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  ASSERT_EQ(link_.attempt(home(), now_), JoinOutcome::joined);
  // The owner changes the router's passphrase; the router drops the lock.
  now_ += 1h;
  link_.link_lost(now_);
  const NetworkOffer changed = home("battery staple");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(link_.attempt_due(now_));
    EXPECT_EQ(link_.attempt(changed, now_), JoinOutcome::auth_failed);
    now_ = link_.next_attempt();
  }
  EXPECT_EQ(link_.state(), LinkState::backing_off);
  ASSERT_TRUE(link_.set_credentials("home-wifi", "battery staple", now_));
  EXPECT_EQ(link_.attempt(changed, now_), JoinOutcome::joined);
}

TEST_F(RadioLinkTest, RenamedNetworkIsNotFound) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  EXPECT_EQ(link_.attempt(NetworkOffer{true, "home-wifi-5g", "correct horse", kHomeRouter}, now_),
            JoinOutcome::network_not_found);
}

TEST_F(RadioLinkTest, ReplacedRouterIsRefusedUntilCredentialsAreSetAgain) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  ASSERT_EQ(link_.attempt(home(), now_), JoinOutcome::joined);
  link_.link_lost(now_ + 1h);
  now_ += 1h;
  // Same SSID and passphrase, different access point.
  EXPECT_EQ(link_.attempt(home("correct horse", kNewRouter), now_), JoinOutcome::bssid_mismatch);
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", link_.next_attempt()));
  EXPECT_EQ(link_.attempt(home("correct horse", kNewRouter), link_.next_attempt()), JoinOutcome::joined);
  EXPECT_EQ(*link_.pinned_bssid(), kNewRouter);
}

TEST_F(RadioLinkTest, InvalidCredentialsAreRejectedAndTheOldOnesKept) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  auto too_short = link_.set_credentials("home-wifi", "short", now_);
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(link_.set_credentials("", "correct horse", now_));
  EXPECT_FALSE(link_.set_credentials(std::string(33, 'x'), "correct horse", now_));
  EXPECT_EQ(link_.ssid(), "home-wifi");
  EXPECT_EQ(link_.attempt(home(), now_), JoinOutcome::joined);
}

TEST_F(RadioLinkTest, LostLinkRejoinsAtOnce) {
  ASSERT_TRUE(link_.set_credentials("home-wifi", "correct horse", now_));
  ASSERT_EQ(link_.attempt(home(), now_), JoinOutcome::joined);
  link_.link_lost(now_ + 10min);
  EXPECT_EQ(link_.state(), LinkState::joining);
  EXPECT_TRUE(link_.attempt_due(now_ + 10min));
}

TEST(RadioLinkHeartbeatTest, CadenceFollowsTransportAndPower) {
  static_assert(heartbeat_interval(Transport::wifi, false) == std::chrono::minutes{10});
  EXPECT_EQ(heartbeat_interval(Transport::wifi, true), std::chrono::minutes{30});
  EXPECT_EQ(heartbeat_interval(Transport::zigbee, false), std::chrono::hours{1});
  EXPECT_EQ(heartbeat_interval(Transport::zwave, true), std::chrono::hours{1});
  EXPECT_EQ(heartbeat_interval(Transport::ble_bridge, false), std::chrono::minutes{15});
  core::SeededRandom random{1};
  RadioLink zigbee({Transport::zigbee}, random);
  EXPECT_EQ(zigbee.heartbeat(false), std::chrono::hours{1});
}

TEST(RadioLinkZigbeeTest, NonWifiTransportJoinsWheneverTheCoordinatorIsReachable) {
  core::SeededRandom random{1};
  RadioLink zigbee({Transport::zigbee}, random);
  zigbee.start(kT0);
  EXPECT_EQ(zigbee.attempt(NetworkOffer{false, {}, {}, {}}, kT0), JoinOutcome::unreachable);
  EXPECT_EQ(zigbee.attempt(NetworkOffer{true, {}, {}, {}}, zigbee.next_attempt()), JoinOutcome::joined);
}

}  // namespace
}  // namespace lw::firmware
