#include "protocol/ecosystem/payload.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

namespace lw::protocol::ecosystem {

namespace json = boost::json;

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  s.remove_prefix(std::min(s.find_first_not_of(kSpace), s.size()));
  s.remove_suffix(s.size() - std::min(s.find_last_not_of(kSpace) + 1, s.size()));
  return s;
}

Result<json::value> parse_json(std::string_view what, std::string_view text, std::size_t max_bytes,
                               std::size_t max_depth) {
  if (text.size() > max_bytes) {
    return invalid_argument(what, "larger than " + std::to_string(max_bytes) + " bytes");
  }
  json::parse_options options;
  options.max_depth = max_depth;
  json::error_code ec;
  json::value v = json::parse(text, ec, {}, options);
  if (ec == json::error::too_deep) {
    return invalid_argument(what, "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  if (ec) return invalid_argument(what, "not valid JSON");
  return v;
}

}  // namespace lw::protocol::ecosystem
