// EnumNames: one table per enum mapping each value to its stable wire name,
// with lookup both ways. Every enum that crosses a boundary (MQTT, REST, SQL,
// TOML) names its values through one of these.
//
// Example:
//   constexpr lw::EnumNames<Color, 2> kColors{{{Color::red, "red"}, {Color::blue, "blue"}}};
//   kColors.name(Color::red)   -> "red"
//   kColors.parse("blue")      -> Color::blue;  kColors.parse("x") -> nullopt
//
// Threading: constexpr data and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace lw {

template <typename E, std::size_t N>
struct EnumNames {
  std::array<std::pair<E, std::string_view>, N> entries;

  /// The value's name; `fallback` for a value missing from the table.
  [[nodiscard]] constexpr std::string_view name(E value,
                                                std::string_view fallback = "unknown") const noexcept {
    for (const auto& [e, n] : entries) {
      if (e == value) return n;
    }
    return fallback;
  }
  [[nodiscard]] constexpr std::optional<E> parse(std::string_view text) const noexcept {
    for (const auto& [e, n] : entries) {
      if (n == text) return e;
    }
    return std::nullopt;
  }
};

}  // namespace lw
