#include "core/lock/vocabulary.h"

#include <gtest/gtest.h>

#include "core/lock/messages.h"
#include "core/lock/records.h"

namespace lw::core {
namespace {

template <typename E, typename Parse>
void expect_round_trip(std::initializer_list<E> values, Parse parse) {
  for (E v : values) {
    auto name = to_string(v);
    auto back = parse(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, v) << name;
  }
}

TEST(Vocabulary, EveryValueHasAWireNameThatParsesBack) {
  using enum LockState;
  expect_round_trip({locked, unlocked, not_fully_locked, unlatched, jammed, unknown}, parse_lock_state);
  expect_round_trip({DoorState::open, DoorState::closed, DoorState::ajar, DoorState::forced_open,
                     DoorState::jammed, DoorState::unknown},
                    parse_door_state);
  expect_round_trip({OperationSource::keypad, OperationSource::remote, OperationSource::manual,
                     OperationSource::auto_relock, OperationSource::button, OperationSource::schedule,
                     OperationSource::phone, OperationSource::rfid, OperationSource::unknown},
                    parse_operation_source);
  expect_round_trip(
      {Connectivity::online, Connectivity::suspect, Connectivity::offline, Connectivity::updating,
       Connectivity::asleep, Connectivity::unreachable, Connectivity::unknown},
      parse_connectivity);
  expect_round_trip({CommandOutcome::ok, CommandOutcome::replayed, CommandOutcome::low_battery},
                    parse_command_outcome);
  expect_round_trip(
      {ActionStatus::pending, ActionStatus::succeeded, ActionStatus::failed, ActionStatus::expired},
      parse_action_status);
}

TEST(Vocabulary, MatterWordsAreUsedOnTheWire) {
  EXPECT_EQ(to_string(OperationSource::auto_relock), "auto");
  EXPECT_EQ(to_string(LockState::not_fully_locked), "not_fully_locked");
  EXPECT_FALSE(parse_lock_state("Locked").has_value());
  EXPECT_FALSE(parse_transport("lora").has_value());
}

}  // namespace
}  // namespace lw::core
