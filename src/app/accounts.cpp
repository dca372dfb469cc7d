#include "app/accounts.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "adapters/system/credentials.h"
#include "adapters/system/mac_key.h"
#include "app/config.h"
#include "core/access/policy.h"

namespace lw::app {
namespace {

using adapters::sqlite::AccountStore;
using core::access::Grant;

Result<std::string> issue_cli_token(AccountStore& accounts, std::int64_t user_id, Timestamp now) {
  const std::string token = adapters::new_token();
  adapters::sqlite::TokenRecord record{adapters::token_hash(token),
                                       user_id,
                                       adapters::sqlite::TokenKind::cli,
                                       now,
                                       std::nullopt,
                                       std::nullopt};
  if (auto a = accounts.add_token(record); !a) return a.error();
  return token;
}

Timestamp wall_now() { return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()); }

}  // namespace

Result<bool> bootstrap_accounts(AccountStore& accounts, const std::string& data_dir, const std::string& owner,
                                Timestamp now) {
  auto count = accounts.count_users();
  if (!count) return count.error();
  if (*count > 0) return false;
  const std::string password = adapters::new_password();
  auto hash = adapters::hash_password(password);
  if (!hash) return hash.error();
  auto id = accounts.add_user(owner, *hash, now);
  if (!id) return id.error();
  if (auto g = accounts.put_grant(*id, {std::string(core::access::kAllSites), core::access::Role::owner});
      !g) {
    return g.error();
  }
  const std::string password_path = (std::filesystem::path(data_dir) / kOwnerPasswordFile).string();
  if (auto w = adapters::write_secret_file(password_path, password); !w) return w.error();
  auto token = issue_cli_token(accounts, *id, now);
  if (!token) return token.error();
  const std::string token_path = (std::filesystem::path(data_dir) / kCliTokenFile).string();
  if (auto w = adapters::write_secret_file(token_path, *token); !w) return w.error();
  spdlog::info(
      "created the owner account '{}': its password is in {} (sign in, change it, delete the file); "
      "the CLI on this machine uses {}",
      owner, password_path, token_path);
  return true;
}

int run_user_command(const UserCommand& c, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string data_dir = c.data_dir.empty() ? "./data" : c.data_dir;
  std::string store_path = (std::filesystem::path(data_dir) / "lockwarden.db").string();
  if (!c.config.empty()) {
    auto config = load_hub_config(c.config);
    if (!config) {
      err << "lockwarden: " << c.config << ": " << config.error().message << "\n";
      return 2;
    }
    data_dir = config->hub.data_dir;
    store_path = config->store_path();
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  auto row_mac =
      adapters::load_or_create_mac_key((std::filesystem::path(data_dir) / "accounts.key").string());
  if (!row_mac) {
    err << "lockwarden: " << row_mac.error().message << "\n";
    return 1;
  }
  auto accounts = AccountStore::open(store_path, adapters::sqlite::Synchronous::full, wall_now(),
                                     std::move(row_mac->mac), row_mac->created);
  if (!accounts) {
    err << "lockwarden: store " << accounts.error().message << "\n";
    return 1;
  }
  AccountStore& store = **accounts;
  auto failed = [&](const Error& e) {
    err << "lockwarden: " << e.message << "\n";
    return 1;
  };

  if (c.action == "list") {
    auto users = store.users();
    if (!users) return failed(users.error());
    for (const auto& u : *users) {
      out << u.name;
      for (const Grant& g : u.grants) out << "  " << g.site << ":" << core::access::to_string(g.role);
      if (!u.password_hash) out << "  (no password)";
      out << "\n";
    }
    return 0;
  }

  if (c.name.empty()) {
    err << "lockwarden: user " << c.action << ": NAME is required\n";
    return 2;
  }
  std::optional<core::access::Role> role;
  if (!c.role.empty()) {
    role = core::access::parse_role(c.role);
    if (!role) {
      err << "lockwarden: --role: must be guest, member, manager or owner\n";
      return 2;
    }
  }
  if (!core::access::valid_grant_site(c.site)) {
    err << "lockwarden: --site: must be a site id or \"*\"\n";
    return 2;
  }
  auto read_or_make_password = [&]() -> std::pair<std::string, bool> {
    if (!c.password_stdin) return {adapters::new_password(), true};
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return {line, false};
  };

  if (c.action == "add") {
    if (!role) {
      err << "lockwarden: user add: --role is required\n";
      return 2;
    }
    auto [password, generated] = read_or_make_password();
    if (password.size() < 10) {
      err << "lockwarden: password: must be at least 10 characters\n";
      return 2;
    }
    auto hash = adapters::hash_password(password);
    if (!hash) return failed(hash.error());
    auto id = store.add_user(c.name, *hash, wall_now());
    if (!id) return failed(id.error());
    if (auto g = store.put_grant(*id, {c.site, *role}); !g) return failed(g.error());
    out << "added " << c.name << " (" << c.role << " on " << c.site << ")\n";
    if (generated) out << "password: " << password << "\n(shown once; it is stored only as a hash)\n";
    return 0;
  }

  auto account = store.find_user(c.name);
  if (!account) return failed(account.error());
  if (!*account) {
    err << "lockwarden: user '" << c.name << "' not found\n";
    return 1;
  }
  const std::int64_t id = (*account)->id;

  if (c.action == "remove") {
    if (auto r = store.remove_user(id); !r) return failed(r.error());
    out << "removed " << c.name << " (its tokens no longer work)\n";
    return 0;
  }
  if (c.action == "grant") {
    if (!role) {
      err << "lockwarden: user grant: --role is required\n";
      return 2;
    }
    if (auto g = store.put_grant(id, {c.site, *role}); !g) return failed(g.error());
    out << c.name << " is " << c.role << " on " << c.site << "\n";
    return 0;
  }
  if (c.action == "revoke") {
    auto r = store.remove_grant(id, c.site);
    if (!r) return failed(r.error());
    if (!*r) {
      err << "lockwarden: " << c.name << " holds no grant on " << c.site << "\n";
      return 1;
    }
    out << c.name << " no longer holds a grant on " << c.site << "\n";
    return 0;
  }
  if (c.action == "passwd") {
    auto [password, generated] = read_or_make_password();
    if (password.size() < 10) {
      err << "lockwarden: password: must be at least 10 characters\n";
      return 2;
    }
    auto hash = adapters::hash_password(password);
    if (!hash) return failed(hash.error());
    if (auto s = store.set_password(id, *hash); !s) return failed(s.error());
    auto revoked = store.revoke_tokens_of(id, adapters::sqlite::TokenKind::session, wall_now());
    if (!revoked) return failed(revoked.error());
    out << "password of " << c.name << " set; " << *revoked << " sessions signed out\n";
    if (generated) out << "password: " << password << "\n(shown once; it is stored only as a hash)\n";
    return 0;
  }
  if (c.action == "token") {
    auto token = issue_cli_token(store, id, wall_now());
    if (!token) return failed(token.error());
    if (c.write_cli_token) {
      const std::string path = (std::filesystem::path(data_dir) / kCliTokenFile).string();
      if (auto w = adapters::write_secret_file(path, *token); !w) return failed(w.error());
      out << "wrote a new token of " << c.name << " to " << path << "\n";
    } else {
      out << *token << "\n";
    }
    return 0;
  }
  err << "lockwarden: user: unknown action '" << c.action << "'\n";
  return 2;
}

}  // namespace lw::app
