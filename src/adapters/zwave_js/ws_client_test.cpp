// The WebSocket URL the [zwave_js] configuration names. The client itself
// runs against the real zwave-js-server in tests/e2e/17_zwave_js_test.cpp.
#include "adapters/zwave_js/ws_client.h"

#include <gtest/gtest.h>

namespace lw::adapters::zwave_js {
namespace {

TEST(WsUrl, HostPortAndPathAreSplit) {
  auto u = parse_ws_url("ws://127.0.0.1:3000", "url");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "3000");
  EXPECT_EQ(u->target, "/");
  auto named = parse_ws_url("ws://zwave-js.local/api", "url");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->host, "zwave-js.local");
  EXPECT_EQ(named->port, "80");
  EXPECT_EQ(named->target, "/api");
  auto v6 = parse_ws_url("ws://[::1]:3000", "url");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "3000");
}

TEST(WsUrl, WhatIsNotAWebSocketUrlIsRefusedNamingTheField) {
  auto error_of = [](std::string_view url) {
    auto u = parse_ws_url(url, "zwave_js.url");
    return u ? std::string("accepted") : u.error().message;
  };
  EXPECT_EQ(error_of("wss://host:3000"), "zwave_js.url: must start with ws://");
  EXPECT_EQ(error_of("http://host:3000"), "zwave_js.url: must start with ws://");
  EXPECT_EQ(error_of("ws://:3000"), "zwave_js.url: must name a host");
  EXPECT_EQ(error_of("ws://host:0"), "zwave_js.url: port must be 1..65535");
  EXPECT_EQ(error_of("ws://host:70000"), "zwave_js.url: port must be 1..65535");
  EXPECT_EQ(error_of("ws://host:3x"), "zwave_js.url: port must be 1..65535");
  EXPECT_EQ(error_of("ws://user:pw@host:3000"), "zwave_js.url: must not hold credentials (user@host)");
}

}  // namespace
}  // namespace lw::adapters::zwave_js
