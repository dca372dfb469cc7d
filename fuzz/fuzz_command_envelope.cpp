// What a lock parses from its `cmd` topic (docs/protocol.md, section 5): the
// signed envelope, the command body inside it, the unauthenticated peek at the
// body's id, and the base64 keys the hub and the lock read from files.
// Input: an envelope or a bare body.
//
// Properties: a body that decodes re-encodes to a body that decodes to the
// same command; peek_command_id agrees with the decoded id.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "protocol/envelope.h"

namespace {

void check_body(std::string_view body) {
  using namespace lw::protocol;
  const auto peeked = peek_command_id(body);
  auto command = lw::fuzz::checked(decode_command_body(body));
  if (!command) return;
  LW_FUZZ_CHECK(peeked.has_value() && *peeked == command->id);
  const std::string bytes = encode_command_body(*command);
  auto again = lw::fuzz::checked(decode_command_body(bytes));
  LW_FUZZ_CHECK(again.has_value());
  LW_FUZZ_CHECK(encode_command_body(*again) == bytes);
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw::protocol;
  const std::string_view input = lw::fuzz::as_text(data, size);
  if (auto opened = lw::fuzz::checked(open_envelope(input))) {
    LW_FUZZ_CHECK(!opened->body.empty());
    check_body(opened->body);
  }
  check_body(input);
  if (auto key = lw::fuzz::checked(decode_public_key(input))) LW_FUZZ_CHECK(encode_public_key(*key) == input);
  (void)lw::fuzz::checked(decode_secret_key(input));
  return 0;
}
