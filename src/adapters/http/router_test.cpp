#include "adapters/http/router.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace lw::adapters::http {
namespace {

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

/// A handler answering `name`, and the bound parameters as "k=v;".
Handler answer(std::string name) {
  return [name = std::move(name)](const Request& r) {
    Response res;
    res.content_type = "text/plain";
    res.body = name;
    for (const auto& [k, v] : r.params) {
      res.body += ' ';
      res.body += k;
      res.body += '=';
      res.body += v;
    }
    return res;
  };
}

std::string error_code_of(const Response& r) {
  return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
}

TEST(Router, LiteralBeatsParameterBeatsRest) {
  Router router;
  router.get("/files/{*rest}", answer("rest"));
  router.get("/files/{name}", answer("param"));
  router.get("/files/index", answer("literal"));
  EXPECT_EQ(router.dispatch(request("GET", "/files/index")).body, "literal");
  EXPECT_EQ(router.dispatch(request("GET", "/files/a%2Db")).body, "param name=a-b");
  EXPECT_EQ(router.dispatch(request("GET", "/files/a/b/c")).body, "rest rest=a/b/c");
}

TEST(Router, RestSegmentTakesTheRemainingPathEvenWhenEmpty) {
  Router router;
  router.get("/static/{*path}", answer("static"));
  EXPECT_EQ(router.dispatch(request("GET", "/static/")).body, "static path=");
  EXPECT_EQ(router.dispatch(request("GET", "/static")).body, "static path=");
  EXPECT_EQ(router.dispatch(request("GET", "/static/assets/x.js")).body, "static path=assets/x.js");
}

TEST(Router, UnknownPathIs404AndKnownPathWithOtherMethodIs405) {
  Router router;
  router.get("/api/v1/locks", answer("locks"));
  Response missing = router.dispatch(request("GET", "/api/v1/nope"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_code_of(missing), "not_found");
  Response wrong = router.dispatch(request("POST", "/api/v1/locks"));
  EXPECT_EQ(wrong.status, 405);
  ASSERT_EQ(wrong.headers.size(), 1U);
  EXPECT_EQ(wrong.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, HEAD"}));
}

// Found by fuzz_http_api (finding-answer-not-json): a path of bytes that are
// not UTF-8 was echoed into the 404's message, so the answer was not JSON.
TEST(Router, AnAnswerEchoingAPathOfAnyBytesIsStillOneLineOfJson) {
  Router router;
  router.get("/api/v1/locks/{id}", [](const Request& r) {
    return error_response(not_found("lock '" + r.params.at("id") + "' not found"));
  });
  for (const std::string& path : {std::string("/api/v1/lock\x8d\x91"), std::string("/api/v1/locks/%ff%0a%1b"),
                                  "/api/v1/" + std::string(5000, 'x')}) {
    Request req = request("GET", "");
    ASSERT_TRUE(parse_target(path, req));
    Response r = router.dispatch(req);
    EXPECT_EQ(r.status, 404);
    boost::json::error_code ec;
    boost::json::value body = boost::json::parse(r.body, ec);
    ASSERT_FALSE(ec) << r.body;
    const std::string message(body.at("error").at("message").as_string());
    EXPECT_LT(message.size(), 200U) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(Router, HeadIsAnsweredByTheGetRoute) {
  Router router;
  router.get("/x", answer("x"));
  EXPECT_EQ(router.dispatch(request("HEAD", "/x")).body, "x");
}

TEST(Router, FallbackAnswersWhatNoPatternMatchesWithAnyMethod) {
  Router router;
  router.get("/api/v1/locks", answer("locks"));
  router.fallback(answer("fallback"));
  EXPECT_EQ(router.dispatch(request("GET", "/locks/door-a")).body, "fallback");
  EXPECT_EQ(router.dispatch(request("DELETE", "/anything")).body, "fallback");
  EXPECT_EQ(router.dispatch(request("GET", "/")).body, "fallback");
}

TEST(Router, RegisteredRoutesWinOverTheFallback) {
  Router router;
  router.fallback(answer("fallback"));
  router.get("/api/v1/locks/{id}", answer("lock"));
  router.get("/", answer("root"));
  EXPECT_EQ(router.dispatch(request("GET", "/api/v1/locks/a")).body, "lock id=a");
  EXPECT_EQ(router.dispatch(request("GET", "/")).body, "root");
  // The path is known, only the method is wrong: 405, not the fallback.
  EXPECT_EQ(router.dispatch(request("POST", "/api/v1/locks/a")).status, 405);
}

TEST(Router, BadPercentEncodingIs400EvenWithAFallback) {
  Router router;
  router.fallback(answer("fallback"));
  Response r = router.dispatch(request("GET", "/a%zz"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code_of(r), "invalid_argument");
}

TEST(Router, FallbackSeesTheRawPathAndNoParameters) {
  Router router;
  router.fallback([](const Request& r) {
    Response res;
    res.body = r.path + (r.params.empty() ? "" : " params");
    return res;
  });
  EXPECT_EQ(router.dispatch(request("GET", "/a%2Fb")).body, "/a%2Fb");
}

TEST(Router, HandlerThatThrowsGives500) {
  Router router;
  router.fallback([](const Request&) -> Response { throw std::runtime_error("boom"); });
  Response r = router.dispatch(request("GET", "/x"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("boom"), std::string::npos);
}

}  // namespace
}  // namespace lw::adapters::http
