#include "base/result.h"

namespace lw {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::permission_denied: return "permission_denied";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::failed_precondition: return "failed_precondition";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::deadline_exceeded: return "deadline_exceeded";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::corruption: return "corruption";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

std::string Error::to_string() const {
  std::string out(lw::to_string(code));
  out += ": ";
  out += message;
  return out;
}

Error invalid_argument(std::string_view field, std::string_view why) {
  std::string m(field);
  m += ": ";
  m += why;
  return Error{ErrorCode::invalid_argument, std::move(m)};
}
Error not_found(std::string message) { return Error{ErrorCode::not_found, std::move(message)}; }
Error failed_precondition(std::string message) {
  return Error{ErrorCode::failed_precondition, std::move(message)};
}
Error unavailable(std::string message) { return Error{ErrorCode::unavailable, std::move(message)}; }
Error internal_error(std::string message) { return Error{ErrorCode::internal, std::move(message)}; }

namespace detail {
void result_abort(const char* what, const Error* error) noexcept {
  std::fprintf(stderr, "lw::Result: %s%s%s\n", what, error ? ": " : "",
               error ? error->to_string().c_str() : "");
  std::abort();
}
}  // namespace detail

}  // namespace lw
