#include "adapters/http/event_stream.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "adapters/http/api_json.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

constexpr std::string_view kKeepAlive = ": keep-alive\n\n";

/// Whole days left of a forecast, as the lock JSON's days_left shows them.
std::optional<std::int64_t> whole_days(const core::BatteryForecast& f) {
  if (!f.days_left) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(*f.days_left));
}

}  // namespace

struct EventStream::CaseMark {
  std::uint64_t id{0};
  std::vector<core::Cause> ranking;  // most likely first
  std::optional<core::Step> next_step;
  std::size_t history{0};
  bool operator==(const CaseMark&) const = default;
};

EventStream::EventStream(core::EventSink& inner, Options options)
    : inner_(inner), options_(std::move(options)) {}

EventStream::~EventStream() = default;

void EventStream::attach(const core::Hub& hub) { hub_ = &hub; }

std::string EventStream::frame(std::uint64_t id, std::string_view event, const json::value& data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: ";
  out += event;
  out += "\ndata: ";
  out += json::serialize(data);  // compact, and escapes every line break
  out += "\n\n";
  return out;
}

void EventStream::lock_changed(const core::LockRecord& lock) {
  inner_.lock_changed(lock);
  if (hub_ != nullptr) send_lock(lock);
}

void EventStream::send_lock(const core::LockRecord& lock) {
  mark_battery(lock);
  std::string summary = json::serialize(case_summary_json(hub_->doctor().case_of(lock.id)));
  if (summary == "null") {
    summaries_.erase(lock.id);
  } else {
    summaries_[lock.id] = std::move(summary);
  }
  if (!clients_.empty())
    broadcast("lock", lock_json(*hub_, lock), core::access::Permission::view, &lock.site);
}

void EventStream::event_recorded(const core::EventRecord& event) {
  inner_.event_recorded(event);
  if (clients_.empty()) return;
  const SiteId site = site_of(event.lock);
  broadcast("event", to_json(event), core::access::Permission::read_activity, &site);
}

void EventStream::action_changed(const core::Action& action) {
  inner_.action_changed(action);
  if (!clients_.empty()) {
    broadcast("action", json::object{{"action", to_json(action)}}, core::access::Permission::read_activity,
              &action.site);
  }
}

void EventStream::health_noticed(const core::HealthNotice& notice) { inner_.health_noticed(notice); }

void EventStream::add_client(std::shared_ptr<StreamSink> client, Filter filter) {
  json::object hello{{"hub", options_.hub_id}, {"time_ms", nullptr}};
  if (hub_ != nullptr) hello["time_ms"] = to_epoch_ms(hub_->now());
  if (!client->write(frame(next_id_++, "hello", hello))) return;
  clients_.push_back({std::move(client), std::move(filter)});
}

SiteId EventStream::site_of(const LockId& id) const {
  const core::LockRecord* lock = hub_ != nullptr ? hub_->find_lock(id) : nullptr;
  return lock != nullptr ? lock->site : SiteId{};
}

void EventStream::tick() {
  if (hub_ == nullptr) return;
  const Timestamp now = hub_->now();
  check_battery_days(now);
  check_case_summaries();
  check_cases();
  if (!last_keep_alive_ || now < *last_keep_alive_) last_keep_alive_ = now;
  if (now - *last_keep_alive_ >= options_.keep_alive) {
    last_keep_alive_ = now;
    std::erase_if(clients_, [](const Client& c) { return !c.sink->write(std::string(kKeepAlive)); });
  }
}

void EventStream::mark_battery(const core::LockRecord& lock) {
  const Timestamp now = hub_->now();
  const core::BatteryForecast f = hub_->health_monitor().forecast(lock.id, now);
  LockMark& mark = locks_[lock.id];
  mark.battery_days = whole_days(f);
  // The next instant the whole days drop: days_left passes below battery_days.
  std::optional<Timestamp> due;
  if (f.dies_at && mark.battery_days && *mark.battery_days > 0) {
    due = *f.dies_at - std::chrono::duration_cast<Duration>(std::chrono::days(*mark.battery_days)) + 1ms;
    if (*due <= now) due = now + 1s;
  }
  if (due == mark.due) return;
  mark.due = due;
  ++mark.generation;
  if (due) battery_due_.push({*due, lock.id, mark.generation});
}

void EventStream::check_battery_days(Timestamp now) {
  while (!battery_due_.empty() && battery_due_.top().at <= now) {
    const BatteryDue due = battery_due_.top();
    battery_due_.pop();
    auto mark = locks_.find(due.lock);
    if (mark == locks_.end() || mark->second.generation != due.generation) continue;  // rescheduled since
    mark->second.due.reset();
    const core::LockRecord* lock = hub_->find_lock(due.lock);
    if (lock == nullptr) continue;
    const auto before = mark->second.battery_days;
    if (whole_days(hub_->health_monitor().forecast(due.lock, now)) != before) {
      send_lock(*lock);  // marks it again
      if (view_changed_) view_changed_(*lock);
    } else {
      mark_battery(*lock);
    }
  }
}

void EventStream::check_case_summaries() {
  // A lock's summary is that of the first open case (by id) holding it, as Hub::doctor().case_of().
  std::map<LockId, std::string> current;
  const std::vector<const core::Case*> newest_first = hub_->doctor().open_cases();
  const std::vector<const core::Case*> oldest_first(newest_first.rbegin(), newest_first.rend());
  for (const core::Case* c : oldest_first) {
    std::string summary;
    for (const LockId& member : c->members) {
      if (current.contains(member)) continue;
      if (summary.empty()) summary = json::serialize(case_summary_json(c));
      current.emplace(member, summary);
    }
  }
  std::erase_if(current, [](const auto& entry) { return entry.second == "null"; });
  if (current == summaries_) return;
  std::vector<LockId> changed;
  for (const auto& [lock, summary] : current) {
    auto was = summaries_.find(lock);
    if (was == summaries_.end() || was->second != summary) changed.push_back(lock);
  }
  for (const auto& [lock, summary] : summaries_) {
    if (!current.contains(lock)) changed.push_back(lock);
  }
  summaries_ = std::move(current);
  for (const LockId& id : changed) {
    const core::LockRecord* lock = hub_->find_lock(id);
    if (lock == nullptr) continue;
    send_lock(*lock);
    if (view_changed_) view_changed_(*lock);
  }
}

void EventStream::check_cases() {
  std::vector<CaseMark> current;
  for (const core::Case* c : hub_->doctor().open_cases()) {
    CaseMark mark;
    mark.id = c->id;
    for (const core::Hypothesis& h : c->hypotheses) mark.ranking.push_back(h.cause);
    if (!c->plan.steps.empty()) mark.next_step = c->plan.steps.front().step;
    mark.history = c->history.size();
    current.push_back(std::move(mark));
  }
  if (current == cases_) return;
  cases_ = std::move(current);
  if (clients_.empty()) return;
  // Each client hears of the cases of its sites only.
  std::vector<SiteId> sites;
  for (const CaseMark& c : cases_) {
    const core::Case* found = hub_->doctor().find(c.id);
    sites.push_back(found != nullptr ? site_of(found->lock) : SiteId{});
  }
  const std::uint64_t id = next_id_++;
  std::erase_if(clients_, [&](const Client& client) {
    json::array ids;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      if (!client.filter || client.filter(core::access::Permission::read_activity, sites[i])) {
        ids.emplace_back(cases_[i].id);
      }
    }
    const std::size_t open = ids.size();
    return !client.sink->write(frame(id, "cases", json::object{{"open", open}, {"ids", std::move(ids)}}));
  });
}

void EventStream::broadcast(std::string_view event, const json::value& data,
                            core::access::Permission permission, const SiteId* site) {
  if (clients_.empty()) return;
  const std::string text = frame(next_id_++, event, data);
  std::erase_if(clients_, [&](const Client& c) {
    if (site != nullptr && c.filter && !c.filter(permission, *site)) return false;
    return !c.sink->write(text);
  });
}

void add_event_stream_route(Router& router, EventStream& stream) {
  router.get("/api/v1/stream", [&stream](const Request& request) {
    Response r;
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-cache");
    // Reverse proxies (nginx) would otherwise hold the frames back.
    r.headers.emplace_back("X-Accel-Buffering", "no");
    EventStream::Filter filter;
    if (request.caller) {
      filter = [caller = request.caller](core::access::Permission permission, const SiteId& site) {
        return core::access::allowed(caller.get(), permission, site);
      };
    }
    r.stream = [&stream, filter = std::move(filter)](std::shared_ptr<StreamSink> sink) {
      stream.add_client(std::move(sink), filter);
    };
    return r;
  });
}

}  // namespace lw::adapters::http
