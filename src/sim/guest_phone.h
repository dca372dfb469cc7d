// A guest's phone at a door (docs/protocol.md section 10), over Bluetooth: it
// asks the lock for a challenge, signs it with the guest key the scenario's
// `guest_seed` derives, and presents the grant it holds. The lock decides
// alone; no network is involved.
//
// Threading: a pure function of the lock it is handed.
#pragma once

#include "base/time.h"
#include "firmware/lock_firmware.h"
#include "sim/scenario.h"

namespace lw::sim {

/// `fault`: a guest_key fault (grant, guest_seed).
firmware::LockFirmware::GuestAttempt present_guest_key(firmware::LockFirmware& lock,
                                                       const ScenarioFault& fault, Timestamp now);

}  // namespace lw::sim
