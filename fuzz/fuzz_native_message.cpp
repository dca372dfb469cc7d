// A message as the hub receives it on lw/v1/+/+/+ (docs/protocol.md): the
// topic is parsed, then the payload decoded by its channel's decoder, as
// MqttDeviceLink does. Input: the topic, a newline, the payload.
//
// Besides "no crash, no leak, no undefined behaviour", every accepted payload
// must survive a round trip: encode(decode(x)) decodes again to a value that
// encodes to the same bytes (the encoder trusts the decoder's validation).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "protocol/pairing_exchange.h"
#include "protocol/topics.h"

namespace lw::fuzz {
namespace {

template <typename Decode, typename Encode>
void round_trip(std::string_view payload, Decode decode, Encode encode) {
  auto first = checked(decode(payload));
  if (!first) return;
  const std::string bytes = encode(*first);
  auto second = decode(bytes);
  LW_FUZZ_CHECK(second.has_value());
  LW_FUZZ_CHECK(encode(*second) == bytes);
}

}  // namespace
}  // namespace lw::fuzz

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw;
  using namespace lw::protocol;
  const fuzz::Message m = fuzz::split_message(fuzz::as_text(data, size));
  auto topic = fuzz::checked(parse_topic(m.topic));
  if (!topic) return 0;
  // A valid topic names valid ids, and prints back to itself.
  LW_FUZZ_CHECK(topic_for(topic->address, topic->channel) == m.topic);
  switch (topic->channel) {
    case Channel::status:
      fuzz::round_trip(m.payload, decode_status, [](const auto& v) { return encode_status(v); });
      break;
    case Channel::telemetry:
      fuzz::round_trip(m.payload, decode_telemetry, [](const auto& v) { return encode_telemetry(v); });
      break;
    case Channel::state:
      fuzz::round_trip(m.payload, decode_state, [](const auto& v) { return encode_state(v); });
      break;
    case Channel::event:
      fuzz::round_trip(m.payload, decode_event, [](const auto& v) { return encode_event(v); });
      break;
    case Channel::result:
      fuzz::round_trip(m.payload, decode_result, [](const auto& v) { return encode_result(v); });
      break;
    case Channel::app: (void)fuzz::checked(decode_app_report(m.payload)); break;
    case Channel::cmd:
      // What a lock reads: the envelope, then (after the signature, which a
      // fuzzer cannot forge) the body. fuzz_command_envelope covers the body.
      if (auto opened = fuzz::checked(open_envelope(m.payload))) (void)peek_command_id(opened->body);
      break;
    case Channel::pair:
    case Channel::pair_reply:
      // The pairing exchange's messages (docs/protocol.md 6.2) re-encode to ones that decode the same.
      if (auto message = fuzz::checked(decode_pair_message(m.payload))) {
        auto again = decode_pair_message(encode_pair_message(*message));
        LW_FUZZ_CHECK(again.has_value());
        LW_FUZZ_CHECK(encode_pair_message(*again) == encode_pair_message(*message));
      }
      break;
  }
  return 0;
}
