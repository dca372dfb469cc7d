#include "sim/guest_phone.h"

#include "protocol/guest_grant.h"

namespace lw::sim {

firmware::LockFirmware::GuestAttempt present_guest_key(firmware::LockFirmware& lock,
                                                       const ScenarioFault& fault, Timestamp now) {
  const std::string grant = fault.grant.value_or("");
  // The phone knows the id of the grant it holds.
  std::string grant_id;
  if (auto envelope = protocol::open_envelope(grant)) {
    if (auto g = protocol::decode_grant_body(envelope->body)) grant_id = g->id;
  }
  const std::string challenge = lock.guest_challenge(now);
  std::string proof;
  if (auto key = protocol::key_pair_from_text_seed(fault.guest_seed.value_or(""))) {
    proof = protocol::encode_signature(
        key->secret.sign(protocol::guest_proof_message(lock.address(), challenge, grant_id)));
  }
  return lock.present_guest_key(grant, proof, now);
}

}  // namespace lw::sim
