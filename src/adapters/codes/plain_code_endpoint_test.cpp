// The bridge's end of the code protocol: it opens only what was sealed to it,
// refuses what a plain-PIN lock cannot hold, and reports digests only with
// the site's code key and the PIN the lock told.
#include "adapters/codes/plain_code_endpoint.h"

#include <gtest/gtest.h>

#include <string_view>

namespace lw::adapters::codes {
namespace {

core::CodeCommand set_code(int slot, std::string_view pin, const std::string& box_key) {
  core::CodeCommand c;
  c.action = core::CodeAction::set_code;
  c.slot = slot;
  c.user = static_cast<std::uint16_t>(slot);
  c.sealed = protocol::seal_to(pin, *protocol::decode_box_key(box_key));
  return c;
}

TEST(PlainCodeEndpoint, OpensWhatWasSealedToItAndNothingElse) {
  PlainCodeEndpoint bridge;
  PlainCodeEndpoint other;
  auto pin = bridge.open_pin(set_code(3, "0042", bridge.box_key()));
  ASSERT_TRUE(pin);
  EXPECT_EQ(*pin, "0042");
  auto foreign = bridge.open_pin(set_code(3, "0042", other.box_key()));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message, "pin_sealed: does not open with this bridge's box key");
  EXPECT_NE(bridge.box_key(), other.box_key()) << "each bridge draws its own key pair";
}

TEST(PlainCodeEndpoint, RefusesSchedulesUsersAndPinsAPlainLockCannotHold) {
  PlainCodeEndpoint bridge;
  core::CodeCommand weekly = set_code(3, "1234", bridge.box_key());
  weekly.schedule = core::CodeSchedule::weekly(core::kAllDays, 0, 60);
  EXPECT_EQ(bridge.open_pin(weekly).error().code, ErrorCode::failed_precondition);
  core::CodeCommand other_user = set_code(3, "1234", bridge.box_key());
  other_user.user = 7;
  EXPECT_NE(bridge.open_pin(other_user).error().message.find("user:"), std::string::npos);
  EXPECT_EQ(bridge.open_pin(set_code(3, "12a4", bridge.box_key())).error().message,
            "pin: must be 4..10 digits");
}

TEST(PlainCodeEndpoint, ReadBacksPageTheSlotsAndCarryDigestsOnlyWithTheKeyAndThePin) {
  PlainCodeEndpoint bridge;
  std::vector<PlainSlot> held;
  for (int s = 20; s >= 1; --s)
    held.push_back({s, s == 2 ? std::optional<std::string>("4821") : std::nullopt});
  core::CodeReadback page = bridge.readback("front", held, 1);
  ASSERT_EQ(page.slots.size(), static_cast<std::size_t>(core::kSlotsPerReadback));
  EXPECT_EQ(page.slots.front().slot, 1);
  EXPECT_EQ(page.next_slot, 13);
  EXPECT_FALSE(page.slots[1].digest) << "no code key yet";
  EXPECT_EQ(page.box_key, bridge.box_key());

  const protocol::CodeKey key = protocol::generate_code_key();
  core::CodeCommand give;
  give.action = core::CodeAction::set_code_key;
  give.sealed =
      protocol::seal_to(std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()),
                        *protocol::decode_box_key(bridge.box_key()));
  ASSERT_TRUE(bridge.take_code_key("front", give));
  page = bridge.readback("front", held, 1);
  EXPECT_EQ(page.slots[1].digest, protocol::code_digest(key, 2, 2, "4821"));
  EXPECT_FALSE(page.slots[2].digest) << "the lock did not tell slot 3's PIN";
  EXPECT_FALSE(bridge.readback("back", held, 1).slots[1].digest) << "the key is per lock";
  give.sealed = "not-a-sealed-box";
  EXPECT_FALSE(bridge.take_code_key("front", give));
}

}  // namespace
}  // namespace lw::adapters::codes
