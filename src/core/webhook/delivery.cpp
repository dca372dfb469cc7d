#include "core/webhook/delivery.h"

#include "base/enum_names.h"

namespace lw::core {
namespace {

constexpr EnumNames<DeliveryStatus, 4> kStatuses{{{
    {DeliveryStatus::pending, "pending"},
    {DeliveryStatus::delivered, "delivered"},
    {DeliveryStatus::failed, "failed"},
    {DeliveryStatus::expired, "expired"},
}}};

}  // namespace

std::string_view to_string(DeliveryStatus status) noexcept { return kStatuses.name(status); }

std::optional<DeliveryStatus> parse_delivery_status(std::string_view name) noexcept {
  return kStatuses.parse(name);
}

}  // namespace lw::core
