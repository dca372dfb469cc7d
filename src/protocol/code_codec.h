// The JSON of code commands and read-backs (docs/protocol.md, section 8):
// the code fields of a command body (slot, user, pin_sealed, schedule,
// from_slot, key_sealed, settings), a schedule object, a settings object, and the `codes` object of a
// result. Used by envelope.cpp (bodies) and codec.cpp (results); internal to
// src/protocol, it exposes Boost.JSON.
//
// Errors name the field by its path ("cmd.body.schedule.days: must be a list
// of day names mon..sun", "result.codes.slots[2].user: must be an integer
// 1..65535") and never echo a value.
//
// Threading: pure functions.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/credentials.h"

namespace lw::protocol::detail {

boost::json::object schedule_json(const core::CodeSchedule& schedule);
/// Errors name "<path>.<field>".
Result<core::CodeSchedule> decode_schedule(const boost::json::value& value, const std::string& path);

boost::json::object settings_json(const core::LockSettings& settings);
/// Errors name "<path>.<field>".
Result<core::LockSettings> decode_settings(const boost::json::value& value, const std::string& path);

/// Adds the fields of `code` (and its `action`) to a command body.
void add_code_fields(boost::json::object& body, const core::CodeCommand& code);
/// Reads the code fields of a body whose `action` named `action`.
Result<core::CodeCommand> decode_code_fields(const boost::json::object& body, core::CodeAction action);

/// The `codes` object of a result.
boost::json::object readback_json(const core::CodeReadback& readback);
Result<core::CodeReadback> decode_readback(const boost::json::value& value);

}  // namespace lw::protocol::detail
