// GET /api/v1/audit?since_seq=&limit=: the audit log's records, oldest first
// (docs/api.md, "Audit log"; docs/openapi.yaml).
//
//   {"records": [{"seq": 1, "time_ms": 1764763200000, "actor": "api:127.0.0.1",
//                 "action": "command.request", "target": "lock:front-door",
//                 "detail": {"action": "unlock", ...}, "outcome": "accepted",
//                 "hash": "<64 hex digits>"}],
//    "next_since_seq": 1}          // null when this page reached the end
//
// The route only reads; whether the chain is intact is `lockwarden audit verify`.
// Threading: the handler runs on the io_context thread that owns the Hub.
#pragma once

#include <boost/json/fwd.hpp>
#include <vector>

#include "core/ports/audit_log.h"

namespace lw::core {
class Hub;
}  // namespace lw::core

namespace lw::adapters::http {

class Router;

/// One record as the API shows it (detail as a JSON object; a detail that is
/// not a JSON object is shown as a string).
boost::json::value to_json(const core::AuditRecord& record);

/// A page of records: {"records": [...], "next_since_seq": n | null}; `full`
/// says the page holds as many as were asked for, so more may follow.
boost::json::value audit_page_json(const std::vector<core::AuditRecord>& records, bool full);

/// Registers GET /api/v1/audit on `router`; `hub` must outlive the router.
void add_audit_route(Router& router, core::Hub& hub);

}  // namespace lw::adapters::http
