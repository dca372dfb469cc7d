#include "protocol/unpair_command.h"

#include <boost/json.hpp>
#include <utility>

#include "protocol/json_reader.h"

namespace lw::protocol {

bool is_unpair_body(std::string_view body) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("cmd.body", body);
  if (!object) return false;
  auto action = detail::FieldReader(**object, "cmd.body").text("action", 1, 16);
  return action && *action == "unpair";
}

Result<UnpairCommand> decode_unpair_body(std::string_view body) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("cmd.body", body);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "cmd.body");
  if (auto v = f.version(); !v) return v.error();
  UnpairCommand u;
  core::Command& c = u.command;
  auto id = f.id("id");
  if (!id) return id.error();
  c.id = std::move(*id);
  auto site = f.id("site");
  if (!site) return site.error();
  c.target.site = std::move(*site);
  auto lock = f.id("lock");
  if (!lock) return lock.error();
  c.target.lock = std::move(*lock);
  auto action = f.text("action", 1, 16);
  if (!action || *action != "unpair") return f.fail("action", "must be unpair");
  auto issued = f.time("issued_ms");
  if (!issued) return issued.error();
  c.issued_at = *issued;
  auto expires = f.time("expires_ms");
  if (!expires) return expires.error();
  if (*expires < *issued) return f.fail("expires_ms", "must not be before issued_ms");
  c.expires_at = *expires;
  auto counter = f.unsigned_integer("counter", 1);
  if (!counter) return counter.error();
  c.counter = *counter;
  auto key_id = f.id("key_id");
  if (!key_id) return key_id.error();
  c.key_id = std::move(*key_id);
  auto subject = f.id("subject_key_id");
  if (!subject) return subject.error();
  u.subject_key_id = std::move(*subject);
  return u;
}

std::string encode_unpair_body(const UnpairCommand& u) {
  const core::Command& c = u.command;
  boost::json::object o;
  o["v"] = 1;
  o["id"] = c.id;
  o["site"] = c.target.site;
  o["lock"] = c.target.lock;
  o["action"] = "unpair";
  o["issued_ms"] = to_epoch_ms(c.issued_at);
  o["expires_ms"] = to_epoch_ms(c.expires_at);
  o["counter"] = c.counter;
  o["key_id"] = c.key_id;
  o["subject_key_id"] = u.subject_key_id;
  return boost::json::serialize(o);
}

std::string seal_unpair(const UnpairCommand& unpair, const SigningKey& key) {
  return seal_body(unpair.command.key_id, encode_unpair_body(unpair), key);
}

}  // namespace lw::protocol
