#include "adapters/audit/audit_trail.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "adapters/system/key_file.h"
#include "core/audit/audit_detail.h"

namespace lw::adapters::audit {
namespace {

namespace json = boost::json;

constexpr std::string_view kHeadFormat = "lockwarden-audit-head-v1";

std::string base64(const unsigned char* bytes, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

/// Decodes exactly `n` bytes of base64 into `out`; false otherwise.
bool from_base64(std::string_view text, unsigned char* out, std::size_t n) {
  std::size_t len = 0;
  const int rc = sodium_base642bin(out, n, text.data(), text.size(), nullptr, &len, nullptr,
                                   sodium_base64_VARIANT_ORIGINAL);
  return rc == 0 && len == n;
}

/// The whole file, or nullopt when it does not exist or cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

struct SignedHead {
  core::AuditHead head;
  protocol::PublicKey signer;
  protocol::Signature sig{};
};

/// Parses audit.head. Errors: not_found (absent), corruption (malformed; names the field).
Result<SignedHead> read_head(const std::string& path) {
  auto text = read_file(path);
  if (!text) return not_found(path + ": missing");
  auto bad = [&](std::string_view field) {
    return Error{ErrorCode::corruption, path + ": " + std::string(field) + " is missing or malformed"};
  };
  json::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return bad("the JSON object");
  const json::object& o = v.as_object();
  const json::value* format = o.if_contains("format");
  if (format == nullptr || !format->is_string() || format->as_string() != kHeadFormat) return bad("format");
  SignedHead h;
  const json::value* seq = o.if_contains("seq");
  if (seq == nullptr || !seq->is_int64() || seq->as_int64() < 0) return bad("seq");
  h.head.seq = static_cast<std::uint64_t>(seq->as_int64());
  const json::value* hash = o.if_contains("hash");
  if (hash == nullptr || !hash->is_string()) return bad("hash");
  auto parsed = core::hash_from_hex("hash", std::string_view(hash->as_string()));
  if (!parsed) return bad("hash");
  h.head.hash = *parsed;
  const json::value* signer = o.if_contains("public_key");
  if (signer == nullptr || !signer->is_string()) return bad("public_key");
  auto key = protocol::decode_public_key(std::string_view(signer->as_string()));
  if (!key) return bad("public_key");
  h.signer = *key;
  const json::value* sig = o.if_contains("sig");
  if (sig == nullptr || !sig->is_string() ||
      !from_base64(std::string_view(sig->as_string()), h.sig.data(), h.sig.size())) {
    return bad("sig");
  }
  return h;
}

bool signed_by(const SignedHead& h, const protocol::PublicKey& key) {
  if (h.signer != key) return false;
  const std::string message = core::head_input(h.head.seq, h.head.hash);
  return crypto_sign_verify_detached(h.sig.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),  // NOLINT
                                     message.size(), key.bytes.data()) == 0;
}

/// The hub's key pair from hub.key, read only. Errors: not_found, corruption.
Result<protocol::KeyPair> read_hub_key(const std::string& path) {
  auto text = read_file(path);
  if (!text) return not_found(path + ": missing");
  auto secret = protocol::decode_secret_key(trimmed(*text));
  if (!secret) return Error{ErrorCode::corruption, path + ": not a hub key"};
  return protocol::KeyPair{*secret, secret->public_key()};
}

std::string records_text(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " record" : " records"); }

}  // namespace

// --- AuditKey ---

AuditKey::~AuditKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

Result<AuditKey> AuditKey::load(const std::string& path) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialised");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return not_found(path + ": missing");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{ErrorCode::permission_denied, path + ": readable by others; run chmod 600 " + path};
  }
  auto text = read_file(path);
  if (!text) return unavailable(path + ": cannot be read");
  AuditKey key;
  if (!from_base64(trimmed(*text), key.bytes_.data(), key.bytes_.size())) {
    return Error{ErrorCode::corruption, path + ": not an audit key (base64 of 32 bytes)"};
  }
  return key;
}

Result<AuditKey> AuditKey::create(const std::string& path) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialised");
  AuditKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  std::string text = base64(key.bytes_.data(), key.bytes_.size()) + "\n";
  auto won = create_file_once(path, text, 0600);
  sodium_memzero(text.data(), text.size());
  if (!won) return won.error();
  if (!*won) return load(path);  // another process created it first
  return key;
}

core::AuditHash AuditKey::mac(std::string_view bytes) const {
  core::AuditHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT
                     bytes.size(), bytes_.data(), bytes_.size());
  return out;
}

core::AuditMac AuditKey::as_mac() const {
  return [this](std::string_view bytes) { return mac(bytes); };
}

// --- the head ---

Result<void> write_head(const std::string& path, const core::AuditHead& head,
                        const protocol::SigningKey& key) {
  const protocol::Signature sig = key.sign(core::head_input(head.seq, head.hash));
  json::object o{{"format", kHeadFormat},
                 {"seq", static_cast<std::int64_t>(head.seq)},
                 {"hash", core::to_hex(head.hash)},
                 {"public_key", protocol::encode_public_key(key.public_key())},
                 {"sig", base64(sig.data(), sig.size())}};
  return write_file_atomically(path, json::serialize(o) + "\n", 0644);
}

// --- AuditTrail ---

AuditTrail::AuditTrail(AuditPaths paths, std::unique_ptr<sqlite::AuditTable> table, const AuditKey& key,
                       protocol::KeyPair hub, core::AuditHead head)
    : paths_(std::move(paths)), table_(std::move(table)), key_(key), hub_(std::move(hub)), head_(head) {}

Result<std::unique_ptr<AuditTrail>> AuditTrail::open(const AuditPaths& paths, const protocol::KeyPair& hub,
                                                     Timestamp now) {
  auto table = sqlite::AuditTable::open(paths.database, now);
  if (!table) return table.error();
  auto rows = (*table)->read_all();
  if (!rows) return rows.error();
  const bool has_head = exists(paths.head_file());
  const std::string advice =
      "; the hub does not start on a damaged audit log (`lockwarden audit verify` shows it; docs/storage.md "
      "says how to keep it as evidence and begin a new one)";

  auto key = AuditKey::load(paths.key_file());
  if (!key && key.error().code == ErrorCode::not_found) {
    if (!rows->empty() || has_head) {
      return failed_precondition("audit log: " + paths.key_file() + " is missing, so its " +
                                 records_text(rows->size()) + " cannot be checked or extended" + advice);
    }
    key = AuditKey::create(paths.key_file());
  }
  if (!key) return Error{key.error().code, "audit log: " + key.error().message};

  core::AuditHead head;
  if (!has_head) {
    if (!rows->empty()) {
      return failed_precondition("audit log: " + paths.head_file() + " is missing while the log holds " +
                                 records_text(rows->size()) + advice);
    }
    if (auto w = write_head(paths.head_file(), head, hub.secret); !w) return w.error();
  } else {
    auto signed_head = read_head(paths.head_file());
    if (!signed_head) return failed_precondition("audit log: " + signed_head.error().message + advice);
    if (!signed_by(*signed_head, hub.public_key)) {
      return failed_precondition("audit log: " + paths.head_file() + " is not signed by this hub's key" +
                                 advice);
    }
    head = signed_head->head;
  }

  const core::AuditMac mac = key->as_mac();
  core::AuditVerdict verdict = core::verify_chain(*rows, head, mac);
  const bool crashed_before_head =
      verdict.problem == core::AuditProblem::stale_head && verdict.last_seq == head.seq + 1;
  if (!verdict.intact() && !crashed_before_head) {
    return failed_precondition("audit log: " + verdict.message + advice);
  }
  core::AuditHead tail;
  if (!rows->empty()) tail = {rows->back().seq, rows->back().hash};
  auto trail = std::unique_ptr<AuditTrail>(
      new AuditTrail(paths, std::move(*table), *key, protocol::KeyPair{hub}, tail));
  if (crashed_before_head) {
    if (auto w = write_head(paths.head_file(), tail, hub.secret); !w) return w.error();
    core::AuditEntry note{
        now,
        "hub",
        "audit.head_behind",
        "audit:head",
        core::audit_detail({{"head_seq", std::to_string(head.seq)}, {"log_seq", std::to_string(tail.seq)}}),
        "recovered"};
    if (auto a = trail->append(note); !a) return a.error();
  }
  return trail;
}

Result<std::uint64_t> AuditTrail::append(const core::AuditEntry& entry) {
  auto row = table_->append(entry, head_, key_.as_mac());
  if (!row) return row.error();
  head_ = {row->seq, row->hash};
  if (auto w = write_head(paths_.head_file(), head_, hub_.secret); !w) {
    return unavailable("audit.head: record " + std::to_string(row->seq) + " is stored but " +
                       w.error().message);
  }
  return row->seq;
}

Result<std::vector<core::AuditRecord>> AuditTrail::list(std::uint64_t since_seq, int limit) {
  return table_->list(since_seq, limit);
}

// --- verify ---

AuditCheck verify_audit(const AuditPaths& paths) {
  AuditCheck c;
  auto fail = [&c](std::string problem, std::string message) {
    c.problem = std::move(problem);
    c.message = std::move(message);
    return c;
  };
  auto table = sqlite::AuditTable::open_existing(paths.database);
  if (!table) return fail("unreadable", table.error().message);
  auto rows = (*table)->read_all();
  if (!rows) return fail("unreadable", paths.database + ": " + rows.error().message);
  c.records = rows->size();
  auto key = AuditKey::load(paths.key_file());
  if (!key) {
    return fail("missing_key", key.error().code == ErrorCode::not_found
                                   ? paths.key_file() + " is missing: the records cannot be checked"
                                   : key.error().message);
  }
  auto hub = read_hub_key(paths.hub_key_file());
  if (!hub) {
    return fail("missing_key",
                hub.error().code == ErrorCode::not_found
                    ? paths.hub_key_file() + " is missing: the head's signature cannot be checked"
                    : hub.error().message);
  }
  auto head = read_head(paths.head_file());
  if (!head) {
    if (head.error().code == ErrorCode::not_found) {
      return fail("missing_head", paths.head_file() + " is missing: a deleted tail could not be noticed");
    }
    return fail("bad_head", head.error().message);
  }
  if (!signed_by(*head, hub->public_key)) {
    return fail("bad_head_signature", paths.head_file() + " is not signed by this hub's key (" +
                                          paths.hub_key_file() + "): it was forged or replaced");
  }
  core::AuditVerdict v = core::verify_chain(*rows, head->head, key->as_mac());
  if (!v.intact()) {
    c.first_bad = v.first_bad;
    return fail(std::string(core::to_string(v.problem)), v.message);
  }
  c.message = "audit: " + records_text(c.records) + ", chain intact, head signed by this hub";
  return c;
}

}  // namespace lw::adapters::audit
