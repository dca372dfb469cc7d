#include "app/cli_client.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_client.h"

namespace lw::app {
namespace {

namespace json = boost::json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

std::string str(const json::object& o, std::string_view key, std::string_view fallback = "-") {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string(fallback);
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

std::optional<std::int64_t> num(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::string ago(std::optional<std::int64_t> ms) {
  if (!ms) return "never";
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::int64_t s = std::max<std::int64_t>(0, (now - *ms) / 1000);
  if (s < 120) return fmt::format("{}s ago", s);
  if (s < 7200) return fmt::format("{}m ago", s / 60);
  return fmt::format("{}h ago", s / 3600);
}

std::string clock_time(std::int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

}  // namespace

Result<json::object> call_hub(const ClientOptions& o, std::string_view method, const std::string& path,
                              std::string_view body, std::ostream& err, int& exit_code) {
  auto r = request_hub(o, method, path, body);
  if (!r) {
    err << "lockwarden: " << r.error().message << "\n";
    exit_code = r.error().code == ErrorCode::invalid_argument ? kExitUsage : kExitUnreachable;
    return r.error();
  }
  boost::system::error_code ec;
  json::value reply = json::parse(r->body, ec);
  if (ec || !reply.is_object()) {
    err << "lockwarden: the hub at " << o.server << " answered " << r->status
        << " with a body that is not JSON\n";
    exit_code = kExitUnreachable;
    return Error{ErrorCode::internal, "not json"};
  }
  if (r->status >= 400) {
    std::string message = "HTTP " + std::to_string(r->status);
    if (const auto* e = reply.as_object().if_contains("error")) {
      if (e->is_object() && e->as_object().if_contains("message") && e->at("message").is_string()) {
        message = std::string(e->at("message").as_string());
      }
    }
    err << "lockwarden: " << message << "\n";
    if (r->status == 401) {
      err << "lockwarden: pass --token, set LOCKWARDEN_TOKEN, or point --token-file at the hub's "
             "<data_dir>/cli-token"
          << (resolve_token(o).empty() ? " (no token found in " + o.token_file + ")" : std::string()) << "\n";
    }
    exit_code = r->status == 404 || r->status == 400 ? kExitUsage : kExitFailed;
    return Error{ErrorCode::failed_precondition, message};
  }
  return std::move(reply.as_object());
}

Result<adapters::http::HttpResponse> request_hub(const ClientOptions& o, std::string_view method,
                                                 const std::string& path, std::string_view body) {
  adapters::http::HttpHeaders headers;
  const std::string token = resolve_token(o);
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return adapters::http::http_request(method, o.server + path, body, o.timeout, headers, {o.ca_file});
}

std::string resolve_token(const ClientOptions& o) {
  if (!o.token.empty()) return o.token;
  if (const char* env = std::getenv("LOCKWARDEN_TOKEN"); env != nullptr && *env != '\0') return env;
  std::ifstream in(o.token_file);
  // Not found at the default place: `make demo`'s data directory.
  if (!in && o.token_file == ClientOptions{}.token_file) in.open(".demo/cli-token");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

int cmd_status(const ClientOptions& o, std::ostream& out, std::ostream& err) {
  int code = 0;
  auto reply = call_hub(o, "GET", "/api/v1/locks", "", err, code);
  if (!reply) return code;
  const json::value* locks = reply->if_contains("locks");
  if (!locks || !locks->is_array()) {
    err << "lockwarden: unexpected answer from " << o.server << " (no \"locks\" array)\n";
    return kExitUnreachable;
  }
  if (o.json) {
    json::array slim;
    for (const auto& l : locks->as_array()) {
      const auto& lo = l.as_object();
      json::object s;
      for (const char* k : {"id", "name", "site", "connectivity", "lock_state", "door_state", "battery_pct",
                            "rssi_dbm", "last_seen_ms", "incident", "case"}) {
        const json::value* v = lo.if_contains(k);
        s[k] = v ? *v : json::value(nullptr);
      }
      s["battery_dies_ms"] = nullptr;
      if (const json::value* f = lo.if_contains("battery_forecast"); f && f->is_object()) {
        if (const json::value* d = f->as_object().if_contains("dies_ms")) s["battery_dies_ms"] = *d;
      }
      slim.push_back(std::move(s));
    }
    out << json::serialize(json::object{{"locks", std::move(slim)}}) << "\n";
    return 0;
  }
  out << fmt::format("{:<14} {:<20} {:<10} {:<12} {:<17} {:<8} {:>7} {:<12} {:>6}  {}\n", "ID", "NAME",
                     "SITE", "CONNECTIVITY", "LOCK", "DOOR", "BATTERY", "BATTERY DUE", "RSSI", "LAST SEEN");
  int online = 0;
  for (const auto& l : locks->as_array()) {
    const auto& lo = l.as_object();
    if (str(lo, "connectivity") == "online") ++online;
    auto battery = num(lo, "battery_pct");
    auto rssi = num(lo, "rssi_dbm");
    std::string due = "-";
    if (const json::value* f = lo.if_contains("battery_forecast"); f && f->is_object()) {
      if (auto dies = num(f->as_object(), "dies_ms")) due = utc_date(from_epoch_ms(*dies));
    }
    out << fmt::format("{:<14} {:<20} {:<10} {:<12} {:<17} {:<8} {:>7} {:<12} {:>6}  {}\n", str(lo, "id"),
                       str(lo, "name"), str(lo, "site"), str(lo, "connectivity"), str(lo, "lock_state"),
                       str(lo, "door_state"), battery ? fmt::format("{}%", *battery) : "-", due,
                       rssi ? fmt::format("{}", *rssi) : "-", ago(num(lo, "last_seen_ms")));
  }
  out << fmt::format("{} locks, {} online\n", locks->as_array().size(), online);
  // The lock doctor's open cases, once each: what is likely wrong and what to do next.
  std::map<std::int64_t, std::pair<std::string, std::vector<std::string>>> cases;
  for (const auto& l : locks->as_array()) {
    const json::value* c = l.as_object().if_contains("case");
    if (c == nullptr || !c->is_object()) continue;
    const auto& co = c->as_object();
    auto id = num(co, "id");
    if (!id) continue;
    auto& [words, members] = cases[*id];
    if (words.empty()) {
      const json::value* p = co.if_contains("p");
      const double share = p != nullptr && p->is_number() ? p->to_number<double>() : 0.0;
      const std::string next = str(co, "next_step");
      words = fmt::format("likely {} ({:.0f} %); next step: {}", str(co, "likely_cause"), share * 100, next);
    }
    members.push_back(str(l.as_object(), "id"));
  }
  for (const auto& [id, c] : cases) {
    std::string who;
    for (const std::string& m : c.second) who += (who.empty() ? "" : ", ") + m;
    out << fmt::format("case {} ({}): {}\n", id, who, c.first);
  }
  return 0;
}

int cmd_action(const ClientOptions& o, const std::string& lock_id, const std::string& action, Duration wait,
               std::ostream& out, std::ostream& err) {
  int code = 0;
  auto started = std::chrono::steady_clock::now();
  auto reply = call_hub(o, "POST", "/api/v1/locks/" + lock_id + "/" + action, "", err, code);
  if (!reply) return code;
  const json::value* a = reply->if_contains("action");
  if (!a || !a->is_object()) {
    err << "lockwarden: unexpected answer from " << o.server << " (no \"action\")\n";
    return kExitUnreachable;
  }
  std::string id = str(a->as_object(), "id");
  json::object current = a->as_object();
  auto deadline = started + wait;
  while (str(current, "status") == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto poll = call_hub(o, "GET", "/api/v1/actions/" + id, "", err, code);
    if (!poll) return code;
    current = poll->at("action").as_object();
  }
  auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::string status = str(current, "status");
  if (o.json) {
    current["client_ms"] = elapsed.count();
    out << json::serialize(json::object{{"action", current}}) << "\n";
  } else if (status == "succeeded") {
    auto hub_ms = num(current, "completed_ms").value_or(0) - num(current, "created_ms").value_or(0);
    out << fmt::format("{}: {} done in {} ms (hub round trip {} ms, action {})\n", lock_id, action,
                       elapsed.count(), hub_ms, id);
  } else if (status == "pending") {
    out << fmt::format("{}: {} still pending after {} ms (action {}); check later with the API\n", lock_id,
                       action, elapsed.count(), id);
  } else {
    std::string detail = str(current, "detail", "");
    out << fmt::format("{}: {} {}: {}{}{} (action {})\n", lock_id, action, status, str(current, "reason"),
                       detail.empty() ? "" : " - ", detail, id);
  }
  return status == "succeeded" ? 0 : kExitFailed;
}

int cmd_events(const ClientOptions& o, const std::string& lock_id, int limit, std::ostream& out,
               std::ostream& err) {
  int code = 0;
  auto reply = call_hub(o, "GET", "/api/v1/locks/" + lock_id + "/events?limit=" + std::to_string(limit), "",
                        err, code);
  if (!reply) return code;
  if (o.json) {
    out << json::serialize(*reply) << "\n";
    return 0;
  }
  const auto& events = reply->at("events").as_array();
  out << fmt::format("{:<23} {:<15} {:<9} {:<9} {:<10} {}\n", "TIME", "KIND", "OPERATION", "SOURCE", "USER",
                     "DETAIL");
  for (const auto& e : events) {
    const auto& eo = e.as_object();
    out << fmt::format("{:<23} {:<15} {:<9} {:<9} {:<10} {}\n", clock_time(num(eo, "ts_ms").value_or(0)),
                       str(eo, "kind"), str(eo, "operation"), str(eo, "source"), str(eo, "user"),
                       str(eo, "detail", ""));
  }
  if (events.empty()) out << "no events for " << lock_id << "\n";
  return 0;
}

}  // namespace lw::app
