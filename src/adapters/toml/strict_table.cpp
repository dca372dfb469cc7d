#include "adapters/toml/strict_table.h"

#include <toml++/toml.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include "base/text.h"

namespace lw::adapters {

struct StrictTable::Document {
  toml::table root;
  std::string name;
  std::optional<Error> first_error;
  struct Visited {
    const toml::table* table;
    std::string path;
    std::set<std::string, std::less<>> seen;
  };
  std::vector<std::unique_ptr<Visited>> visited;

  Visited& visit(const toml::table* t, const std::string& path) {
    for (auto& v : visited) {
      if (v->table == t) return *v;
    }
    visited.push_back(std::make_unique<Visited>(Visited{t, path, {}}));
    return *visited.back();
  }
  std::string where(const toml::node* n) const {
    std::string out = name;
    if (n && n->source().begin) {
      out += ":" + std::to_string(n->source().begin.line) + ":" + std::to_string(n->source().begin.column);
    }
    return out;
  }
};

Result<StrictTable> StrictTable::parse_text(std::string_view text, const std::string& name) {
  try {
    auto doc = std::make_shared<Document>();
    doc->root = toml::parse(text, name);
    doc->name = name;
    const toml::table* root = &doc->root;
    return StrictTable(std::move(doc), root, "");
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    // toml++ quotes the offending input ("saw 'f\x15'"): shown() keeps the message one clean line.
    return Error{ErrorCode::invalid_argument, name + ":" + std::to_string(b.line) + ":" +
                                                  std::to_string(b.column) + ": " +
                                                  shown(e.description(), 200)};
  }
}

Result<StrictTable> StrictTable::parse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorCode::not_found, path + ": cannot be read"};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_text(text, path);
}

StrictTable::StrictTable(std::shared_ptr<Document> doc, const toml::table* table, std::string path)
    : doc_(std::move(doc)), table_(table), path_(std::move(path)) {
  doc_->visit(table_, path_);
}

std::string StrictTable::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const toml::node* StrictTable::lookup(std::string_view key) {
  doc_->visit(table_, path_).seen.emplace(key);
  return table_ ? table_->get(key) : nullptr;
}

bool StrictTable::has(std::string_view key) const { return table_ && table_->contains(key); }

void StrictTable::fail_at(const toml::node* where, std::string_view key, std::string_view why) {
  if (doc_->first_error) return;
  doc_->first_error = Error{ErrorCode::invalid_argument, doc_->where(where ? where : table_) + ": " +
                                                             path_of(key) + ": " + std::string(why)};
}

void StrictTable::fail(std::string_view key, std::string_view why) {
  const toml::node* n = table_ ? table_->get(key) : nullptr;
  fail_at(n, key, why);
}

StrictTable StrictTable::table(std::string_view key) {
  const toml::node* n = lookup(key);
  if (n && !n->is_table()) fail_at(n, key, "must be a table");
  static const toml::table empty;
  const toml::table* t = (n && n->is_table()) ? n->as_table() : &empty;
  return {doc_, t, path_of(key)};
}

std::vector<StrictTable> StrictTable::tables(std::string_view key) {
  std::vector<StrictTable> out;
  const toml::node* n = lookup(key);
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr) {
    fail_at(n, key, "must be an array of tables ([[" + std::string(key) + "]])");
    return out;
  }
  std::size_t i = 0;
  for (const auto& item : *arr) {
    std::string p = path_of(key) + "[" + std::to_string(i++) + "]";
    if (!item.is_table()) {
      fail_at(&item, key, "entries must be tables");
      continue;
    }
    out.push_back(StrictTable(doc_, item.as_table(), p));
  }
  return out;
}

void StrictTable::get(std::string_view key, std::string& out) {
  const toml::node* n = lookup(key);
  if (!n) return;
  if (auto v = n->value<std::string>(); v && n->is_string()) {
    out = *v;
  } else {
    fail_at(n, key, "must be a string");
  }
}

void StrictTable::get(std::string_view key, bool& out) {
  const toml::node* n = lookup(key);
  if (!n) return;
  if (n->is_boolean()) {
    out = *n->value<bool>();
  } else {
    fail_at(n, key, "must be true or false");
  }
}

void StrictTable::get(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const toml::node* n = lookup(key);
  if (!n) return;
  if (n->is_integer()) {
    std::int64_t v = *n->value<std::int64_t>();
    if (v >= min && v <= max) {
      out = v;
      return;
    }
  }
  fail_at(n, key, "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
}

void StrictTable::get(std::string_view key, int& out, int min, int max) {
  std::int64_t v = out;
  get(key, v, min, max);
  out = static_cast<int>(v);
}

void StrictTable::get(std::string_view key, double& out, double min, double max) {
  const toml::node* n = lookup(key);
  if (!n) return;
  if (n->is_number()) {
    double v = *n->value<double>();
    if (v >= min && v <= max) {
      out = v;
      return;
    }
  }
  auto text = [](double v) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%g", v);
    return std::string(buf.data());
  };
  fail_at(n, key, "must be a number " + text(min) + ".." + text(max));
}

void StrictTable::get_duration(std::string_view key, Duration& out, Duration min, Duration max) {
  const toml::node* n = lookup(key);
  if (!n) return;
  std::optional<Duration> d;
  if (n->is_integer()) {
    d = std::chrono::seconds(*n->value<std::int64_t>());
  } else if (n->is_string()) {
    if (auto parsed = parse_duration(*n->value<std::string>())) d = *parsed;
  }
  if (d && *d >= min && *d <= max) {
    out = *d;
    return;
  }
  fail_at(n, key,
          R"(must be a duration like "500ms", "30s", "5m", "2h" or "7d" between )" +
              std::to_string(min.count()) + " ms and " + std::to_string(max.count()) + " ms");
}

void StrictTable::get(std::string_view key, std::vector<std::string>& out) {
  const toml::node* n = lookup(key);
  if (!n) return;
  const toml::array* arr = n->as_array();
  std::vector<std::string> values;
  if (arr) {
    for (const auto& item : *arr) {
      if (!item.is_string()) {
        arr = nullptr;
        break;
      }
      values.push_back(*item.value<std::string>());
    }
  }
  if (!arr) {
    fail_at(n, key, "must be an array of strings");
    return;
  }
  out = std::move(values);
}

Result<void> StrictTable::finish() const {
  if (doc_->first_error) return *doc_->first_error;
  for (const auto& v : doc_->visited) {
    if (!v->table) continue;
    for (const auto& [k, node] : *v->table) {
      if (v->seen.contains(k.str())) continue;
      std::string p = v->path.empty() ? std::string(k.str()) : v->path + "." + std::string(k.str());
      return Error{ErrorCode::invalid_argument, doc_->where(&node) + ": " + p + ": unknown key"};
    }
  }
  return ok();
}

Result<Duration> parse_duration(std::string_view text) {
  std::int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc{} || n < 0)
    return invalid_argument("duration", "must start with a non-negative integer");
  std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  if (unit == "ms") return Duration{n};
  if (unit == "s" || unit.empty()) return Duration{std::chrono::seconds(n)};
  if (unit == "m") return Duration{std::chrono::minutes(n)};
  if (unit == "h") return Duration{std::chrono::hours(n)};
  if (unit == "d") return Duration{std::chrono::hours(24 * n)};
  return invalid_argument("duration", "unit must be ms, s, m, h or d");
}

}  // namespace lw::adapters
