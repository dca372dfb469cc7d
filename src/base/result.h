// lw::Error and lw::Result<T>: errors as values.
//
// Result<T> has the surface of std::expected<T, lw::Error> (has_value, value,
// error, and_then, transform) so it can become an alias once the toolchain has
// <expected> in C++20 mode. A broken invariant (value() on an error, error() on a
// value) aborts with a message; it is never a recoverable condition.
//
// Example:
//   lw::Result<int> parse_port(std::string_view s);
//   auto r = parse_port("1883");
//   if (!r) return r.error();           // propagate
//   int port = *r;
//
// Threading: plain values; no shared state.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace lw {

/// The one canonical set of error kinds. Each adapter maps these to its own
/// wire (HTTP status, MQTT reason) in a single table.
enum class ErrorCode {
  invalid_argument,     ///< the caller sent something malformed; the message names the field
  not_found,            ///< the named thing does not exist
  permission_denied,    ///< authenticated, but not allowed
  unauthenticated,      ///< no or bad credentials / signature
  failed_precondition,  ///< the system is not in a state that allows this
  unavailable,          ///< a dependency (broker, lock, disk) cannot be reached now; retry may help
  deadline_exceeded,    ///< it did not finish in time
  conflict,             ///< already exists, or a concurrent change won
  corruption,           ///< stored data is not what we wrote
  internal,             ///< a bug or an unexpected library failure
};

/// Stable lower_snake_case name of a code ("invalid_argument").
std::string_view to_string(ErrorCode code) noexcept;

/// An error: a code and a human message that names what was wrong.
struct [[nodiscard]] Error {
  ErrorCode code{ErrorCode::internal};
  std::string message;

  /// "invalid_argument: battery_pct: must be 0..100"
  [[nodiscard]] std::string to_string() const;
  friend bool operator==(const Error&, const Error&) = default;
};

/// Convenience constructors: lw::invalid_argument("port", "must be 1..65535")
/// gives "port: must be 1..65535".
Error invalid_argument(std::string_view field, std::string_view why);
Error not_found(std::string message);
Error failed_precondition(std::string message);
Error unavailable(std::string message);
Error internal_error(std::string message);

namespace detail {
[[noreturn]] void result_abort(const char* what, const Error* error) noexcept;
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error)
      : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    check_value();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check_value();
    return std::get<0>(v_);
  }
  T&& value() && {
    check_value();
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

  const Error& error() const& {
    if (has_value()) detail::result_abort("error() on a value", nullptr);
    return std::get<1>(v_);
  }
  Error&& error() && {
    if (has_value()) detail::result_abort("error() on a value", nullptr);
    return std::get<1>(std::move(v_));
  }

  /// f: T -> Result<U>
  template <typename F>
  auto and_then(F&& f) const& -> std::invoke_result_t<F, const T&> {
    if (!has_value()) return error();
    return std::forward<F>(f)(std::get<0>(v_));
  }
  /// f: T -> U, wrapped into Result<U>
  template <typename F>
  auto transform(F&& f) const& -> Result<std::invoke_result_t<F, const T&>> {
    if (!has_value()) return error();
    return std::forward<F>(f)(std::get<0>(v_));
  }

 private:
  void check_value() const {
    if (!has_value()) detail::result_abort("value() on an error", &std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const {
    if (!ok_) detail::result_abort("value() on an error", &error_);
  }
  const Error& error() const& {
    if (ok_) detail::result_abort("error() on a value", nullptr);
    return error_;
  }
  Error&& error() && {
    if (ok_) detail::result_abort("error() on a value", nullptr);
    return std::move(error_);
  }
  template <typename F>
  auto and_then(F&& f) const -> std::invoke_result_t<F> {
    if (!ok_) return error_;
    return std::forward<F>(f)();
  }

 private:
  Error error_{};
  bool ok_{true};
};

/// Success value for Result<void>.
inline Result<void> ok() { return {}; }

}  // namespace lw
