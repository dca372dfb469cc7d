#include "adapters/system/local_ca.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "adapters/system/key_file.h"

namespace lw::adapters {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

constexpr long kCaDays = 3650;
constexpr long kServerDays = 825;
constexpr long kSecondsPerDay = 24L * 3600L;

Error openssl_error(std::string_view step) {
  std::array<char, 256> text{};
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return internal_error("TLS: " + std::string(step) + " failed");
  ERR_error_string_n(code, text.data(), text.size());
  return internal_error("TLS: " + std::string(step) + ": " + text.data());
}

bool is_ip_literal(const std::string& host) {
  std::array<unsigned char, 16> scratch{};
  return inet_pton(AF_INET, host.c_str(), scratch.data()) == 1 ||
         inet_pton(AF_INET6, host.c_str(), scratch.data()) == 1;
}

bool is_dns_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return host.front() != '.' && host.front() != '-';
}

Result<KeyPtr> new_p256_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("generating a P-256 key");
  return key;
}

Result<void> add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return openssl_error("adding extension " + value);
  return ok();
}

Result<CertPtr> new_certificate(EVP_PKEY* key, const std::string& common_name, long days) {
  CertPtr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1) return openssl_error("serial number");
  serial[0] &= 0x7f;  // a positive INTEGER
  std::unique_ptr<BIGNUM, Deleter<BN_free>> bn(
      BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return openssl_error("serial");
  if (X509_set_version(cert.get(), 2) != 1) return openssl_error("version");
  // Valid from an hour ago, so a client whose clock is a little behind accepts it at once.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * kSecondsPerDay);
  if (X509_set_pubkey(cert.get(), key) != 1) return openssl_error("public key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("lockwarden"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1) {
    return openssl_error("subject name");
  }
  return cert;
}

Result<std::string> pem_text(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return openssl_error("PEM encoding");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Result<void> write_pem_key(const std::string& path, EVP_PKEY* key) {
  auto text = pem_text(
      [key](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  if (!text) return text.error();
  auto w = write_file_atomically(path, *text, 0600);
  OPENSSL_cleanse(text->data(), text->size());
  return w;
}

Result<void> write_pem_cert(const std::string& path, X509* cert) {
  auto text = pem_text([cert](BIO* b) { return PEM_write_bio_X509(b, cert); });
  if (!text) return text.error();
  return write_file_atomically(path, *text, 0644);
}

}  // namespace

LocalCaFiles local_ca_paths(const std::string& dir) {
  std::filesystem::path d(dir);
  return {(d / "ca.crt").string(), (d / "ca.key").string(), (d / "server.crt").string(),
          (d / "server.key").string(), false};
}

Result<LocalCaFiles> create_local_ca(const std::string& dir, std::vector<std::string> hosts) {
  if (hosts.empty()) hosts = {"localhost", "127.0.0.1", "::1"};
  std::string san;
  for (const auto& host : hosts) {
    if (!san.empty()) san += ",";
    if (is_ip_literal(host)) {
      san += "IP:" + host;
    } else if (is_dns_name(host)) {
      san += "DNS:" + host;
    } else {
      return invalid_argument("hosts", "'" + host + "' is neither a DNS name nor an IP address");
    }
  }
  LocalCaFiles files = local_ca_paths(dir);
  std::error_code ec;
  bool all_there = true;
  for (const auto* path : {&files.ca_cert, &files.ca_key, &files.server_cert, &files.server_key}) {
    all_there = all_there && std::filesystem::exists(*path, ec);
  }
  if (all_there) return files;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable(dir + ": cannot be created: " + ec.message());

  auto ca_key = new_p256_key();
  if (!ca_key) return ca_key.error();
  auto ca = new_certificate(ca_key->get(), "lockwarden local CA", kCaDays);
  if (!ca) return ca.error();
  X509_set_issuer_name(ca->get(), X509_get_subject_name(ca->get()));
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto r = add_extension(ca->get(), ca->get(), nid, value); !r) return r.error();
  }
  if (X509_sign(ca->get(), ca_key->get(), EVP_sha256()) == 0) return openssl_error("signing the CA");

  auto server_key = new_p256_key();
  if (!server_key) return server_key.error();
  auto server = new_certificate(server_key->get(), hosts.front(), kServerDays);
  if (!server) return server.error();
  X509_set_issuer_name(server->get(), X509_get_subject_name(ca->get()));
  for (auto [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair<int, std::string>{NID_key_usage, "critical,digitalSignature"},
                            std::pair<int, std::string>{NID_ext_key_usage, "serverAuth"},
                            std::pair<int, std::string>{NID_subject_alt_name, san},
                            std::pair<int, std::string>{NID_authority_key_identifier, "keyid:always"}}) {
    if (auto r = add_extension(server->get(), ca->get(), nid, value); !r) return r.error();
  }
  if (X509_sign(server->get(), ca_key->get(), EVP_sha256()) == 0)
    return openssl_error("signing the certificate");

  if (auto r = write_pem_key(files.ca_key, ca_key->get()); !r) return r.error();
  if (auto r = write_pem_cert(files.ca_cert, ca->get()); !r) return r.error();
  if (auto r = write_pem_key(files.server_key, server_key->get()); !r) return r.error();
  if (auto r = write_pem_cert(files.server_cert, server->get()); !r) return r.error();
  files.created = true;
  return files;
}

}  // namespace lw::adapters
