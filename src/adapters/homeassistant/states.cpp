#include "adapters/homeassistant/states.h"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace lw::adapters::homeassistant {
namespace {

namespace json = boost::json;

constexpr std::string_view kNone = "None";
constexpr std::size_t kMaxStateChars = 255;  // Home Assistant rejects longer states

json::value iso_or_null(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return json::string(iso8601(*t));
}

std::string number_or_none(const std::optional<int>& v) {
  return v ? std::to_string(*v) : std::string(kNone);
}

std::string_view door_payload(core::DoorState d) noexcept {
  switch (d) {
    case core::DoorState::open:
    case core::DoorState::ajar:
    case core::DoorState::forced_open: return "ON";
    case core::DoorState::closed: return "OFF";
    case core::DoorState::jammed:
    case core::DoorState::unknown: return kNone;
  }
  return kNone;
}

std::string diagnosis_words(const std::optional<CaseSummary>& c) {
  if (!c) return "ok";
  std::string words(core::info(c->likely_cause).what);
  if (words.size() > kMaxStateChars) words.resize(kMaxStateChars);
  return words;
}

json::object diagnosis_attributes(const std::optional<CaseSummary>& c) {
  if (!c) return {};
  json::object a{{"case_id", c->id},
                 {"likely_cause", core::to_string(c->likely_cause)},
                 {"probability_pct", static_cast<int>(std::lround(c->p * 100))},
                 {"next_step", nullptr},
                 {"next_step_instructions", nullptr}};
  if (c->next_step) {
    a["next_step"] = core::to_string(*c->next_step);
    a["next_step_instructions"] = c->next_step_instructions;
  }
  return a;
}

json::object forecast_attributes(const core::BatteryForecast& f) {
  json::value days = nullptr;
  if (f.days_left) days = static_cast<std::int64_t>(std::floor(*f.days_left));
  return json::object{{"days_left", days},
                      {"earliest", iso_or_null(f.earliest)},
                      {"latest", iso_or_null(f.latest)},
                      {"method", core::to_string(f.method)},
                      {"basis", f.basis}};
}

}  // namespace

std::optional<CaseSummary> summarize(const core::Case* in_case) {
  if (in_case == nullptr || in_case->hypotheses.empty()) return std::nullopt;
  CaseSummary s;
  s.id = in_case->id;
  s.likely_cause = in_case->hypotheses.front().cause;
  s.p = in_case->hypotheses.front().p;
  if (!in_case->plan.steps.empty()) {
    s.next_step = in_case->plan.steps.front().step;
    s.next_step_instructions = std::string(in_case->plan.steps.front().instructions);
  }
  return s;
}

std::string_view lock_state_payload(core::LockState state,
                                    std::optional<core::LockAction> in_flight) noexcept {
  if (in_flight) {
    switch (*in_flight) {
      case core::LockAction::lock: return "LOCKING";
      case core::LockAction::unlock: return "UNLOCKING";
      case core::LockAction::unlatch: return "OPENING";
    }
  }
  switch (state) {
    case core::LockState::locked: return "LOCKED";
    case core::LockState::unlocked: return "UNLOCKED";
    // Home Assistant's Matter lock shows NotFullyLocked as jammed: the bolt is not where it should be.
    case core::LockState::not_fully_locked:
    case core::LockState::jammed: return "JAMMED";
    case core::LockState::unlatched: return "OPEN";
    case core::LockState::unknown: return kNone;
  }
  return kNone;
}

bool available(core::Connectivity connectivity) noexcept {
  return !core::is_down(connectivity) && connectivity != core::Connectivity::unknown;
}

std::string iso8601(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d+00:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf.data();
}

std::vector<Message> state_messages(const Topics& topics, const LockView& view) {
  const core::LockRecord& lock = view.lock;
  const LockId& id = lock.id;
  std::vector<Message> out;
  auto state = [&](Entity e, std::string payload) {
    out.push_back({topics.state(id, info(e).object), std::move(payload), true});
  };
  auto attributes = [&](Entity e, const json::object& a) {
    out.push_back({topics.attributes(id, info(e).object), json::serialize(a), true});
  };

  out.push_back({topics.availability(id), available(lock.connectivity) ? "online" : "offline", true});

  state(Entity::lock, std::string(lock_state_payload(lock.lock_state, view.in_flight)));
  attributes(Entity::lock, json::object{{"lock_state", core::to_string(lock.lock_state)},
                                        {"door_state", core::to_string(lock.door_state)}});

  state(Entity::battery, number_or_none(lock.battery_pct));

  // To the hour: the forecast is a day, and a finer value would change with every report.
  std::optional<Timestamp> dies_at;
  if (view.battery.dies_at) dies_at = std::chrono::floor<std::chrono::hours>(*view.battery.dies_at);
  state(Entity::battery_forecast, dies_at ? iso8601(*dies_at) : std::string(kNone));
  attributes(Entity::battery_forecast, forecast_attributes(view.battery));

  state(Entity::signal, number_or_none(lock.rssi_dbm));

  state(Entity::connectivity, available(lock.connectivity) ? "ON" : "OFF");
  attributes(Entity::connectivity, json::object{{"connectivity", core::to_string(lock.connectivity)},
                                                {"since", iso_or_null(lock.connectivity_since)}});

  state(Entity::diagnosis, diagnosis_words(view.diagnosis));
  attributes(Entity::diagnosis, diagnosis_attributes(view.diagnosis));

  state(Entity::door, std::string(door_payload(lock.door_state)));
  return out;
}

}  // namespace lw::adapters::homeassistant
