#include "app/code_commands.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "protocol/code_crypto.h"

namespace lw::app {
namespace {

namespace json = boost::json;

constexpr int kExitUsage = 2;

/// "2026-12-24" or "2026-12-24T18:30" (UTC) as ms since the epoch.
std::optional<std::int64_t> parse_when(const std::string& text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  unsigned hh = 0;
  unsigned mm = 0;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u%c", &y, &m, &d, &hh, &mm, &tail);
  if (!(n == 3 || n == 5) || hh > 23 || mm > 59) return std::nullopt;
  if (n == 3 && text.size() != 10) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  const auto t = std::chrono::sys_days{ymd} + std::chrono::hours{hh} + std::chrono::minutes{mm};
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The schedule the options describe; an error names the option.
Result<json::object> schedule_of(const CodeCommand& c) {
  const int forms = static_cast<int>(!c.from.empty() || !c.to.empty()) + static_cast<int>(!c.weekly.empty()) +
                    static_cast<int>(c.one_time);
  if (forms > 1) return invalid_argument("schedule", "give one of --from/--to, --weekly, --one-time");
  if (c.one_time) return json::object{{"type", "one_time"}};
  if (!c.from.empty() || !c.to.empty()) {
    auto from = parse_when(c.from);
    if (!from) return invalid_argument("--from", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)");
    auto to = parse_when(c.to);
    if (!to) return invalid_argument("--to", "must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)");
    return json::object{{"type", "date_range"}, {"from_ms", *from}, {"to_ms", *to}};
  }
  if (!c.weekly.empty()) {
    json::array days;
    std::string day;
    for (char ch : c.weekly + ",") {
      if (ch != ',') {
        day += ch;
        continue;
      }
      if (!day.empty()) days.emplace_back(day);
      day.clear();
    }
    return json::object{{"type", "weekly"},
                        {"days", std::move(days)},
                        {"start", c.start.empty() ? "00:00" : c.start},
                        {"end", c.end.empty() ? "24:00" : c.end},
                        {"utc_offset_min", c.utc_offset_min}};
  }
  return json::object{{"type", "always"}};
}

Result<std::string> read_pin(const CodeCommand& c, std::istream& in) {
  std::string pin;
  if (c.pin_file.empty()) {
    std::getline(in, pin);
  } else {
    std::ifstream f(c.pin_file);
    if (!f) return not_found("--pin-file: cannot read '" + c.pin_file + "'");
    std::getline(f, pin);
  }
  while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
  if (pin.empty()) return invalid_argument("pin", "none given: put it on standard input or in --pin-file");
  return pin;
}

std::string text(const json::object& o, std::string_view key, std::string_view fallback = "-") {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string(fallback);
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

void print_code(const json::object& c, std::ostream& out) {
  out << fmt::format("{}  {}  site {}  lock {}  slot {}  user {}  {}  [{}]\n", text(c, "id"), text(c, "name"),
                     text(c, "site"), text(c, "lock", "every lock"), text(c, "slot"), text(c, "user"),
                     text(c, "schedule_text"), text(c, "state"));
  for (const auto& l : c.at("locks").as_array()) {
    const auto& lo = l.as_object();
    out << fmt::format("    {:<20} {:<9} attempts {}{}\n", text(lo, "lock"), text(lo, "state"),
                       text(lo, "attempts"),
                       lo.at("reason").is_null() ? std::string() : "  " + text(lo, "reason"));
  }
}

/// "front-door  keypad off for 60 s after 5 wrong PINs  (the lock's own)  [set]".
void print_settings(const json::object& s, std::ostream& out) {
  if (!s.at("known").as_bool()) {
    out << text(s, "lock")
        << "  settings not known yet (a lock of this protocol tells them at its next read-back)\n";
    return;
  }
  out << fmt::format("{}  {}  ({})  [{}]{}\n", text(s, "lock"), text(s, "text"),
                     text(s, "source") == "hub" ? "set through the hub" : "the lock's own", text(s, "state"),
                     s.at("reason").is_null() ? std::string() : "  " + text(s, "reason"));
}

}  // namespace

int run_code_command(const ClientOptions& o, const CodeCommand& c, std::istream& in, std::ostream& out,
                     std::ostream& err) {
  int code = 0;
  auto emit = [&](const json::object& reply, std::string_view key) {
    if (o.json) {
      out << json::serialize(reply) << "\n";
    } else {
      print_code(reply.at(key).as_object(), out);
    }
    return 0;
  };
  if (c.action == "list") {
    std::string path = "/api/v1/codes";
    std::string sep = "?";
    if (!c.site.empty()) path += std::exchange(sep, "&") + "site=" + c.site;
    if (!c.lock.empty()) path += sep + "lock=" + c.lock;
    auto reply = call_hub(o, "GET", path, "", err, code);
    if (!reply) return code;
    if (o.json) {
      out << json::serialize(*reply) << "\n";
      return 0;
    }
    const auto& codes = reply->at("codes").as_array();
    for (const auto& v : codes) print_code(v.as_object(), out);
    if (codes.empty()) out << "no access codes\n";
    return 0;
  }
  if (c.action == "add") {
    auto schedule = schedule_of(c);
    if (!schedule) {
      err << "lockwarden: " << schedule.error().message << "\n";
      return kExitUsage;
    }
    auto pin = read_pin(c, in);
    if (!pin) {
      err << "lockwarden: " << pin.error().message << "\n";
      return kExitUsage;
    }
    json::object body{{"site", c.site}, {"name", c.name}, {"pin", *pin}, {"schedule", std::move(*schedule)}};
    protocol::wipe(*pin);
    if (!c.lock.empty()) body["lock"] = c.lock;
    if (c.slot) body["slot"] = *c.slot;
    if (c.user) body["user"] = *c.user;
    std::string text_body = json::serialize(body);
    body["pin"] = "";
    auto reply = call_hub(o, "POST", "/api/v1/codes", text_body, err, code);
    protocol::wipe(text_body);
    if (!reply) return code;
    return emit(*reply, "code");
  }
  if (c.action == "settings") {
    const std::string path = "/api/v1/locks/" + c.id + "/settings";
    json::object body;
    if (c.wrong_code_limit) body["wrong_code_entry_limit"] = *c.wrong_code_limit;
    if (c.lockout_s) body["user_code_temporary_disable_s"] = *c.lockout_s;
    if (c.auto_relock_s) body["auto_relock_s"] = *c.auto_relock_s;
    if (!c.sound.empty()) body["sound_volume"] = c.sound;
    auto reply = body.empty() ? call_hub(o, "GET", path, "", err, code)
                              : call_hub(o, "PUT", path, json::serialize(body), err, code);
    if (!reply) return code;
    if (o.json) {
      out << json::serialize(*reply) << "\n";
    } else {
      print_settings(reply->at("settings").as_object(), out);
    }
    return 0;
  }
  const std::string path = "/api/v1/codes/" + c.id;
  if (c.action == "show") {
    auto reply = call_hub(o, "GET", path, "", err, code);
    return reply ? emit(*reply, "code") : code;
  }
  if (c.action == "remove") {
    auto reply = call_hub(o, "DELETE", path, "", err, code);
    return reply ? emit(*reply, "code") : code;
  }
  if (c.action == "retry") {
    auto reply = call_hub(o, "POST", path + "/retry", "", err, code);
    return reply ? emit(*reply, "code") : code;
  }
  err << "lockwarden: code: unknown action '" << c.action << "'\n";
  return kExitUsage;
}

namespace {

/// "guest-1f2e3d4c5b6a  ana  site home  until 2026-12-06 14:00 UTC  [revoking]", then its locks.
void print_grant(const json::object& g, std::ostream& out) {
  const Timestamp until = from_epoch_ms(g.at("not_after_ms").as_int64());
  const auto minute =
      std::chrono::floor<std::chrono::minutes>(until - std::chrono::floor<std::chrono::days>(until));
  out << fmt::format("{}  {}  site {}  until {} {:02}:{:02} UTC  [{}]\n", text(g, "id"), text(g, "user"),
                     text(g, "site"), utc_date(until), minute.count() / 60, minute.count() % 60,
                     text(g, "state"));
  for (const auto& l : g.at("locks").as_array()) {
    const auto& lo = l.as_object();
    if (text(lo, "revocation") == "none") {
      out << fmt::format("    {}\n", text(lo, "lock"));
      continue;
    }
    out << fmt::format("    {:<20} revocation {:<8} sent {}{}\n", text(lo, "lock"), text(lo, "revocation"),
                       text(lo, "attempts"),
                       lo.at("detail").is_null() ? std::string() : "  " + text(lo, "detail"));
  }
}

}  // namespace

int run_guest_manage(const ClientOptions& o, const GuestManage& g, std::ostream& out, std::ostream& err) {
  int code = 0;
  if (g.action == "list") {
    auto reply = call_hub(o, "GET", "/api/v1/guest-keys?site=" + g.site, "", err, code);
    if (!reply) return code;
    if (o.json) {
      out << json::serialize(*reply) << "\n";
      return 0;
    }
    const auto& grants = reply->at("guest_keys").as_array();
    for (const auto& v : grants) print_grant(v.as_object(), out);
    if (grants.empty()) out << "no guest keys on site " << g.site << "\n";
    return 0;
  }
  if (g.action == "revoke") {
    auto reply = call_hub(o, "DELETE", "/api/v1/guest-keys/" + g.id, "", err, code);
    if (!reply) return code;
    if (o.json) {
      out << json::serialize(*reply) << "\n";
      return 0;
    }
    print_grant(reply->at("guest_key").as_object(), out);
    return 0;
  }
  err << "lockwarden: guest: unknown action '" << g.action << "'\n";
  return kExitUsage;
}

int run_guest_issue(const ClientOptions& o, const GuestIssue& g, std::ostream& out, std::ostream& err) {
  json::object body{{"site", g.site}, {"user", g.user}, {"guest_key", g.guest_key}};
  json::array locks;
  for (const std::string& l : g.locks) locks.emplace_back(l);
  body["locks"] = std::move(locks);
  auto to = parse_when(g.to);
  if (!to) {
    err << "lockwarden: --to: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)\n";
    return kExitUsage;
  }
  body["to_ms"] = *to;
  if (!g.from.empty()) {
    auto from = parse_when(g.from);
    if (!from) {
      err << "lockwarden: --from: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)\n";
      return kExitUsage;
    }
    body["from_ms"] = *from;
  }
  int code = 0;
  auto reply = call_hub(o, "POST", "/api/v1/guest-keys", json::serialize(body), err, code);
  if (!reply) return code;
  if (o.json) {
    out << json::serialize(*reply) << "\n";
    return 0;
  }
  const json::object& k = reply->at("guest_key").as_object();
  const std::string grant(k.at("grant").as_string());
  if (g.out_file.empty()) {
    out << grant << "\n";
    return 0;
  }
  std::ofstream file(g.out_file, std::ios::trunc);
  file << grant << "\n";
  if (!file.flush()) {
    err << "lockwarden: --out: cannot write " << g.out_file << "\n";
    return 1;
  }
  out << "guest key " << json::value_to<std::string>(k.at("id")) << " for " << g.user << " written to "
      << g.out_file << "\n";
  return 0;
}

}  // namespace lw::app
