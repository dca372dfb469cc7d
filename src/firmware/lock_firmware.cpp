#include "firmware/lock_firmware.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "base/ids.h"
#include "protocol/guest_grant.h"

namespace lw::firmware {
namespace {

Pairing make_pairing_or_abort(CommandVerifier& verifier, std::string_view code) {
  Result<Pairing> pairing = Pairing::create(verifier, code);
  if (!pairing) {
    std::fprintf(stderr, "LockFirmware: %s\n", pairing.error().to_string().c_str());
    std::abort();
  }
  return std::move(pairing).value();
}

const LockSetup& checked(const LockSetup& setup) {
  if (Result<void> valid = LockFirmware::validate(setup); !valid) {
    std::fprintf(stderr, "LockFirmware: invalid setup: %s\n", valid.error().to_string().c_str());
    std::abort();
  }
  return setup;
}

core::DeviceEvent make_event(core::DeviceEventKind kind, Timestamp now, core::OperationSource source,
                             const std::optional<std::string>& user) {
  core::DeviceEvent event;
  event.ts = now;
  event.kind = kind;
  event.source = source;
  event.user = user;
  return event;
}

core::DeviceEvent make_alarm(std::string alarm, Timestamp now, core::OperationSource source,
                             const std::optional<std::string>& user) {
  core::DeviceEvent event = make_event(core::DeviceEventKind::alarm, now, source, user);
  event.alarm = std::move(alarm);
  return event;
}

/// How long a guest challenge answers, and how many revoked grants the lock keeps.
constexpr Duration kGuestChallengeLife = std::chrono::seconds(60);
constexpr std::size_t kMaxRevokedGrants = 32;

}  // namespace

PowerThresholds LockFirmware::thresholds_for(int cells) {
  PowerThresholds t;
  t.low_mv = 1200 * cells;
  t.critical_mv = 1125 * cells;
  t.hysteresis_mv = 25 * cells;
  t.motor_cutoff_mv = 1075 * cells;
  t.brownout_mv = 750 * cells;
  t.pack_resistance_mohm = 150 * cells;
  return t;
}

Result<void> LockFirmware::validate(const LockSetup& setup) {
  if (Result<void> site = validate_id("address.site", setup.address.site); !site) return site;
  if (Result<void> lock = validate_id("address.lock", setup.address.lock); !lock) return lock;
  if (setup.firmware_version.empty() || setup.firmware_version.size() > UpdateSlots::kMaxVersionBytes) {
    return invalid_argument("firmware_version", "must be 1..31 bytes");
  }
  if (setup.firmware_counter < 0) return invalid_argument("firmware_counter", "must be >= 0");
  if (setup.cells < 1 || setup.cells > 16) return invalid_argument("cells", "must be 1..16");
  if (setup.heartbeat && *setup.heartbeat <= Duration::zero()) {
    return invalid_argument("heartbeat", "must be positive");
  }
  if (!setup.pairing_code.empty() && (setup.pairing_code.size() < Pairing::kMinCodeBytes ||
                                      setup.pairing_code.size() > Pairing::kMaxCodeBytes)) {
    return invalid_argument("pairing_code", "must be 6..32 characters");
  }
  if (setup.install_window <= Duration::zero()) return invalid_argument("install_window", "must be positive");
  return {};
}

LockFirmware::LockFirmware(const LockSetup& setup, PowerSource& power, core::Random& random, Timestamp now)
    : address_(checked(setup).address),
      name_(setup.name),
      heartbeat_override_(setup.heartbeat),
      cells_(setup.cells),
      radio_config_{setup.transport},
      source_(&power),
      random_(&random),
      verifier_(setup.address),
      thresholds_(thresholds_for(setup.cells)),
      power_(thresholds_, static_cast<int>(std::lround(power.voltage_mv(thresholds_.idle_current_ma))), now),
      bolt_(bolt_config_,
            setup.lock_state == core::LockState::locked ? BoltPhase::locked : BoltPhase::unlocked,
            setup.door_state, now),
      radio_(radio_config_, random),
      slots_(setup.vendor_key, setup.model, setup.firmware_version,
             static_cast<std::uint64_t>(setup.firmware_counter), setup.install_window),
      factory_keypad_(setup.keypad),
      credentials_(setup.keypad) {
  if (!setup.pairing_code.empty()) pairing_.emplace(make_pairing_or_abort(verifier_, setup.pairing_code));
  make_box_keys();
  verifier_.set_end_to_end_only(setup.end_to_end_only);
  radio_.start(now);
}

// --- keys and commands ---

Result<void> LockFirmware::enroll(std::string_view key_id, const protocol::PublicKey& key, bool hub_key) {
  if (Result<void> enrolled = verifier_.enroll(key_id, key, hub_key); !enrolled) return enrolled;
  for (const KeyIdSlot& slot : enrolled_) {
    if (slot.size > 0 && slot.view() == key_id) return {};
  }
  for (KeyIdSlot& slot : enrolled_) {
    if (slot.size == 0) {
      std::copy(key_id.begin(), key_id.end(), slot.id.begin());
      slot.size = key_id.size();
      return {};
    }
  }
  // The verifier has a slot for every key, so this table (the same size) has one too.
  return {};
}

LockCommandHandling LockFirmware::handle(std::string_view payload, Timestamp now) {
  LockCommandHandling out;
  if (!receiving(now)) return out;
  CommandVerifier::Verdict verdict = verifier_.verify(payload, now);
  if (verdict.command_id.empty()) {
    // Protocol 5.4: a payload without a readable command id gets no result.
    ++unanswerable_;
    return out;
  }
  core::CommandResult result;
  result.command_id = verdict.command_id;
  result.ts = now;
  result.outcome = verdict.outcome;
  result.lock_state = bolt_.reported_state();
  if (verdict.outcome != core::CommandOutcome::ok) {
    result.detail = std::move(verdict.detail);
    out.result = std::move(result);
    return out;
  }
  if (verdict.command->ping) {  // protocol 5.6: the answer is all that is asked
    out.result = std::move(result);
    return out;
  }
  if (verdict.command->code) {
    handle_code(*verdict.command->code, result);
    out.result = std::move(result);
    return out;
  }
  if (verdict.command->recalibrate) {  // protocol 5.7
    const bool was_locking = bolt_.reported_state() == core::LockState::not_fully_locked;
    if (!recalibrate(now)) {
      result.outcome = core::CommandOutcome::refused;
      result.detail = "cannot recalibrate now: the bolt is jammed or the door is not closed";
    } else if (was_locking) {
      // It was meant to be locked: with the end positions re-learnt it locks fully now.
      const RunResult run = run_bolt(core::LockAction::lock, true, core::OperationSource::remote,
                                     std::nullopt, now, out.events);
      if (run.run == Run::done) {
        core::DeviceEvent operation = make_event(core::DeviceEventKind::lock_operation, now,
                                                 core::OperationSource::remote, verdict.command->key_id);
        operation.operation = core::LockAction::lock;
        record(std::move(operation), out.events);
      }
    }
    result.lock_state = bolt_.reported_state();
    out.result = std::move(result);
    return out;
  }
  if (const auto& revoke = verdict.command->revoke_grant) {  // protocol 10.3
    if (auto kept = revoke_guest_grant(revoke->grant_id, revoke->not_after, now); !kept) {
      result.outcome = core::CommandOutcome::refused;
      result.detail = kept.error().message;
    }
    out.result = std::move(result);
    return out;
  }
  if (verdict.unpaired_key_id) {
    // Protocol 6.3: everyone is told a key lost its trust, and by whom.
    core::DeviceEvent removed =
        make_alarm("key_removed", now, core::OperationSource::remote, *verdict.unpaired_key_id);
    record(std::move(removed), out.events);
    out.result = std::move(result);
    return out;
  }
  const core::LockAction action = verdict.command->action;
  const RunResult run = run_bolt(action, true, core::OperationSource::remote, std::nullopt, now, out.events);
  switch (run.run) {
    case Run::done: {
      // The event names the key that signed the command (protocol 4.4, `user`).
      core::DeviceEvent operation = make_event(core::DeviceEventKind::lock_operation, now,
                                               core::OperationSource::remote, verdict.command->key_id);
      operation.operation = action;
      record(std::move(operation), out.events);
      break;
    }
    case Run::unsupported:
      result.outcome = core::CommandOutcome::unsupported;
      result.detail = "this lock has no latch to pull back; it can lock and unlock";
      break;
    case Run::door_open:
      result.outcome = core::CommandOutcome::unsupported;
      result.detail = "door is open";
      break;
    case Run::door_ajar:
      result.outcome = core::CommandOutcome::unsupported;
      result.detail = "door is ajar";
      break;
    case Run::low_battery:
      result.outcome = core::CommandOutcome::low_battery;
      result.detail = "battery would sag to " + std::to_string(run.motor.predicted_mv) +
                      " mV under the motor, below the cut-off of " +
                      std::to_string(thresholds_.motor_cutoff_mv) + " mV";
      break;
    case Run::motor_fault:
      result.outcome = core::CommandOutcome::jammed;
      result.detail = "motor fault: the motor did not run";
      break;
    case Run::jammed:
      result.outcome = core::CommandOutcome::jammed;
      result.detail = "the bolt did not reach its position";
      break;
    case Run::browned_out:
      // The controller reset at motor start; nothing answers this command.
      out.rebooted = true;
      return out;
  }
  result.lock_state = bolt_.reported_state();
  out.result = std::move(result);
  return out;
}

// --- people at the door ---

std::vector<core::DeviceEvent> LockFirmware::operate(core::LockAction action, core::OperationSource source,
                                                     std::optional<std::string> user, Timestamp now) {
  std::vector<core::DeviceEvent> out;
  const bool motor = source != core::OperationSource::manual;
  if (!powered_) {
    // The thumb-turn is mechanical: it moves the bolt without power, unrecorded.
    if (!motor && action != core::LockAction::unlatch) {
      if (bolt_.request(action, now) == BoltOutcome::started) {
        bolt_.tick(now + bolt_config_.travel);
        if (bolt_.motor_running()) bolt_.tick(now + bolt_config_.timeout);
      }
    }
    return out;
  }
  const RunResult run = run_bolt(action, motor, source, user, now, out);
  switch (run.run) {
    case Run::done: {
      core::DeviceEvent operation = make_event(core::DeviceEventKind::lock_operation, now, source, user);
      operation.operation = action;
      record(std::move(operation), out);
      break;
    }
    case Run::low_battery: record(make_alarm("low_battery", now, source, user), out); break;
    case Run::unsupported:
    case Run::door_open:
    case Run::door_ajar:
    case Run::motor_fault:  // alarm already queued
    case Run::jammed:       // alarm already queued
    case Run::browned_out: break;
  }
  return out;
}

std::vector<core::DeviceEvent> LockFirmware::enter_pin(std::string_view pin, core::LockAction action,
                                                       Timestamp now) {
  std::vector<core::DeviceEvent> out;
  if (!powered_) return out;
  const PinCheck check = credentials_.check_pin(pin, now);
  const auto keypad = core::OperationSource::keypad;
  // A wrong PIN is reported by its digest under the site's code key, so the
  // hub can see the same one tried at several doors without the digits.
  auto wrong = [&](std::string alarm) {
    core::DeviceEvent e = make_alarm(std::move(alarm), now, keypad, std::nullopt);
    if (code_key_) e.code_digest = protocol::wrong_code_digest(*code_key_, pin);
    record(std::move(e), out);
  };
  switch (check.outcome) {
    case PinOutcome::accepted: return operate(action, keypad, std::to_string(check.user), now);
    case PinOutcome::wrong_code: wrong("wrong_code"); break;
    case PinOutcome::lockout_started: wrong("wrong_code_limit"); break;
    case PinOutcome::keypad_disabled:
      record(make_alarm("keypad_disabled", now, keypad, std::nullopt), out);
      break;
    case PinOutcome::outside_schedule:
      record(make_alarm("outside_schedule", now, keypad, std::to_string(check.user)), out);
      break;
  }
  return out;
}

std::string LockFirmware::guest_challenge(Timestamp now) {
  guest_challenge_ = protocol::new_guest_challenge();
  guest_challenge_at_ = now;
  return *guest_challenge_;
}

LockFirmware::GuestAttempt LockFirmware::present_guest_key(std::string_view grant, std::string_view proof,
                                                           Timestamp now) {
  GuestAttempt attempt;
  if (!powered_) return attempt;
  const std::optional<std::string> challenge = std::exchange(guest_challenge_, std::nullopt);
  std::optional<std::string> who;
  auto refuse = [&](GuestOutcome outcome) {
    attempt.outcome = outcome;
    record(make_alarm("guest_key_refused", now, core::OperationSource::phone, who), attempt.events);
    return attempt;
  };
  auto envelope = protocol::open_envelope(grant);
  if (!envelope) return refuse(GuestOutcome::malformed);
  const auto issuer = verifier_.hub_key(envelope->key_id);
  if (!issuer) return refuse(GuestOutcome::unknown_issuer);
  if (!protocol::verify_signature(*envelope, *issuer)) return refuse(GuestOutcome::bad_signature);
  auto g = protocol::decode_grant_body(envelope->body);
  if (!g) return refuse(GuestOutcome::malformed);
  who = g->user;
  if (g->site != address_.site ||
      std::find(g->locks.begin(), g->locks.end(), address_.lock) == g->locks.end())
    return refuse(GuestOutcome::not_for_this_lock);
  if (now < g->not_before) return refuse(GuestOutcome::not_yet_valid);
  if (now >= g->not_after) return refuse(GuestOutcome::expired);
  if (std::any_of(revoked_grants_.begin(), revoked_grants_.end(),
                  [&](const RevokedGrant& r) { return r.id == g->id; }))
    return refuse(GuestOutcome::revoked);
  if (!challenge || now - guest_challenge_at_ > kGuestChallengeLife || now < guest_challenge_at_)
    return refuse(GuestOutcome::stale_challenge);
  auto sig = protocol::decode_signature(proof);
  if (!sig || !protocol::verify_detached(protocol::guest_proof_message(address_, *challenge, g->id), *sig,
                                         g->guest_key))
    return refuse(GuestOutcome::bad_proof);
  attempt.outcome = GuestOutcome::opened;
  attempt.events = operate(core::LockAction::unlock, core::OperationSource::phone, g->user, now);
  return attempt;
}

Result<void> LockFirmware::revoke_guest_grant(std::string_view grant_id, Timestamp not_after, Timestamp now) {
  std::erase_if(revoked_grants_, [&](const RevokedGrant& r) { return now >= r.not_after; });
  for (RevokedGrant& r : revoked_grants_) {
    if (r.id == grant_id) {
      r.not_after = std::max(r.not_after, not_after);
      return {};
    }
  }
  if (now >= not_after) return {};  // past its window: the grant opens nothing already
  if (revoked_grants_.size() == kMaxRevokedGrants) {
    return Error{ErrorCode::failed_precondition,
                 "the lock holds 32 revocations of grants still in their window: none can give way"};
  }
  revoked_grants_.push_back({std::string(grant_id), not_after});
  return {};
}

Result<void> LockFirmware::add_user(UserId user, Schedule schedule) {
  return credentials_.add_user(user, schedule);
}

Result<void> LockFirmware::add_pin(UserId user, std::string_view pin) {
  return credentials_.add_pin(user, pin);
}

Result<void> LockFirmware::add_phone_key(UserId user, const protocol::PublicKey& key) {
  return credentials_.add_phone_key(user, key);
}

Result<void> LockFirmware::set_code(int slot, UserId user, std::string_view pin,
                                    const core::CodeSchedule& schedule) {
  return credentials_.set_code(slot, user, pin, schedule);
}

Result<void> LockFirmware::clear_code(int slot) { return credentials_.clear_code(slot); }

Result<std::vector<core::DeviceEvent>> LockFirmware::program_code(int slot, UserId user, std::string_view pin,
                                                                  Timestamp now) {
  if (!powered_) return unavailable("the lock is powered off");
  if (auto r = credentials_.set_code(slot, user, pin, core::CodeSchedule::always()); !r) return r.error();
  std::vector<core::DeviceEvent> out;
  record(make_alarm("code_programmed", now, core::OperationSource::keypad, std::nullopt), out);
  return out;
}

core::LockSettings LockFirmware::settings() const {
  const KeypadPolicy& p = credentials_.policy();
  return core::LockSettings::keypad(
      p.wrong_code_entry_limit,
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::seconds>(p.user_code_temporary_disable_time).count()));
}

core::CodeReadback LockFirmware::read_codes(int from_slot, int limit) const {
  core::CodeReadback r;
  r.box_key = protocol::encode_box_key(box_keys_.public_key);
  r.settings = settings();
  for (int slot = std::max(from_slot, 1); slot <= static_cast<int>(CredentialStore::kMaxPins); ++slot) {
    auto held = credentials_.code_slot(slot);
    if (!held) continue;
    if (static_cast<int>(r.slots.size()) == limit) {
      r.next_slot = slot;
      break;
    }
    core::CodeSlotReport report;
    report.slot = slot;
    report.user = held->user;
    report.schedule = held->schedule;
    report.consumed = held->consumed;
    if (code_key_ && !held->consumed) report.digest = credentials_.slot_digest(slot, *code_key_);
    r.slots.push_back(std::move(report));
  }
  return r;
}

void LockFirmware::handle_code(const core::CodeCommand& code, core::CommandResult& result) {
  // What the lock answers after any code command: the slot it touched (or the
  // page asked for), so the hub checks its write against what the lock holds.
  auto answer = [&](int from, int limit) {
    result.codes = read_codes(from, limit);
    if (limit == 1 && !result.codes->slots.empty() && result.codes->slots.front().slot != from) {
      result.codes->slots.clear();
      result.codes->next_slot.reset();
    }
    if (limit <= 1) result.codes->next_slot.reset();
  };
  switch (code.action) {
    case core::CodeAction::set_code: {
      std::string pin;
      if (!protocol::open_sealed(code.sealed, box_keys_, pin)) {
        result.outcome = core::CommandOutcome::refused;
        result.detail = "pin_sealed: does not open with this lock's box key";
        break;
      }
      Result<void> set = credentials_.set_code(code.slot, code.user, pin, code.schedule);
      protocol::wipe(pin);
      if (!set) {
        result.outcome = core::CommandOutcome::refused;
        result.detail = set.error().message;
      }
      answer(code.slot, 1);
      return;
    }
    case core::CodeAction::clear_code:
      (void)credentials_.clear_code(code.slot);  // the slot was range-checked by the decoder
      answer(code.slot, 1);
      return;
    case core::CodeAction::read_codes: answer(code.slot, core::kSlotsPerReadback); return;
    case core::CodeAction::set_code_key: {
      std::string key;
      if (!protocol::open_sealed(code.sealed, box_keys_, key) || key.size() != protocol::kCodeKeyBytes) {
        protocol::wipe(key);
        result.outcome = core::CommandOutcome::refused;
        result.detail = "key_sealed: does not open with this lock's box key";
        break;
      }
      protocol::CodeKey installed;
      std::copy(key.begin(), key.end(), installed.bytes.begin());
      protocol::wipe(key);
      code_key_ = installed;
      answer(1, 0);
      return;
    }
    case core::CodeAction::set_settings: {
      // The decoder checked the ranges; this lock has the keypad's two settings only.
      const core::LockSettings& want = code.settings;
      if (want.auto_relock_s || want.sound_volume) {
        result.outcome = core::CommandOutcome::refused;
        result.detail = want.auto_relock_s ? "settings.auto_relock_s: this lock has no such setting"
                                           : "settings.sound_volume: this lock has no such setting";
        break;
      }
      const KeypadPolicy& now_policy = credentials_.policy();
      credentials_.set_policy({want.wrong_code_entry_limit.value_or(now_policy.wrong_code_entry_limit),
                               want.user_code_temporary_disable_s
                                   ? std::chrono::seconds(*want.user_code_temporary_disable_s)
                                   : now_policy.user_code_temporary_disable_time});
      answer(1, 0);
      return;
    }
  }
  answer(1, 0);
}

void LockFirmware::make_box_keys() {
  // The key comes from the random source a real lock has in hardware (here
  // the OS's), not from the simulation's seeded `random_`: drawing from that
  // would shift every later radio back-off and change what a scenario replays.
  std::array<unsigned char, 32> seed{};
  if (sodium_init() < 0) std::abort();
  randombytes_buf(seed.data(), seed.size());
  box_keys_ = protocol::box_key_pair_from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
}

void LockFirmware::press_pairing_button(Timestamp now) {
  if (!powered_ || !pairing_) return;
  pairing_->button_pressed(now);
  pairing_armed_ = true;
}

PairingOutcome LockFirmware::pair(std::string_view code, std::string_view key_id,
                                  const protocol::PublicKey& key, Timestamp now) {
  if (!in_pairing_mode(now)) return PairingOutcome::not_in_pairing_mode;
  return pairing_->present(code, key_id, key, now);
}

std::string LockFirmware::pairing_message(std::string_view payload, Timestamp now,
                                          std::vector<core::DeviceEvent>* events) {
  if (!receiving(now) || !pairing_) return {};
  Pairing::AirStep step = pairing_->receive(payload, address_, now);
  if (step.outcome == PairingOutcome::paired) {
    std::vector<core::DeviceEvent> scratch;
    record(make_alarm("key_added", now, core::OperationSource::button, step.key_id),
           events != nullptr ? *events : scratch);
  } else if (step.outcome == PairingOutcome::too_many_attempts) {
    std::vector<core::DeviceEvent> scratch;
    record(make_alarm("pairing_attempt_limit", now, core::OperationSource::button, std::nullopt),
           events != nullptr ? *events : scratch);
  }
  return std::move(step.reply);
}

bool LockFirmware::in_pairing_mode(Timestamp now) const {
  return powered_ && pairing_armed_ && pairing_ && pairing_->in_pairing_mode(now);
}

// --- physics and fault hooks ---

void LockFirmware::set_door(core::DoorState door, Timestamp now) { bolt_.set_door(door, now); }

void LockFirmware::set_binding(bool binding) {
  binding_ = binding;
  bolt_.set_binding(binding);
}

void LockFirmware::drift(double mm) { bolt_.drift(mm); }

bool LockFirmware::recalibrate(Timestamp now) { return powered_ && bolt_.recalibrate(now); }

// --- power ---

void LockFirmware::power_off(Timestamp /*now*/) {
  if (!powered_) return;
  powered_ = false;
  radio_.stop();
}

void LockFirmware::power_on(Timestamp now, core::BootReason reason) { boot(now, reason, false); }

LoadOutcome LockFirmware::radio_burst(Timestamp now) {
  if (!powered_) return LoadOutcome::survived;
  measure_idle(now);
  const LoadOutcome outcome = power_.observe_load(Load::radio_burst, volts_mv(kRadioLoadMa), now);
  if (outcome == LoadOutcome::browned_out) boot(now, core::BootReason::brown_out, true);
  return outcome;
}

void LockFirmware::boot(Timestamp now, core::BootReason reason, bool recorded) {
  powered_ = true;
  if (!recorded) power_.record_boot(reason, now);
  last_boot_result_ = slots_.boot(now);
  if (last_boot_result_ == BootResult::trial) {
    // The firmware came up and runs its main loop: the new image is healthy.
    (void)slots_.confirm();
  } else if (last_boot_result_ == BootResult::crashed) {
    // The new image died before confirming; the watchdog resets the
    // controller and the bootloader rolls back.
    power_.record_boot(core::BootReason::watchdog, now);
    last_boot_result_ = slots_.boot(now);
  }
  events_.rewind();  // the publish marks were in RAM
  radio_hung_ = false;
  pairing_armed_ = false;
  if (pairing_) pairing_->close_window();  // the window lived in RAM
  radio_.stop();
  radio_.start(now);
}

// --- firmware update ---

InstallOutcome LockFirmware::install(const FirmwareImage& image, Timestamp now) {
  if (!powered_) return InstallOutcome::refused_busy;
  const InstallOutcome outcome = slots_.install(image, now);
  if (outcome == InstallOutcome::refused_wrong_model || outcome == InstallOutcome::refused_stale_metadata ||
      outcome == InstallOutcome::refused_counter_jump) {
    // Authentic but not to be installed: someone serves the wrong, a frozen or a fast-forwarded feed.
    std::vector<core::DeviceEvent> scratch;
    record(make_alarm("stale_update_metadata", now, core::OperationSource::remote, std::nullopt), scratch);
  }
  return outcome;
}

void LockFirmware::announce_update(Timestamp now) {
  if (!powered_) return;
  core::DeviceEvent e;
  e.ts = now;
  e.kind = core::DeviceEventKind::alarm;
  e.alarm = "firmware_update";
  std::vector<core::DeviceEvent> scratch;
  record(std::move(e), scratch);
}

bool LockFirmware::updating(Timestamp now) const { return powered_ && slots_.installing(now); }

// --- radio ---

Duration LockFirmware::heartbeat(bool low_battery) const {
  if (heartbeat_override_) return *heartbeat_override_;
  return heartbeat_interval(radio_.transport(), low_battery);
}

Duration LockFirmware::heartbeat() const { return heartbeat(power_.level() != PowerLevel::normal); }

// --- snapshots ---

core::Telemetry LockFirmware::telemetry(Timestamp now, std::optional<int> rssi_dbm) {
  core::Telemetry t;
  t.ts = now;
  if (!powered_) return t;
  measure_idle(now);
  const int mv = volts_mv(kRadioLoadMa);
  const double per_cell = static_cast<double>(mv) / cells_;
  const double pct = (per_cell - kCellEmptyMv) * 100.0 / (kCellFullMv - kCellEmptyMv);
  t.battery_mv = mv;
  t.battery_pct = static_cast<int>(std::lround(std::clamp(pct, 0.0, 100.0)));
  t.rssi_dbm = rssi_dbm;
  t.motor_mv = last_motor_mv_;
  t.firmware = std::string(slots_.active_version());
  t.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(uptime(now)).count();
  t.reboot_count = power_.reboot_count();
  t.boot_reason = power_.boot_reason();
  t.heartbeat = heartbeat();
  t.name = name_;
  t.transport = radio_.transport();
  return t;
}

core::StateReport LockFirmware::state(Timestamp now) const {
  core::StateReport s;
  s.ts = now;
  s.lock_state = bolt_.reported_state();
  s.door_state = bolt_.door();
  return s;
}

// --- outbox ---

const core::DeviceEvent* LockFirmware::next_unsent(Timestamp now) const {
  if (!receiving(now)) return nullptr;
  return events_.next_unsent();
}

bool LockFirmware::mark_sent(std::uint64_t seq) { return powered_ && events_.mark_sent(seq); }

bool LockFirmware::ack(std::uint64_t seq) { return powered_ && events_.ack(seq); }

void LockFirmware::factory_reset(Timestamp now) {
  if (!powered_) return;
  credentials_.factory_reset();
  credentials_.set_policy(factory_keypad_);
  code_key_.reset();
  make_box_keys();
  if (pairing_) pairing_->factory_reset();
  for (KeyIdSlot& slot : enrolled_) {
    if (slot.size > 0) verifier_.unenroll(slot.view());
    slot = KeyIdSlot{};
  }
  events_.factory_reset();
  bolt_.reset_calibration();
  radio_ = RadioLink(radio_config_, *random_);  // forgets Wi-Fi credentials and the pinned BSSID
  unanswerable_ = 0;
  boot(now, core::BootReason::factory_reset, false);
}

// --- private ---

int LockFirmware::volts_mv(double load_ma) const {
  return static_cast<int>(std::lround(source_->voltage_mv(load_ma)));
}

int LockFirmware::measure_idle(Timestamp now) {
  const int mv = volts_mv(thresholds_.idle_current_ma);
  power_.update(mv, now);
  return mv;
}

int LockFirmware::motor_draw_ma() const {
  return binding_ ? bolt_config_.stall_current_ma : bolt_config_.running_current_ma;
}

void LockFirmware::record(core::DeviceEvent event, std::vector<core::DeviceEvent>& out) {
  event.seq = events_.push(event);
  out.push_back(std::move(event));
}

LockFirmware::RunResult LockFirmware::run_bolt(core::LockAction action, bool motor,
                                               core::OperationSource source,
                                               const std::optional<std::string>& user, Timestamp now,
                                               std::vector<core::DeviceEvent>& out) {
  RunResult result;
  if (action == core::LockAction::unlatch) return {Run::unsupported, {}};
  if (action == core::LockAction::lock) {
    // The Bolt refuses these too; checked first so no power is spent on them.
    const core::DoorState door = bolt_.door();
    if (door == core::DoorState::open || door == core::DoorState::forced_open) return {Run::door_open, {}};
    if (door == core::DoorState::ajar) return {Run::door_ajar, {}};
  }
  if (motor) {
    const int idle_mv = measure_idle(now);
    result.motor = power_.check_motor_run(idle_mv, bolt_config_.running_current_ma);
    if (result.motor.permit == MotorPermit::refused_low_battery) {
      result.run = Run::low_battery;
      return result;
    }
    if (motor_failed_) {
      record(make_alarm("motor_fault", now, source, user), out);
      result.run = Run::motor_fault;
      return result;
    }
    // Inrush: the sag at motor start decides whether the controller survives.
    // A starting motor draws its stall current until it turns.
    const int start_mv = volts_mv(bolt_config_.stall_current_ma);
    last_motor_mv_ = start_mv;
    if (power_.observe_load(Load::motor, start_mv, now) == LoadOutcome::browned_out) {
      boot(now, core::BootReason::brown_out, true);
      result.run = Run::browned_out;
      return result;
    }
  }
  switch (bolt_.request(action, now)) {
    case BoltOutcome::started: break;
    case BoltOutcome::refused_door_open: result.run = Run::door_open; return result;
    case BoltOutcome::refused_door_ajar: result.run = Run::door_ajar; return result;
    case BoltOutcome::refused_busy:  // runs complete synchronously, so never busy
    case BoltOutcome::refused_unsupported: result.run = Run::unsupported; return result;
  }
  BoltChange change = bolt_.tick(now + bolt_config_.travel);
  if (bolt_.motor_running()) change = bolt_.tick(now + bolt_config_.timeout);
  if (change == BoltChange::jammed || bolt_.phase() == BoltPhase::jammed) {
    record(make_alarm("jammed", now, source, user), out);
    result.run = Run::jammed;
    return result;
  }
  result.run = Run::done;
  return result;
}

}  // namespace lw::firmware
