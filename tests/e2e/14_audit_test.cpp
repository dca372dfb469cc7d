// Every command a user sends is in the audit log, and `lockwarden audit
// verify` finds an edit made to the database file afterwards.
#include <sqlite3.h>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class Audit : public HubE2E {
 protected:
  testing::RunResult audit(std::vector<std::string> args) {
    args.insert(args.begin(), {LW_BINARY, "audit"});
    args.emplace_back("--data-dir");
    args.push_back(data_dir().string());
    return testing::run_program(args, 60s);
  }

  /// Waits for the action behind a 202 to finish; its final status.
  std::string finished(const Reply& accepted) {
    if (accepted.status != 202) return "not accepted";
    const std::string id(accepted.body.at("action").at("id").as_string());
    std::string status;
    eventually(
        [&] {
          status = field(get("/api/v1/actions/" + id).at("action"), "status");
          return status != "pending";
        },
        10s);
    return status;
  }

  /// Runs SQL on the hub's database file, as someone with write access to it would.
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_dir() / "lockwarden.db").c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message != nullptr ? message : "?");
    sqlite3_free(message);
    sqlite3_close(db);
  }

  void stop_everything() {
    sim_->signal(SIGTERM);
    sim_->wait(5s);
    hub_->signal(SIGTERM);
    ASSERT_EQ(hub_->wait(10s), 0) << logs();
  }
};

TEST_F(Audit, CommandsAreRecordedAndAnEditedRecordIsFound) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  ASSERT_EQ(finished(post("/api/v1/locks/door-a/lock")), "succeeded") << logs();
  ASSERT_EQ(finished(post("/api/v1/locks/door-a/unlock")), "succeeded") << logs();

  // The API shows who asked for what, that it went out, and how it ended.
  json::value page = get("/api/v1/audit?limit=1000");
  ASSERT_TRUE(page.is_object()) << logs();
  std::vector<json::object> requests;
  int sent = 0;
  int succeeded = 0;
  for (const json::value& r : page.at("records").as_array()) {
    const json::object& o = r.as_object();
    if (o.at("action") == "command.request") requests.push_back(o);
    if (o.at("action") == "command.send" && o.at("outcome") == "sent") ++sent;
    if (o.at("action") == "command.result" && o.at("outcome") == "succeeded") ++succeeded;
  }
  ASSERT_EQ(requests.size(), 2U) << json::serialize(page);
  EXPECT_EQ(requests[1].at("actor"), "user:admin@127.0.0.1");
  EXPECT_EQ(requests[1].at("target"), "lock:door-a");
  EXPECT_EQ(requests[1].at("outcome"), "accepted");
  EXPECT_EQ(requests[1].at("detail").at("action"), "unlock");
  EXPECT_EQ(sent, 2);
  EXPECT_EQ(succeeded, 2);
  EXPECT_EQ(page.at("records").as_array().front().at("action"), "hub.start");
  json::value first_two = get("/api/v1/audit?limit=2");
  EXPECT_EQ(first_two.at("next_since_seq"), 2) << json::serialize(first_two);
  json::value bad = get("/api/v1/audit?limit=0");
  EXPECT_EQ(bad.at("error").at("message"), "limit: must be an integer 1..1000");

  stop_everything();
  auto listed = audit({"list", "--limit", "1000", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  const json::array records = json::parse(listed.output).at("records").as_array();
  ASSERT_GT(records.size(), page.at("records").as_array().size());
  EXPECT_EQ(records.back().at("action"), "hub.stop");

  auto verified = audit({"verify"});
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("audit: " + std::to_string(records.size()) +
                                 " records, chain intact, head signed by this hub"),
            std::string::npos)
      << verified.output;

  // Someone with write access to the database turns the unlock into a lock.
  const std::int64_t seq = requests[1].at("seq").as_int64();
  tamper(R"(UPDATE audit_log SET detail = replace(detail, '"unlock"', '"lock"') WHERE seq = )" +
         std::to_string(seq));
  auto caught = audit({"verify"});
  EXPECT_EQ(caught.exit_code, 1) << caught.output;
  EXPECT_NE(caught.output.find("record " + std::to_string(seq) + " was edited"), std::string::npos)
      << caught.output;
  auto as_json = audit({"verify", "--json"});
  EXPECT_EQ(as_json.exit_code, 1);
  json::value report = json::parse(as_json.output);
  EXPECT_EQ(report.at("problem"), "edited");
  EXPECT_EQ(report.at("first_bad"), seq);

  // The hub does not start on it either.
  auto serve = testing::run_program({LW_BINARY, "serve", "--config", (dir_ / "hub.toml").string()}, 30s);
  EXPECT_EQ(serve.exit_code, 1) << serve.output;
  EXPECT_NE(serve.output.find("record " + std::to_string(seq) + " was edited"), std::string::npos)
      << serve.output;
}

TEST_F(Audit, AcceptedUnlockIsInTheLogAfterAKill) {
  start_hub("[[site]]\nid = \"e2e\"\n[[lock]]\nid = \"door-a\"\nsite = \"e2e\"\n");
  auto accepted = post("/api/v1/locks/door-a/unlock");
  ASSERT_EQ(accepted.status, 202) << logs();
  const std::string id(accepted.body.at("action").at("id").as_string());
  hub_->signal(SIGKILL);
  hub_->wait(5s);

  auto verified = audit({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  auto listed = audit({"list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  bool found = false;
  const json::value parsed = json::parse(listed.output);
  for (const json::value& r : parsed.at("records").as_array()) {
    if (r.at("action") == "command.request" && r.at("detail").at("action_id") == json::value(id))
      found = true;
  }
  EXPECT_TRUE(found) << listed.output;

  // A deleted tail is noticed after the kill as well.
  tamper("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)");
  auto truncated = audit({"verify"});
  EXPECT_EQ(truncated.exit_code, 1) << truncated.output;
  EXPECT_NE(truncated.output.find("deleted (truncated tail)"), std::string::npos) << truncated.output;
}

}  // namespace
}  // namespace lw::e2e
