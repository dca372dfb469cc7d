#include "protocol/code_codec.h"

#include <array>
#include <cstdio>

#include "protocol/json_reader.h"

namespace lw::protocol::detail {
namespace {

constexpr std::int64_t kMaxSealedChars = 128;

std::string hhmm(int minutes) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf.data();
}

/// "HH:MM" with HH 00..24 and MM 00..59 (24:00 only as an end); nullopt otherwise.
std::optional<int> parse_hhmm(const boost::json::value& v) {
  const boost::json::string* s = v.if_string();
  if (s == nullptr || s->size() != 5 || (*s)[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return (*s)[i] >= '0' && (*s)[i] <= '9' ? (*s)[i] - '0' : -1; };
  for (std::size_t i : {0U, 1U, 3U, 4U}) {
    if (digit(i) < 0) return std::nullopt;
  }
  const int h = digit(0) * 10 + digit(1);
  const int m = digit(3) * 10 + digit(4);
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

Error field_error(const std::string& path, std::string_view field, std::string_view why) {
  return invalid_argument(path + "." + std::string(field), why);
}

Result<std::string> sealed_text(const FieldReader& f, std::string_view name) {
  auto text = f.text(name, 1, kMaxSealedChars);
  if (!text) return f.fail(name, "must be base64 of a sealed box");
  return text;
}

}  // namespace

boost::json::object schedule_json(const core::CodeSchedule& s) {
  boost::json::object o;
  o.emplace("type", core::to_string(s.kind));
  switch (s.kind) {
    case core::CodeScheduleKind::always:
    case core::CodeScheduleKind::one_time: break;
    case core::CodeScheduleKind::date_range:
      o.emplace("from_ms", to_epoch_ms(s.from));
      o.emplace("to_ms", to_epoch_ms(s.to));
      break;
    case core::CodeScheduleKind::weekly: {
      boost::json::array days;
      for (int d = 0; d < 7; ++d) {
        if ((s.days >> static_cast<unsigned>(d) & 1U) != 0) days.emplace_back(core::weekday_name(d));
      }
      o.emplace("days", std::move(days));
      o.emplace("start", hhmm(s.start_min));
      o.emplace("end", hhmm(s.end_min));
      o.emplace("utc_offset_min", s.utc_offset_min);
      break;
    }
  }
  return o;
}

Result<core::CodeSchedule> decode_schedule(const boost::json::value& value, const std::string& path) {
  const boost::json::object* o = value.if_object();
  if (o == nullptr) return invalid_argument(path, "must be an object");
  const FieldReader f(*o, path);
  auto kind = f.required_enum<core::CodeScheduleKind>("type", core::parse_code_schedule_kind,
                                                      "always, date_range, weekly, one_time");
  if (!kind) return kind.error();
  core::CodeSchedule s;
  s.kind = *kind;
  if (s.kind == core::CodeScheduleKind::date_range) {
    auto from = f.time("from_ms");
    if (!from) return from.error();
    auto to = f.time("to_ms");
    if (!to) return to.error();
    s.from = *from;
    s.to = *to;
  } else if (s.kind == core::CodeScheduleKind::weekly) {
    const boost::json::value* days = o->if_contains("days");
    if (days == nullptr || days->is_null()) return field_error(path, "days", "missing");
    const boost::json::array* list = days->if_array();
    if (list == nullptr) return field_error(path, "days", "must be a list of day names mon..sun");
    for (const boost::json::value& d : *list) {
      const boost::json::string* name = d.if_string();
      auto day =
          name != nullptr ? core::parse_weekday(std::string_view(name->data(), name->size())) : std::nullopt;
      if (!day) return field_error(path, "days", "must be a list of day names mon..sun");
      s.days = static_cast<std::uint8_t>(s.days | (1U << static_cast<unsigned>(*day)));
    }
    for (auto [field, target] :
         {std::pair<std::string_view, int*>{"start", &s.start_min}, {"end", &s.end_min}}) {
      const boost::json::value* v = o->if_contains(field);
      if (v == nullptr || v->is_null()) return field_error(path, field, "missing");
      auto minutes = parse_hhmm(*v);
      if (!minutes) return field_error(path, field, "must be a time HH:MM");
      *target = *minutes;
    }
    auto offset = f.optional_integer("utc_offset_min", -840, 840);
    if (!offset) return offset.error();
    s.utc_offset_min = static_cast<int>(offset->value_or(0));
  }
  if (auto valid = core::validate(s, path); !valid) return valid.error();
  return s;
}

boost::json::object settings_json(const core::LockSettings& s) {
  boost::json::object o;
  if (s.wrong_code_entry_limit) o["wrong_code_entry_limit"] = *s.wrong_code_entry_limit;
  if (s.user_code_temporary_disable_s) o["user_code_temporary_disable_s"] = *s.user_code_temporary_disable_s;
  if (s.auto_relock_s) o["auto_relock_s"] = *s.auto_relock_s;
  if (s.sound_volume) o["sound_volume"] = core::to_string(*s.sound_volume);
  return o;
}

Result<core::LockSettings> decode_settings(const boost::json::value& value, const std::string& path) {
  const boost::json::object* o = value.if_object();
  if (o == nullptr) return invalid_argument(path, "must be an object");
  const FieldReader f(*o, path);
  core::LockSettings s;
  auto number = [&](std::string_view name, int lo, int hi, std::optional<int>& into) -> Result<void> {
    auto v = f.optional_integer(name, lo, hi);
    if (!v) return v.error();
    if (*v) into = static_cast<int>(**v);
    return ok();
  };
  if (auto r = number("wrong_code_entry_limit", 1, 255, s.wrong_code_entry_limit); !r) return r.error();
  if (auto r = number("user_code_temporary_disable_s", 1, 255, s.user_code_temporary_disable_s); !r) {
    return r.error();
  }
  if (auto r = number("auto_relock_s", 0, 65535, s.auto_relock_s); !r) return r.error();
  auto volume =
      f.optional_enum<core::SoundVolume>("sound_volume", core::parse_sound_volume, "silent, low, high");
  if (!volume) return volume.error();
  s.sound_volume = *volume;
  if (auto valid = core::validate(s, path); !valid) return valid.error();
  return s;
}

void add_code_fields(boost::json::object& body, const core::CodeCommand& c) {
  body["action"] = core::to_string(c.action);
  switch (c.action) {
    case core::CodeAction::set_code:
      body.emplace("slot", c.slot);
      body.emplace("user", c.user);
      body.emplace("pin_sealed", c.sealed);
      body.emplace("schedule", schedule_json(c.schedule));
      break;
    case core::CodeAction::clear_code: body.emplace("slot", c.slot); break;
    case core::CodeAction::read_codes: body.emplace("from_slot", c.slot); break;
    case core::CodeAction::set_code_key: body.emplace("key_sealed", c.sealed); break;
    case core::CodeAction::set_settings: body.emplace("settings", settings_json(c.settings)); break;
  }
}

Result<core::CodeCommand> decode_code_fields(const boost::json::object& body, core::CodeAction action) {
  const FieldReader f(body, "cmd.body");
  core::CodeCommand c;
  c.action = action;
  switch (action) {
    case core::CodeAction::set_code: {
      auto slot = f.integer("slot", 1, core::kMaxCodeSlots);
      if (!slot) return slot.error();
      c.slot = static_cast<int>(*slot);
      auto user = f.integer("user", 1, 65535);
      if (!user) return user.error();
      c.user = static_cast<std::uint16_t>(*user);
      auto sealed = sealed_text(f, "pin_sealed");
      if (!sealed) return sealed.error();
      c.sealed = std::move(*sealed);
      const boost::json::value* schedule = body.if_contains("schedule");
      if (schedule == nullptr || schedule->is_null()) return f.fail("schedule", "missing");
      auto s = decode_schedule(*schedule, "cmd.body.schedule");
      if (!s) return s.error();
      c.schedule = *s;
      break;
    }
    case core::CodeAction::clear_code: {
      auto slot = f.integer("slot", 1, core::kMaxCodeSlots);
      if (!slot) return slot.error();
      c.slot = static_cast<int>(*slot);
      break;
    }
    case core::CodeAction::read_codes: {
      auto from = f.optional_integer("from_slot", 1, core::kMaxCodeSlots);
      if (!from) return from.error();
      c.slot = static_cast<int>(from->value_or(1));
      break;
    }
    case core::CodeAction::set_code_key: {
      auto sealed = sealed_text(f, "key_sealed");
      if (!sealed) return sealed.error();
      c.sealed = std::move(*sealed);
      break;
    }
    case core::CodeAction::set_settings: {
      const boost::json::value* settings = body.if_contains("settings");
      if (settings == nullptr || settings->is_null()) return f.fail("settings", "missing");
      auto decoded = decode_settings(*settings, "cmd.body.settings");
      if (!decoded) return decoded.error();
      c.settings = *decoded;
      break;
    }
  }
  return c;
}

boost::json::object readback_json(const core::CodeReadback& r) {
  boost::json::object o;
  o.emplace("box_key", r.box_key);
  boost::json::array slots;
  for (const core::CodeSlotReport& s : r.slots) {
    boost::json::object e;
    e.emplace("slot", s.slot);
    e.emplace("user", s.user);
    e.emplace("schedule", schedule_json(s.schedule));
    if (s.digest) e.emplace("digest", *s.digest);
    if (s.consumed) e.emplace("consumed", true);
    slots.emplace_back(std::move(e));
  }
  o.emplace("slots", std::move(slots));
  if (r.next_slot) o.emplace("next_slot", *r.next_slot);
  if (r.settings) o.emplace("settings", settings_json(*r.settings));
  return o;
}

Result<core::CodeReadback> decode_readback(const boost::json::value& value) {
  const boost::json::object* o = value.if_object();
  if (o == nullptr) return invalid_argument("result.codes", "must be an object");
  const FieldReader f(*o, "result.codes");
  core::CodeReadback r;
  auto box = f.text("box_key", 1, 64);
  if (!box) return box.error();
  r.box_key = std::move(*box);
  const boost::json::value* slots = o->if_contains("slots");
  if (slots == nullptr || slots->is_null()) return f.fail("slots", "missing");
  const boost::json::array* list = slots->if_array();
  if (list == nullptr) return f.fail("slots", "must be a list");
  if (list->size() > static_cast<std::size_t>(core::kMaxCodeSlots))
    return f.fail("slots", "must hold at most 64 slots");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = "result.codes.slots[" + std::to_string(i) + "]";
    const boost::json::object* e = (*list)[i].if_object();
    if (e == nullptr) return invalid_argument(path, "must be an object");
    const FieldReader ef(*e, path);
    core::CodeSlotReport s;
    auto slot = ef.integer("slot", 1, core::kMaxCodeSlots);
    if (!slot) return slot.error();
    s.slot = static_cast<int>(*slot);
    auto user = ef.integer("user", 1, 65535);
    if (!user) return user.error();
    s.user = static_cast<std::uint16_t>(*user);
    const boost::json::value* schedule = e->if_contains("schedule");
    if (schedule == nullptr || schedule->is_null()) return ef.fail("schedule", "missing");
    auto sch = decode_schedule(*schedule, path + ".schedule");
    if (!sch) return sch.error();
    s.schedule = *sch;
    auto digest = ef.optional_text("digest", 1, 64);
    if (!digest) return digest.error();
    s.digest = std::move(*digest);
    const boost::json::value* consumed = e->if_contains("consumed");
    if (consumed != nullptr && !consumed->is_null()) {
      if (!consumed->is_bool()) return ef.fail("consumed", "must be true or false");
      s.consumed = consumed->get_bool();
    }
    r.slots.push_back(std::move(s));
  }
  auto next = f.optional_integer("next_slot", 1, core::kMaxCodeSlots);
  if (!next) return next.error();
  if (*next) r.next_slot = static_cast<int>(**next);
  if (const boost::json::value* settings = o->if_contains("settings");
      settings != nullptr && !settings->is_null()) {
    auto decoded = decode_settings(*settings, "result.codes.settings");
    if (!decoded) return decoded.error();
    r.settings = *decoded;
  }
  return r;
}

}  // namespace lw::protocol::detail
