// PrometheusText: writes the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): per metric
// family a `# HELP` and a `# TYPE` line, then its samples, one per line,
// `name{label="value",...} value`.
//
// Escaping, as the format requires: in label values a backslash, a double
// quote and a line feed become `\\`, `\"` and `\n`; in HELP text a backslash
// and a line feed become `\\` and `\n`. Values are integers as written,
// numbers in the shortest form that reads back exactly, and `+Inf`, `-Inf`,
// `NaN`.
//
// Example:
//   PrometheusText out;
//   out.family("lockwarden_locks", "gauge", "Locks by connectivity state.");
//   out.sample("lockwarden_locks", {{"connectivity", "online"}}, 2);
//   std::string body = out.text();
//   // # HELP lockwarden_locks Locks by connectivity state.
//   // # TYPE lockwarden_locks gauge
//   // lockwarden_locks{connectivity="online"} 2
//
// Threading: plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lw::adapters::http {

/// The Content-Type of the text format.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4";

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

/// `text` escaped for a label value (between the double quotes).
std::string escape_label_value(std::string_view text);
/// `text` escaped for a HELP line.
std::string escape_help(std::string_view text);
/// A sample value: shortest exact form, or +Inf, -Inf, NaN.
std::string format_value(double value);

class PrometheusText {
 public:
  /// Starts a family: its HELP and TYPE lines. `type` is counter, gauge,
  /// histogram, summary or untyped; `name` must match [a-zA-Z_:][a-zA-Z0-9_:]*.
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// One sample of the current family (`name` may carry a suffix: _bucket, _sum, _count).
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  void labels(const Labels& labels);
  std::string text_;
};

}  // namespace lw::adapters::http
