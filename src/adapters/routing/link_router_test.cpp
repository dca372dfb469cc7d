#include "adapters/routing/link_router.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/support/recording_device_link.h"

namespace lw::adapters {
namespace {

class ClaimingRecorder final : public ClaimingLink {
 public:
  explicit ClaimingRecorder(std::set<LockId> mine) : mine_(std::move(mine)) {}
  [[nodiscard]] bool speaks_for(const LockId& lock) const override { return mine_.contains(lock); }
  Result<void> send_command(const core::Command& command) override { return inner_.send_command(command); }
  Result<void> probe(const core::Command& ping) override { return inner_.probe(ping); }
  lw::testing::RecordingDeviceLink inner_;

 private:
  std::set<LockId> mine_;
};

core::Command command_to(const LockId& lock) {
  core::Command c;
  c.id = "a-1";
  c.target = {"home", lock};
  return c;
}

TEST(LinkRouter, AClaimedLockGoesToItsAdapterAndTheRestByTransportOrToTheGateway) {
  lw::testing::RecordingDeviceLink native;
  lw::testing::RecordingDeviceLink zigbee;
  ClaimingRecorder nuki({"nuki-2bb28570"});
  LinkRouter router(native);
  router.claim_with(nuki);
  router.route(core::Transport::zigbee, zigbee);
  router.set_transport_of([](const LockId& lock) -> std::optional<core::Transport> {
    if (lock == "back-door") return core::Transport::zigbee;
    if (lock == "front-door") return core::Transport::wifi;
    return std::nullopt;
  });
  ASSERT_TRUE(router.send_command(command_to("nuki-2bb28570")));
  ASSERT_TRUE(router.send_command(command_to("back-door")));
  ASSERT_TRUE(router.send_command(command_to("front-door")));
  ASSERT_TRUE(router.send_command(command_to("stranger")));
  EXPECT_EQ(nuki.inner_.sent().size(), 1U);
  ASSERT_EQ(zigbee.sent().size(), 1U);
  EXPECT_EQ(zigbee.sent()[0].target.lock, "back-door");
  ASSERT_EQ(native.sent().size(), 2U);
  EXPECT_EQ(native.sent()[1].target.lock, "stranger");
}

TEST(LinkRouter, ACommandOnlyLockwardensFirmwareKnowsNeverReachesABridge) {
  lw::testing::RecordingDeviceLink native;
  lw::testing::RecordingDeviceLink zigbee;
  ClaimingRecorder nuki({"nuki-2bb28570"});
  LinkRouter router(native);
  router.claim_with(nuki);
  router.route(core::Transport::zigbee, zigbee);
  router.set_transport_of([](const LockId& lock) -> std::optional<core::Transport> {
    if (lock == "back-door") return core::Transport::zigbee;
    return core::Transport::wifi;
  });
  // A bridge would take it for its default bolt action: lock.
  for (const LockId lock : {"back-door", "nuki-2bb28570"}) {
    core::Command recalibrate = command_to(lock);
    recalibrate.recalibrate = true;
    auto r = router.send_command(recalibrate);
    ASSERT_FALSE(r) << lock;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    core::Command revoke = command_to(lock);
    revoke.revoke_grant = core::GrantRevocation{"guest-1", {}};
    EXPECT_FALSE(router.send_command(revoke)) << lock;
  }
  EXPECT_TRUE(zigbee.sent().empty());
  EXPECT_TRUE(nuki.inner_.sent().empty());
  core::Command native_recalibrate = command_to("front-door");
  native_recalibrate.recalibrate = true;
  ASSERT_TRUE(router.send_command(native_recalibrate));
  EXPECT_EQ(native.sent().size(), 1U);
}

TEST(LinkRouter, ProbesFollowTheSameRoutes) {
  lw::testing::RecordingDeviceLink native;
  lw::testing::RecordingDeviceLink zigbee;
  LinkRouter router(native);
  router.route(core::Transport::zigbee, zigbee);
  router.set_transport_of(
      [](const LockId&) { return std::optional<core::Transport>(core::Transport::zigbee); });
  core::Command ping = command_to("back-door");
  ping.ping = true;
  ASSERT_TRUE(router.probe(ping));
  EXPECT_EQ(zigbee.probed().size(), 1U);
  EXPECT_TRUE(native.probed().empty());
}

TEST(LinkRouter, AFailingLinkFailsTheSend) {
  lw::testing::RecordingDeviceLink native;
  native.set_down(true);
  LinkRouter router(native);
  auto r = router.send_command(command_to("front-door"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace lw::adapters
