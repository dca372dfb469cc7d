#include "core/webhook/webhook_mapper.h"

#include <utility>

namespace lw::core {
namespace {

/// The event a connectivity state is told as; nullopt for those not told.
std::optional<WebhookEventType> connectivity_event(Connectivity c) {
  switch (c) {
    case Connectivity::online: return WebhookEventType::lock_online;
    case Connectivity::offline: return WebhookEventType::lock_offline;
    case Connectivity::unreachable:
    case Connectivity::updating:
    case Connectivity::asleep: return WebhookEventType::connectivity_changed;
    case Connectivity::suspect:
    case Connectivity::unknown: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<WebhookEventType> state_event(LockState s) {
  switch (s) {
    case LockState::locked: return WebhookEventType::lock_locked;
    case LockState::unlocked: return WebhookEventType::lock_unlocked;
    case LockState::jammed: return WebhookEventType::lock_jammed;
    default: return std::nullopt;
  }
}

/// Forecast horizons at or below this are told as battery.low too.
constexpr int kLowBatteryDays = 7;

}  // namespace

WebhookMapper::WebhookMapper(const Clock& clock) : clock_(clock) {}

void WebhookMapper::seed(const std::vector<LockRecord>& locks, const LivenessEngine& liveness,
                         const LockDoctor& doctor) {
  for (const LockRecord& l : locks) {
    KnownLock& k = locks_[l.id];
    k.site = l.site;
    k.name = l.name;
    if (connectivity_event(l.connectivity)) k.told = l.connectivity;
    k.state = l.lock_state;
  }
  review(liveness, doctor);
  out_.clear();
}

WebhookEvent& WebhookMapper::about(WebhookEventType type, Timestamp at, const LockId& lock) {
  WebhookEvent& e = out_.emplace_back();
  e.type = type;
  e.time = at;
  e.set("lock", lock);
  if (auto it = locks_.find(lock); it != locks_.end()) {
    e.set("site", it->second.site).set("name", it->second.name);
  } else {
    e.set_null("site").set_null("name");
  }
  return e;
}

void WebhookMapper::lock_changed(const LockRecord& lock) {
  auto [it, fresh] = locks_.try_emplace(lock.id);
  KnownLock& k = it->second;
  k.site = lock.site;
  k.name = lock.name;

  if (auto type = connectivity_event(lock.connectivity); type && lock.connectivity != k.told) {
    const Connectivity previous = k.told;
    k.told = lock.connectivity;
    about(*type, lock.connectivity_since.value_or(clock_.now()), lock.id)
        .set("connectivity", to_string(lock.connectivity))
        .set("previous", to_string(previous))
        .set("transport", to_string(lock.transport));
  }

  if (lock.lock_state != k.state) {
    const LockState previous = k.state;
    k.state = lock.lock_state;
    auto type = state_event(lock.lock_state);
    // The first state the hub learns is not a change, except a jam.
    const bool learnt = previous == LockState::unknown && lock.lock_state != LockState::jammed;
    if (type && !learnt) {
      about(*type, clock_.now(), lock.id)
          .set("lock_state", to_string(lock.lock_state))
          .set("previous", to_string(previous))
          .set("door_state", to_string(lock.door_state));
    }
  }
}

void WebhookMapper::action_changed(const Action& action) {
  if (action.status != ActionStatus::failed && action.status != ActionStatus::expired) return;
  const Timestamp at = action.completed_at.value_or(clock_.now());
  about(WebhookEventType::action_failed, at, action.lock)
      .set("action", action.id)
      .set("operation", to_string(action.action))
      .set("status", to_string(action.status))
      .set("reason", action.reason)
      .set("detail", action.detail)
      .set("created_at_ms", action.created_at)
      .set("completed_at_ms", at);
}

void WebhookMapper::health_noticed(const HealthNotice& notice) {
  switch (notice.kind) {
    case HealthNotice::Kind::battery_forecast:
      about(WebhookEventType::battery_forecast, notice.at, notice.lock)
          .set("within_days", notice.days)
          .set("message", notice.words);
      if (notice.days <= kLowBatteryDays) {
        about(WebhookEventType::battery_low, notice.at, notice.lock)
            .set("reason", "forecast")
            .set("within_days", notice.days)
            .set("message", notice.words);
      }
      return;
    case HealthNotice::Kind::low_battery_dropouts:
      about(WebhookEventType::battery_low, notice.at, notice.lock)
          .set("reason", "dropouts")
          .set_null("within_days")
          .set("message", notice.words);
      return;
    case HealthNotice::Kind::drain_jump:
    case HealthNotice::Kind::weak_link:
    case HealthNotice::Kind::degrading_link:
    case HealthNotice::Kind::recurring_loss: return;
  }
}

void WebhookMapper::review(const LivenessEngine& liveness, const LockDoctor& doctor) {
  review_incidents(liveness);
  review_cases(doctor);
}

void WebhookMapper::review_incidents(const LivenessEngine& liveness) {
  std::map<std::uint64_t, KnownIncident> open;
  for (const Incident* inc : liveness.open_incidents()) {
    KnownIncident k{inc->scope, inc->subject, inc->site, inc->opened_at, inc->members};
    if (!incidents_.contains(inc->id)) {
      WebhookEvent& e = out_.emplace_back();
      e.type = WebhookEventType::incident_opened;
      e.time = inc->opened_at;
      e.set("incident", inc->id)
          .set("scope", to_string(inc->scope))
          .set("subject", inc->subject)
          .set("site", inc->site)
          .set("locks", inc->members)
          .set("opened_at_ms", inc->opened_at);
    }
    open.emplace(inc->id, std::move(k));
  }
  for (auto& [id, known] : incidents_) {
    if (open.contains(id)) continue;
    const Incident* inc = liveness.incident(id);
    const Timestamp closed = inc != nullptr && inc->closed_at ? *inc->closed_at : clock_.now();
    WebhookEvent& e = out_.emplace_back();
    e.type = WebhookEventType::incident_resolved;
    e.time = closed;
    e.set("incident", id)
        .set("scope", to_string(known.scope))
        .set("subject", known.subject)
        .set("site", known.site)
        .set("locks", inc != nullptr ? inc->members : known.members)
        .set("opened_at_ms", known.opened_at)
        .set("closed_at_ms", closed);
  }
  incidents_ = std::move(open);
}

void WebhookMapper::review_cases(const LockDoctor& doctor) {
  std::map<std::uint64_t, KnownCase> open;
  // open_cases() is newest first; tell them oldest first.
  const std::vector<const Case*> newest_first = doctor.open_cases();
  const std::vector<const Case*> oldest_first(newest_first.rbegin(), newest_first.rend());
  for (const Case* open_case : oldest_first) {
    const Case& c = *open_case;
    if (!cases_.contains(c.id)) {
      WebhookEvent& e = about(WebhookEventType::case_opened, c.opened_at, c.lock);
      e.set("case", c.id).set("locks", c.members);
      if (c.incident) {
        e.set("incident", *c.incident);
      } else {
        e.set_null("incident");
      }
      if (c.hypotheses.empty()) {
        e.set_null("likely_cause").set_null("p");
      } else {
        e.set("likely_cause", to_string(c.hypotheses.front().cause)).set("p", c.hypotheses.front().p);
      }
      if (c.plan.steps.empty()) {
        e.set_null("next_step");
      } else {
        e.set("next_step", to_string(c.plan.steps.front().step));
      }
      e.set("opened_at_ms", c.opened_at);
    }
    open.emplace(c.id, KnownCase{c.lock, c.members, c.opened_at});
  }
  for (auto& [id, known] : cases_) {
    if (open.contains(id)) continue;
    const Case* c = doctor.find(id);
    const Timestamp closed = c != nullptr && c->closed_at ? *c->closed_at : clock_.now();
    WebhookEvent& e = about(WebhookEventType::case_resolved, closed, known.lock);
    e.set("case", id).set("locks", c != nullptr ? c->members : known.members);
    if (c != nullptr && c->fixed_by) {
      e.set("fixed_by", to_string(*c->fixed_by));
    } else {
      e.set_null("fixed_by");
    }
    if (c != nullptr && c->confirmed) {
      e.set("confirmed_cause", to_string(*c->confirmed));
    } else {
      e.set_null("confirmed_cause");
    }
    e.set("opened_at_ms", known.opened_at).set("closed_at_ms", closed);
  }
  cases_ = std::move(open);
}

std::vector<WebhookEvent> WebhookMapper::take() { return std::exchange(out_, {}); }

}  // namespace lw::core
