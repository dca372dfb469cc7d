// Internal to src/protocol: reading validated fields out of a JSON payload with
// the error wording of docs/protocol.md ("telemetry.battery_pct: must be an
// integer 0..100"). Not part of the layer's public API; it exposes Boost.JSON.
//
// Error messages never echo a payload value, so they form a bounded set that
// can be counted and logged.
//
// Threading: a ParsedPayload or FieldReader is used by one thread at a time.
#pragma once

#include <array>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace lw::protocol::detail {

inline constexpr std::size_t kMaxPayloadBytes = 4096;
inline constexpr std::size_t kMaxDepth = 8;
/// The largest time on the wire: 9999-12-31T23:59:59.999Z, in ms since the epoch.
inline constexpr std::int64_t kMaxEpochMs = 253'402'300'799'999;

/// The names of each vocabulary, for "must be one of ..." errors. They match
/// the to_string names of core/lock/vocabulary.h and core/lock/messages.h.
inline constexpr std::string_view kLockStateNames =
    "locked, unlocked, not_fully_locked, unlatched, jammed, unknown";
inline constexpr std::string_view kDoorStateNames = "open, closed, ajar, forced_open, jammed, unknown";
inline constexpr std::string_view kSourceNames =
    "keypad, remote, manual, auto, button, schedule, phone, rfid, unknown";
inline constexpr std::string_view kBootReasonNames =
    "power_on, brown_out, watchdog, software_reset, firmware_update, factory_reset, unknown";
inline constexpr std::string_view kTransportNames = "wifi, ble_bridge, zigbee, zwave, thread";
inline constexpr std::string_view kActionNames = "lock, unlock, unlatch";
inline constexpr std::string_view kCommandActionNames =
    "lock, unlock, unlatch, set_code, clear_code, read_codes, set_code_key, set_settings, ping, recalibrate, "
    "revoke_grant";
inline constexpr std::string_view kOutcomeNames =
    "ok, malformed, unknown_key, bad_signature, wrong_target, expired, replayed, unsupported, jammed, "
    "low_battery, refused, not_allowed";

/// One parsed JSON object. Small payloads are parsed into a buffer inside this
/// object, without touching the heap.
class ParsedPayload {
 public:
  ParsedPayload() = default;
  ParsedPayload(const ParsedPayload&) = delete;
  ParsedPayload& operator=(const ParsedPayload&) = delete;

  /// Parses `text` as one JSON object. `what` names it in errors: "payload: not
  /// valid JSON", "cmd.body: must be a JSON object". The object lives as long
  /// as this ParsedPayload.
  Result<const boost::json::object*> parse(std::string_view what, std::string_view text);

 private:
  alignas(std::max_align_t) std::array<unsigned char, 4096> buffer_{};
  boost::json::monotonic_resource resource_{buffer_.data(), buffer_.size()};
  boost::json::value value_;
};

/// Reads the fields of one object; `prefix` names it in errors ("telemetry").
/// Required fields that are absent or null fail with "<prefix>.<name>:
/// missing"; optional ones read as nullopt.
class FieldReader {
 public:
  FieldReader(const boost::json::object& object, std::string_view prefix)
      : object_(object), prefix_(prefix) {}

  /// The major version: `v` must be the integer 1.
  Result<void> version() const;

  Result<std::int64_t> integer(std::string_view name, std::int64_t lo, std::int64_t hi) const;
  Result<std::optional<std::int64_t>> optional_integer(std::string_view name, std::int64_t lo,
                                                       std::int64_t hi) const;
  Result<std::uint64_t> unsigned_integer(std::string_view name, std::uint64_t lo) const;

  /// A `*_ms` field: integer ms since the epoch, 0..kMaxEpochMs.
  Result<Timestamp> time(std::string_view name) const;
  Result<std::optional<Timestamp>> optional_time(std::string_view name) const;

  /// Text of min..max bytes without control characters.
  Result<std::string> text(std::string_view name, std::size_t min, std::size_t max) const;
  Result<std::optional<std::string>> optional_text(std::string_view name, std::size_t min,
                                                   std::size_t max) const;

  /// Any non-empty string, unvalidated (the envelope's body).
  Result<std::string> raw_string(std::string_view name) const;

  /// An id: 1..64 of [A-Za-z0-9_-] (lw::validate_id).
  Result<std::string> id(std::string_view name) const;

  /// A lower_snake_case name of 1..max characters, starting with a letter.
  Result<std::optional<std::string>> optional_snake_name(std::string_view name, std::size_t max) const;

  /// A name from a fixed vocabulary. `parse` maps a name to E or nullopt;
  /// `allowed` lists the names for the error ("locked, unlocked, ...").
  template <typename E, typename Parse>
  Result<std::optional<E>> optional_enum(std::string_view name, Parse parse, std::string_view allowed) const {
    const boost::json::value* v = find(name);
    if (v == nullptr) return std::optional<E>{};
    const boost::json::string* s = v->if_string();
    std::optional<E> parsed;
    if (s != nullptr) parsed = parse(std::string_view(s->data(), s->size()));
    if (!parsed) return fail(name, one_of(allowed));
    return parsed;
  }
  template <typename E, typename Parse>
  Result<E> required_enum(std::string_view name, Parse parse, std::string_view allowed) const {
    auto r = optional_enum<E>(name, parse, allowed);
    if (!r) return r.error();
    if (!*r) return fail(name, "missing");
    return **r;
  }

  /// "<prefix>.<name>: <why>"
  [[nodiscard]] Error fail(std::string_view name, std::string_view why) const;

 private:
  /// The field's value, or nullptr when absent or null.
  const boost::json::value* find(std::string_view name) const;
  static std::string one_of(std::string_view allowed);

  const boost::json::object& object_;
  std::string_view prefix_;
};

}  // namespace lw::protocol::detail
