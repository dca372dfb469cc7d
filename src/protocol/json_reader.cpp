#include "protocol/json_reader.h"

#include <limits>
#include <utility>

#include "base/ids.h"

namespace lw::protocol::detail {
namespace {

std::string range(std::int64_t lo, std::int64_t hi) {
  return "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi);
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

Result<const boost::json::object*> ParsedPayload::parse(std::string_view what, std::string_view text) {
  if (text.size() > kMaxPayloadBytes) {
    return invalid_argument(what, "larger than " + std::to_string(kMaxPayloadBytes) + " bytes");
  }
  boost::json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::json::error_code ec;
  value_ = boost::json::parse(text, ec, boost::json::storage_ptr(&resource_), options);
  if (ec == boost::json::error::too_deep) {
    return invalid_argument(what, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (ec) return invalid_argument(what, "not valid JSON");
  const boost::json::object* object = value_.if_object();
  if (object == nullptr) return invalid_argument(what, "must be a JSON object");
  return object;
}

Error FieldReader::fail(std::string_view name, std::string_view why) const {
  std::string field(prefix_);
  field += '.';
  field += name;
  return invalid_argument(field, why);
}

std::string FieldReader::one_of(std::string_view allowed) {
  std::string why = "must be one of ";
  why += allowed;
  return why;
}

const boost::json::value* FieldReader::find(std::string_view name) const {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

Result<void> FieldReader::version() const {
  const boost::json::value* v = find("v");
  if (v == nullptr) return fail("v", "missing");
  if (!v->is_int64() && !v->is_uint64()) return fail("v", "must be an integer");
  if (!v->is_int64() || v->get_int64() != 1)
    return fail("v", "unsupported protocol version; this side speaks 1");
  return ok();
}

Result<std::optional<std::int64_t>> FieldReader::optional_integer(std::string_view name, std::int64_t lo,
                                                                  std::int64_t hi) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return std::optional<std::int64_t>{};
  // A uint64 on the wire is above INT64_MAX, so above every `hi`.
  if (!v->is_int64()) return fail(name, range(lo, hi));
  const std::int64_t n = v->get_int64();
  if (n < lo || n > hi) return fail(name, range(lo, hi));
  return std::optional<std::int64_t>{n};
}

Result<std::int64_t> FieldReader::integer(std::string_view name, std::int64_t lo, std::int64_t hi) const {
  auto r = optional_integer(name, lo, hi);
  if (!r) return r.error();
  if (!*r) return fail(name, "missing");
  return **r;
}

Result<std::uint64_t> FieldReader::unsigned_integer(std::string_view name, std::uint64_t lo) const {
  const std::string why = "must be an integer " + std::to_string(lo) + ".." +
                          std::to_string(std::numeric_limits<std::uint64_t>::max());
  const boost::json::value* v = find(name);
  if (v == nullptr) return fail(name, "missing");
  std::uint64_t n = 0;
  if (v->is_uint64()) {
    n = v->get_uint64();
  } else if (v->is_int64() && v->get_int64() >= 0) {
    n = static_cast<std::uint64_t>(v->get_int64());
  } else {
    return fail(name, why);
  }
  if (n < lo) return fail(name, why);
  return n;
}

Result<std::optional<Timestamp>> FieldReader::optional_time(std::string_view name) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return std::optional<Timestamp>{};
  if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > kMaxEpochMs) {
    return fail(name, range(0, kMaxEpochMs) + " (ms since the Unix epoch)");
  }
  return std::optional<Timestamp>{from_epoch_ms(v->get_int64())};
}

Result<Timestamp> FieldReader::time(std::string_view name) const {
  auto r = optional_time(name);
  if (!r) return r.error();
  if (!*r) return fail(name, "missing");
  return **r;
}

Result<std::optional<std::string>> FieldReader::optional_text(std::string_view name, std::size_t min,
                                                              std::size_t max) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return std::optional<std::string>{};
  const boost::json::string* s = v->if_string();
  bool good = s != nullptr && s->size() >= min && s->size() <= max;
  if (good) {
    for (char c : *s) {
      if (is_control(static_cast<unsigned char>(c))) {
        good = false;
        break;
      }
    }
  }
  if (!good) {
    return fail(name, "must be a string of " + std::to_string(min) + ".." + std::to_string(max) +
                          " bytes without control characters");
  }
  return std::optional<std::string>{std::string(s->data(), s->size())};
}

Result<std::string> FieldReader::text(std::string_view name, std::size_t min, std::size_t max) const {
  auto r = optional_text(name, min, max);
  if (!r) return r.error();
  if (!*r) return fail(name, "missing");
  return std::move(**r);
}

Result<std::string> FieldReader::raw_string(std::string_view name) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return fail(name, "missing");
  const boost::json::string* s = v->if_string();
  if (s == nullptr || s->empty()) return fail(name, "must be a non-empty string");
  return std::string(s->data(), s->size());
}

Result<std::string> FieldReader::id(std::string_view name) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return fail(name, "missing");
  const boost::json::string* s = v->if_string();
  if (s == nullptr) return fail(name, "must be a string");
  const std::string_view text(s->data(), s->size());
  std::string field(prefix_);
  field += '.';
  field += name;
  if (auto valid = validate_id(field, text); !valid) return valid.error();
  return std::string(text);
}

Result<std::optional<std::string>> FieldReader::optional_snake_name(std::string_view name,
                                                                    std::size_t max) const {
  const boost::json::value* v = find(name);
  if (v == nullptr) return std::optional<std::string>{};
  const boost::json::string* s = v->if_string();
  bool good = s != nullptr && !s->empty() && s->size() <= max && (*s)[0] >= 'a' && (*s)[0] <= 'z';
  if (good) {
    for (char c : *s) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        good = false;
        break;
      }
    }
  }
  if (!good)
    return fail(name, "must be a lower_snake_case name of 1.." + std::to_string(max) + " characters");
  return std::optional<std::string>{std::string(s->data(), s->size())};
}

}  // namespace lw::protocol::detail
