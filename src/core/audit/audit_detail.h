// The detail of an audit entry: a flat JSON object of string values, written
// in the order given, so the same facts always give the same bytes (the
// chain hash covers them).
//
// Example:
//   audit_detail({{"action", "unlock"}, {"action_id", "a-1f"}})
//   // {"action":"unlock","action_id":"a-1f"}
//
// Threading: pure functions.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace lw::core {

using AuditField = std::pair<std::string_view, std::string_view>;

/// A JSON object with these fields as string members (RFC 8259 escaping:
/// quotes, backslashes and control characters; other bytes are kept).
std::string audit_detail(std::initializer_list<AuditField> fields);
std::string audit_detail(std::span<const AuditField> fields);

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace lw::core
