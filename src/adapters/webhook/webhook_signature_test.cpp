#include "adapters/webhook/webhook_signature.h"

#include <gtest/gtest.h>

namespace lw::adapters::webhook {
namespace {

// The expected digests were computed independently with Python:
//   import hmac, hashlib
//   hmac.new(b"key", b"The quick brown fox jumps over the lazy dog", hashlib.sha256).hexdigest()
//   hmac.new(b"It is a secret of 32 characters!", b'{"id":"d-1","type":"lock.online"}',
//            hashlib.sha256).hexdigest()
//   hmac.new(b"x" * 100, b"", hashlib.sha256).hexdigest()   # a key longer than a block

TEST(WebhookSignature, IsTheHexHmacSha256OfTheBodyKeyedWithTheSecret) {
  EXPECT_EQ(sign("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  EXPECT_EQ(sign("It is a secret of 32 characters!", R"({"id":"d-1","type":"lock.online"})"),
            "sha256=018f94902500b7e92fa2a4332eae0fbeda3ea20f9229bf42c177636db87eebea");
  EXPECT_EQ(sign(std::string(100, 'x'), ""),
            "sha256=f27e9d033f8afb8db9abbb1cee40470512ffbe9e76153cc2481ec7e812869b6f");
}

TEST(WebhookSignature, VerifyAcceptsTheSignatureInEitherCaseAndRefusesAnyChange) {
  const std::string body = R"({"id":"d-1","type":"lock.online"})";
  const std::string secret = "It is a secret of 32 characters!";
  EXPECT_TRUE(
      verify(secret, body, "sha256=018f94902500b7e92fa2a4332eae0fbeda3ea20f9229bf42c177636db87eebea"));
  EXPECT_TRUE(
      verify(secret, body, "sha256=018F94902500B7E92FA2A4332EAE0FBEDA3EA20F9229BF42C177636DB87EEBEA"));
  EXPECT_FALSE(verify(secret, body + " ", sign(secret, body)));
  EXPECT_FALSE(verify("another secret of 32 characters!", body, sign(secret, body)));
  EXPECT_FALSE(verify(secret, body, "sha256=018f"));
  EXPECT_FALSE(verify(secret, body, "sha1=018f94902500b7e92fa2a4332eae0fbeda3ea20f9229bf42c177636db87eebea"));
  EXPECT_FALSE(verify(secret, body, ""));
}

}  // namespace
}  // namespace lw::adapters::webhook
