#include "adapters/http/audit_route.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstdint>
#include <limits>

#include "adapters/http/router.h"
#include "core/hub/hub.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

/// An integer query parameter in [min, max]; absent gives `fallback`.
Result<std::int64_t> int_param(const Request& r, std::string_view name, std::int64_t min, std::int64_t max,
                               std::int64_t fallback) {
  auto text = r.query_param(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || ptr != text->data() + text->size() || v < min || v > max) {
    return invalid_argument(name, "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

}  // namespace

json::value to_json(const core::AuditRecord& record) {
  json::error_code ec;
  json::value detail = json::parse(record.entry.detail, ec);
  if (ec || !detail.is_object()) detail = json::string(record.entry.detail);
  return json::object{{"seq", record.seq},
                      {"time_ms", to_epoch_ms(record.entry.time)},
                      {"actor", record.entry.actor},
                      {"action", record.entry.action},
                      {"target", record.entry.target},
                      {"detail", std::move(detail)},
                      {"outcome", record.entry.outcome},
                      {"hash", record.hash}};
}

json::value audit_page_json(const std::vector<core::AuditRecord>& records, bool full) {
  json::array out;
  for (const core::AuditRecord& r : records) out.push_back(to_json(r));
  json::value next = nullptr;
  if (full && !records.empty()) next = records.back().seq;
  return json::object{{"records", std::move(out)}, {"next_since_seq", std::move(next)}};
}

void add_audit_route(Router& router, core::Hub& hub) {
  router.get("/api/v1/audit", [&hub](const Request& r) {
    auto since = int_param(r, "since_seq", 0, std::numeric_limits<std::int64_t>::max(), 0);
    if (!since) return error_response(since.error());
    auto limit = int_param(r, "limit", 1, 1000, 100);
    if (!limit) return error_response(limit.error());
    auto records = hub.audit_records(static_cast<std::uint64_t>(*since), static_cast<int>(*limit));
    if (!records) return error_response(records.error());
    const bool full = records->size() == static_cast<std::size_t>(*limit);
    return json_response(200, audit_page_json(*records, full));
  });
}

}  // namespace lw::adapters::http
