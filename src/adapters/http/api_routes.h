// The REST API v1 (docs/openapi.yaml, docs/api.md) over the core Hub:
//   GET  /api/v1/health
//   GET  /api/v1/hubs                       (id, version, started, public command key)
//   GET  /api/v1/sites
//   GET  /api/v1/locks                      GET /api/v1/locks/{id}
//   POST /api/v1/locks/{id}/lock|unlock|unlatch  -> 202 + Location of the action
//   GET  /api/v1/actions/{id}
//   GET  /api/v1/locks/{id}/events?limit=50&before=<id>
//   GET  /api/v1/locks/{id}/history?days=7&points=500   (or ?since=&until=)
//   GET  /api/v1/stats
// Errors are {"error":{"code","message"}} with the status of http_status().
// Threading: handlers run on the io_context thread that owns the Hub.
#pragma once

namespace lw::core {
class Hub;
}

namespace lw::adapters::http {

class Router;

/// Registers every API route on `router`; `hub` must outlive the router.
void add_api_routes(Router& router, core::Hub& hub);

}  // namespace lw::adapters::http
