// Identifier rules shared by every layer. Ids appear in MQTT topics, URLs and
// SQL, so they are restricted to a safe alphabet.
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace lw {

using LockId = std::string;
using SiteId = std::string;
using ActionId = std::string;

/// An id is 1..64 characters of [A-Za-z0-9_-]. `field` names the input in the error.
Result<void> validate_id(std::string_view field, std::string_view id);

}  // namespace lw
