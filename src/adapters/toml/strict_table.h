// StrictTable: reads a TOML document into typed values with one rule — every
// key is either understood or reported. The first problem wins and names the
// file, line and dotted key, e.g.
//   "lockwarden.toml:7:8: mqtt.port: must be an integer 1..65535"
//   "lockwarden.toml:3:1: hub.dta_dir: unknown key"
//
// Example:
//   auto doc = StrictTable::parse_file("lockwarden.toml");
//   if (!doc) return doc.error();
//   StrictTable root = *doc;
//   StrictTable mqtt = root.table("mqtt");
//   mqtt.get("port", config.port, 1, 65535);   // absent: keeps the default
//   return root.finish();                     // unknown keys, first error
//
// Used for the hub's configuration and the simulator's scenario files.
// Threading: none shared; use from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace lw::adapters {

class StrictTable {
 public:
  /// Parses a file. Errors: not_found (cannot read), invalid_argument (TOML syntax, with line:column).
  static Result<StrictTable> parse_file(const std::string& path);
  /// Parses text; `name` stands for the file in messages.
  static Result<StrictTable> parse_text(std::string_view text, const std::string& name);

  /// Sub-table `key`; an absent key gives an empty table; a non-table is an error.
  StrictTable table(std::string_view key);
  /// Array of tables `key` ([[key]]); absent gives none.
  std::vector<StrictTable> tables(std::string_view key);
  [[nodiscard]] bool has(std::string_view key) const;

  // get(): absent keeps `out`; present with the wrong type or range records an error.
  void get(std::string_view key, std::string& out);
  void get(std::string_view key, bool& out);
  void get(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void get(std::string_view key, int& out, int min, int max);
  void get(std::string_view key, double& out, double min, double max);
  /// A duration written as an integer of seconds or a string "500ms", "30s", "5m", "2h", "7d".
  void get_duration(std::string_view key, Duration& out, Duration min, Duration max);
  void get(std::string_view key, std::vector<std::string>& out);

  /// Records a problem with `key` found by the caller (e.g. an unknown enum name).
  void fail(std::string_view key, std::string_view why);
  /// The dotted path of a key in this table ("lock[2].transport").
  [[nodiscard]] std::string path_of(std::string_view key) const;

  /// The first error recorded anywhere in the document, else the first unknown key.
  Result<void> finish() const;

 private:
  struct Document;
  StrictTable(std::shared_ptr<Document> doc, const toml::table* table, std::string path);
  const toml::node* lookup(std::string_view key);
  void fail_at(const toml::node* where, std::string_view key, std::string_view why);

  std::shared_ptr<Document> doc_;
  const toml::table* table_;
  std::string path_;
};

/// Parses "500ms", "30s", "5m", "2h", "7d" (or a bare number of seconds).
Result<Duration> parse_duration(std::string_view text);

}  // namespace lw::adapters
