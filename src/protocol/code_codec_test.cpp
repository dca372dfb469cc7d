// Code commands and read-backs on the wire (docs/protocol.md, section 8): the
// doc's examples decode, encoding reproduces them, and every broken field is
// named.
#include "protocol/code_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/code_crypto.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "protocol/testing/doc_examples.h"

namespace lw::protocol {
namespace {

using core::CodeAction;
using core::CodeScheduleKind;

std::string body_error(std::string body) {
  auto r = decode_command_body(body);
  return r ? std::string("ok") : r.error().message;
}

std::string with(std::string_view base, std::string_view from, std::string_view to) {
  std::string s(base);
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(CodeCodec, SetCodeBodyOfTheDocDecodesAndEncodesByteForByte) {
  auto c = decode_command_body(doc_examples::kSetCodeBody);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->code.has_value());
  EXPECT_EQ(c->code->action, CodeAction::set_code);
  EXPECT_EQ(c->code->slot, 3);
  EXPECT_EQ(c->code->user, 12);
  EXPECT_EQ(c->code->schedule.kind, CodeScheduleKind::weekly);
  EXPECT_EQ(c->code->schedule.days, 1U << 4U);
  EXPECT_EQ(c->code->schedule.start_min, 22 * 60);
  EXPECT_EQ(c->code->schedule.end_min, 6 * 60);
  EXPECT_EQ(c->code->schedule.utc_offset_min, 60);
  EXPECT_EQ(encode_command_body(*c), doc_examples::kSetCodeBody);
}

TEST(CodeCodec, ReadCodesBodyOfTheDocDecodesAndEncodesByteForByte) {
  auto c = decode_command_body(doc_examples::kReadCodesBody);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->code.has_value());
  EXPECT_EQ(c->code->action, CodeAction::read_codes);
  EXPECT_EQ(c->code->slot, 1);
  EXPECT_EQ(encode_command_body(*c), doc_examples::kReadCodesBody);
}

TEST(CodeCodec, ResultWithCodesOfTheDocDecodesAndEncodesByteForByte) {
  auto r = decode_result(doc_examples::kResultCodes);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->codes.has_value());
  ASSERT_EQ(r->codes->slots.size(), 1U);
  EXPECT_EQ(r->codes->slots[0].slot, 3);
  EXPECT_EQ(r->codes->slots[0].digest, "AAECAwQFBgcICQoLDA0ODw==");
  EXPECT_FALSE(r->codes->next_slot.has_value());
  EXPECT_EQ(encode_result(*r), doc_examples::kResultCodes);
}

TEST(CodeCodec, SetSettingsBodyOfTheDocDecodesAndEncodesByteForByte) {
  auto c = decode_command_body(doc_examples::kSetSettingsBody);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->code.has_value());
  EXPECT_EQ(c->code->action, CodeAction::set_settings);
  EXPECT_EQ(c->code->settings, (core::LockSettings::keypad(3, 120)));
  EXPECT_EQ(encode_command_body(*c), doc_examples::kSetSettingsBody);
  auto r = decode_result(doc_examples::kResultCodes);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->codes->settings, (core::LockSettings::keypad(3, 120)))
      << "every code answer tells the lock's settings";
  const std::string_view set = doc_examples::kSetSettingsBody;
  EXPECT_EQ(body_error(with(set, R"("wrong_code_entry_limit":3)", R"("wrong_code_entry_limit":0)")),
            "cmd.body.settings.wrong_code_entry_limit: must be an integer 1..255");
  auto one = decode_command_body(with(set, R"(,"user_code_temporary_disable_s":120)", ""));
  ASSERT_TRUE(one) << "a setting left out is left as the lock has it";
  EXPECT_EQ(one->code->settings.wrong_code_entry_limit, 3);
  EXPECT_FALSE(one->code->settings.user_code_temporary_disable_s);
  EXPECT_EQ(body_error(with(set, R"("wrong_code_entry_limit":3,"user_code_temporary_disable_s":120)",
                            R"("auto_relock_s":-1)")),
            "cmd.body.settings.auto_relock_s: must be an integer 0..65535");
  EXPECT_EQ(body_error(with(set, R"("wrong_code_entry_limit":3,"user_code_temporary_disable_s":120)",
                            R"("sound_volume":"loud")")),
            "cmd.body.settings.sound_volume: must be one of silent, low, high");
  EXPECT_EQ(body_error(with(set, R"("wrong_code_entry_limit":3,"user_code_temporary_disable_s":120)", "")),
            "cmd.body.settings: names no setting (wrong_code_entry_limit, user_code_temporary_disable_s, "
            "auto_relock_s, sound_volume)");
  EXPECT_EQ(body_error(with(set, R"("settings":{)", R"("options":{)")), "cmd.body.settings: missing");
  auto broken = decode_result(with(doc_examples::kResultCodes, R"("user_code_temporary_disable_s":120)",
                                   R"("user_code_temporary_disable_s":256)"));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message,
            "result.codes.settings.user_code_temporary_disable_s: must be an integer 1..255");
}

TEST(CodeCodec, WrongCodeEventOfTheDocCarriesItsDigest) {
  auto e = decode_event(doc_examples::kEventWrongCode);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->code_digest, "ZGVmZ2hpamtsbW5vcHFycw==");
  EXPECT_EQ(encode_event(*e), doc_examples::kEventWrongCode);
}

TEST(CodeCodec, BrokenBodyFieldsAreNamed) {
  const std::string_view set = doc_examples::kSetCodeBody;
  EXPECT_EQ(body_error(with(set, R"("slot":3)", R"("slot":65)")), "cmd.body.slot: must be an integer 1..64");
  EXPECT_EQ(body_error(with(set, R"("user":12,)", "")), "cmd.body.user: missing");
  EXPECT_EQ(body_error(with(set, R"("pin_sealed":"AAEC)", R"("pin_sealed":7,"x":"AAEC)")),
            "cmd.body.pin_sealed: must be base64 of a sealed box");
  EXPECT_EQ(body_error(with(set, R"(["fri"])", R"(["friday"])")),
            "cmd.body.schedule.days: must be a list of day names mon..sun");
  EXPECT_EQ(body_error(with(set, R"("end":"06:00")", R"("end":"6am")")),
            "cmd.body.schedule.end: must be a time HH:MM");
  EXPECT_EQ(body_error(with(set, R"("type":"weekly")", R"("type":"monthly")")),
            "cmd.body.schedule.type: must be one of always, date_range, weekly, one_time");
  EXPECT_EQ(body_error(with(set, R"("utc_offset_min":60)", R"("utc_offset_min":900)")),
            "cmd.body.schedule.utc_offset_min: must be an integer -840..840");
  EXPECT_EQ(body_error(with(set, R"("action":"set_code")", R"("action":"set_pin")")),
            "cmd.body.action: must be one of lock, unlock, unlatch, set_code, clear_code, "
            "read_codes, set_code_key, set_settings, ping, recalibrate, revoke_grant");
  EXPECT_EQ(body_error(with(doc_examples::kReadCodesBody, R"("from_slot":1)", R"("from_slot":0)")),
            "cmd.body.from_slot: must be an integer 1..64");
}

TEST(CodeCodec, BrokenReadBackFieldsAreNamedWithTheSlotsPlace) {
  auto error = [](std::string payload) {
    auto r = decode_result(payload);
    return r ? std::string("ok") : r.error().message;
  };
  const std::string_view res = doc_examples::kResultCodes;
  EXPECT_EQ(error(with(res, R"("user":12)", R"("user":0)")),
            "result.codes.slots[0].user: must be an integer 1..65535");
  EXPECT_EQ(error(with(res, R"("days":["fri"],)", "")), "result.codes.slots[0].schedule.days: missing");
  EXPECT_EQ(error(with(res, R"("box_key":"AAEC)", R"("box":"AAEC)")), "result.codes.box_key: missing");
  EXPECT_EQ(error(with(res, R"("slots":[)", R"("slots":{"a":[)")), "payload: not valid JSON");
}

TEST(CodeCodec, DateRangeAndOneTimeSchedulesRoundTrip) {
  core::Command c;
  c.id = "code-1";
  c.target = {"home", "front-door"};
  c.issued_at = from_epoch_ms(1'700'000'000'000);
  c.expires_at = c.issued_at + 30s;
  c.key_id = "hub";
  c.counter = 9;
  core::CodeCommand code;
  code.action = CodeAction::set_code;
  code.slot = 64;
  code.user = 65535;
  code.sealed = "AAAA";
  code.schedule = core::CodeSchedule::date_range(c.issued_at, c.issued_at + std::chrono::days{2});
  c.code = code;
  auto back = decode_command_body(encode_command_body(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->code, c.code);
  code.schedule = core::CodeSchedule::one_time();
  c.code = code;
  back = decode_command_body(encode_command_body(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code, c.code);
  // A date range that ends before it starts is refused by name.
  EXPECT_EQ(body_error(with(encode_command_body(c), R"({"type":"one_time"})",
                            R"({"type":"date_range","from_ms":5,"to_ms":5})")),
            "cmd.body.schedule.to_ms: must be after from_ms");
}

TEST(CodeCrypto, SealedPinOpensOnlyForItsLockAndAtRestOnlyWithItsKey) {
  const BoxKeyPair lock = box_key_pair_from_seed({1});
  const BoxKeyPair other = box_key_pair_from_seed({2});
  const std::string sealed = seal_to("482916", lock.public_key);
  EXPECT_EQ(sealed.find("482916"), std::string::npos);
  std::string out;
  EXPECT_TRUE(open_sealed(sealed, lock, out));
  EXPECT_EQ(out, "482916");
  EXPECT_FALSE(open_sealed(sealed, other, out));
  EXPECT_TRUE(out.empty());

  const AtRestKey key = generate_at_rest_key();
  const SealedAtRest at_rest = seal_at_rest("482916", key);
  EXPECT_EQ(at_rest.ciphertext.find("482916"), std::string::npos);
  auto opened = open_at_rest(at_rest, key);
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "482916");
  auto wrong = open_at_rest(at_rest, generate_at_rest_key());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::corruption);
}

}  // namespace
}  // namespace lw::protocol
