// The hub's built-in status page at `/`: a single HTML page that lists every
// lock from GET /api/v1/locks and offers lock/unlock buttons. It is what a user
// sees before the full web app (web/) is built and served from http.web_root.
// Threading: add the route before the server starts.
#pragma once

namespace lw::adapters::http {
class Router;
}

namespace lw::app {

void add_status_page(adapters::http::Router& router);

}  // namespace lw::app
