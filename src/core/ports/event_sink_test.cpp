#include "core/ports/event_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lw::core {
namespace {

class Recorder final : public EventSink {
 public:
  Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  void lock_changed(const LockRecord& lock) override { log_.push_back(name_ + " lock " + lock.id); }
  void event_recorded(const EventRecord& event) override { log_.push_back(name_ + " event " + event.lock); }
  void action_changed(const Action& action) override { log_.push_back(name_ + " action " + action.id); }

 private:
  std::string name_;
  std::vector<std::string>& log_;
};

TEST(FanOutEventSink, EveryListenerHearsEveryNotificationInTheOrderAdded) {
  std::vector<std::string> log;
  Recorder first("first", log);
  Recorder second("second", log);
  FanOutEventSink fan;
  fan.add(first);
  fan.add(second);
  LockRecord lock;
  lock.id = "front";
  EventRecord event;
  event.lock = "back";
  Action action;
  action.id = "a1";
  fan.lock_changed(lock);
  fan.event_recorded(event);
  fan.action_changed(action);
  EXPECT_EQ(log, (std::vector<std::string>{"first lock front", "second lock front", "first event back",
                                           "second event back", "first action a1", "second action a1"}));
}

}  // namespace
}  // namespace lw::core
