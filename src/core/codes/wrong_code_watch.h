// WrongCodeWatch: the site-wide view of wrong PINs. Each lock already locks
// its own keypad out after WrongCodeEntryLimit wrong entries; a person who
// tries the same guess at door after door stays under every single lock's
// limit. The hub sees the wrong PINs of all doors as keyed digests
// (DeviceEvent::code_digest, docs/protocol.md 8.4) and raises an alert when
// one digest is tried at `doors` or more doors of a site within `window`.
//
// One alert per (site, digest) while its attempts keep coming within the
// window; a new alert once the window has passed without one.
//
// Pure: times come in with the calls. Memory: attempts older than the window
// are dropped at each call for that site.
//
// Threading: single-threaded; owned by one event loop.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/lock/messages.h"

namespace lw::core {

struct WrongCodeAlert {
  SiteId site;
  std::vector<LockId> locks;  ///< the doors it was tried at, in the order of their first try
  int attempts{0};            ///< tries of this PIN at the site within the window
  Timestamp first{};
  Timestamp last{};
  /// "the same wrong PIN was tried at 3 doors of site home within 4 min: front-door, back-door, garage"
  [[nodiscard]] std::string describe() const;
};

class WrongCodeWatch {
 public:
  struct Options {
    Duration window{std::chrono::minutes{15}};
    int doors{2};  ///< distinct doors that make an alert
  };

  WrongCodeWatch() = default;
  explicit WrongCodeWatch(Options options) : options_(options) {}

  /// A wrong PIN with `digest` at `lock` at time `at`. Returns an alert the
  /// first time that digest reaches `doors` doors of the site in the window.
  std::optional<WrongCodeAlert> on_wrong_code(const LockAddress& lock, const std::string& digest,
                                              Timestamp at);

 private:
  struct Attempt {
    LockId lock;
    Timestamp at{};
  };
  struct Trail {
    std::vector<Attempt> attempts;
    bool alerted{false};
  };

  Options options_;
  std::map<SiteId, std::map<std::string, Trail>> sites_;
};

}  // namespace lw::core
