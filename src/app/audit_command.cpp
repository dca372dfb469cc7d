#include "app/audit_command.h"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "adapters/audit/audit_trail.h"
#include "adapters/http/audit_route.h"
#include "adapters/sqlite/audit_table.h"
#include "app/config.h"

namespace lw::app {
namespace {

namespace json = boost::json;

/// The files the options name. Errors: the configuration's.
Result<adapters::audit::AuditPaths> paths_of(const AuditOptions& o) {
  if (o.config.empty()) return adapters::audit::AuditPaths{o.data_dir, o.data_dir + "/lockwarden.db"};
  auto config = load_hub_config(o.config);
  if (!config) return config.error();
  return adapters::audit::AuditPaths{config->hub.data_dir, config->store_path()};
}

/// "2026-12-03T14:02:11.482Z"
std::string utc(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<Duration> time{t - day};
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
  return buf.data();
}

}  // namespace

int cmd_audit_verify(const AuditOptions& options, std::ostream& out, std::ostream& err) {
  auto paths = paths_of(options);
  if (!paths) {
    err << "lockwarden: configuration: " << paths.error().message << "\n";
    return 1;
  }
  const adapters::audit::AuditCheck check = adapters::audit::verify_audit(*paths);
  if (options.json) {
    json::value first_bad = nullptr;
    if (check.first_bad > 0) first_bad = check.first_bad;
    out << json::serialize(json::object{{"intact", check.intact()},
                                        {"records", check.records},
                                        {"problem", check.problem},
                                        {"first_bad", std::move(first_bad)},
                                        {"message", check.message}})
        << "\n";
  } else if (check.intact()) {
    out << check.message << "\n";
  } else {
    out << "audit: FAILED: " << check.message << "\n";
  }
  return check.intact() ? 0 : 1;
}

int cmd_audit_list(const AuditOptions& options, std::ostream& out, std::ostream& err) {
  auto paths = paths_of(options);
  if (!paths) {
    err << "lockwarden: configuration: " << paths.error().message << "\n";
    return 1;
  }
  auto table = adapters::sqlite::AuditTable::open_existing(paths->database);
  if (!table) {
    err << "lockwarden: audit: " << table.error().message << "\n";
    return 1;
  }
  auto records = (*table)->list(options.since_seq, options.limit);
  if (!records) {
    err << "lockwarden: audit: " << records.error().message << "\n";
    return 1;
  }
  if (options.json) {
    const bool full = records->size() == static_cast<std::size_t>(options.limit);
    out << json::serialize(adapters::http::audit_page_json(*records, full)) << "\n";
    return 0;
  }
  for (const core::AuditRecord& r : *records) {
    out << r.seq << " " << utc(r.entry.time) << " " << r.entry.actor << " " << r.entry.action << " "
        << r.entry.target << " " << r.entry.outcome << " " << r.entry.detail << "\n";
  }
  if (records->empty()) out << "no audit records after seq " << options.since_seq << "\n";
  return 0;
}

}  // namespace lw::app
