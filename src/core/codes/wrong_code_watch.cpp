#include "core/codes/wrong_code_watch.h"

#include <algorithm>

namespace lw::core {

std::string WrongCodeAlert::describe() const {
  std::string out = "the same wrong PIN was tried at " + std::to_string(locks.size()) + " doors of site " +
                    site + " within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(last - first).count()) +
                    " s (" + std::to_string(attempts) + " tries):";
  for (std::size_t i = 0; i < locks.size(); ++i) out += (i == 0 ? " " : ", ") + locks[i];
  return out;
}

std::optional<WrongCodeAlert> WrongCodeWatch::on_wrong_code(const LockAddress& lock,
                                                            const std::string& digest, Timestamp at) {
  auto& trails = sites_[lock.site];
  // Forget what fell out of the window, for every digest of the site.
  for (auto it = trails.begin(); it != trails.end();) {
    auto& attempts = it->second.attempts;
    attempts.erase(std::remove_if(attempts.begin(), attempts.end(),
                                  [&](const Attempt& a) { return at - a.at > options_.window; }),
                   attempts.end());
    if (attempts.empty()) {
      it = trails.erase(it);
    } else {
      ++it;
    }
  }
  Trail& trail = trails[digest];
  trail.attempts.push_back(Attempt{lock.lock, at});
  std::vector<LockId> doors;
  for (const Attempt& a : trail.attempts) {
    if (std::find(doors.begin(), doors.end(), a.lock) == doors.end()) doors.push_back(a.lock);
  }
  if (trail.alerted || static_cast<int>(doors.size()) < options_.doors) return std::nullopt;
  trail.alerted = true;
  WrongCodeAlert alert;
  alert.site = lock.site;
  alert.locks = std::move(doors);
  alert.attempts = static_cast<int>(trail.attempts.size());
  alert.first = trail.attempts.front().at;
  alert.last = at;
  return alert;
}

}  // namespace lw::core
