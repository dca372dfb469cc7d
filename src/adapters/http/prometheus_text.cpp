#include "adapters/http/prometheus_text.h"

#include <array>
#include <charconv>
#include <cmath>

namespace lw::adapters::http {

std::string escape_label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return ec == std::errc{} ? std::string(buf.data(), end) : "NaN";
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  text_ += escape_help(help);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void PrometheusText::labels(const Labels& labels) {
  if (labels.empty()) return;
  text_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) text_ += ',';
    first = false;
    text_ += key;
    text_ += "=\"";
    text_ += escape_label_value(value);
    text_ += '"';
  }
  text_ += '}';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
  text_ += name;
  this->labels(labels);
  text_ += ' ';
  text_ += format_value(value);
  text_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  text_ += name;
  this->labels(labels);
  text_ += ' ';
  text_ += std::to_string(value);
  text_ += '\n';
}

}  // namespace lw::adapters::http
