// A guest grant as a lock reads it at the door (docs/protocol.md section 10):
// the envelope the phone presents, then its body. Errors must name a field in
// one bounded line; a body that decodes encodes back to the same grant.
// Input: the envelope text, or a bare body.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "protocol/guest_grant.h"

namespace {

void body(std::string_view text) {
  auto g = lw::fuzz::checked(lw::protocol::decode_grant_body(text));
  if (!g) return;
  LW_FUZZ_CHECK(!g->locks.empty() && g->locks.size() <= lw::protocol::kMaxGrantLocks);
  LW_FUZZ_CHECK(g->not_before < g->not_after);
  auto again = lw::protocol::decode_grant_body(lw::protocol::encode_grant_body(*g));
  LW_FUZZ_CHECK(again && *again == *g);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = lw::fuzz::as_text(data, size);
  if (auto envelope = lw::fuzz::checked(lw::protocol::open_envelope(text))) body(envelope->body);
  body(text);
  return 0;
}
