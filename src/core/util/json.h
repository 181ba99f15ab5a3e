// A small JSON writer (for decision traces) and parser (for rendering traces and reading
// working_hours). Parsing is iterative over a bounded depth and never trusts its input.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(uint64_t n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }
  void clear() {
    out_.clear();
    first_.clear();
    after_key_ = false;
  }

 private:
  void separator();
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

void append_json_string(std::string& out, std::string_view s);

struct JsonValue {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;  // in document order

  const JsonValue* get(std::string_view key) const;
  bool is_null() const { return type == Type::Null; }
  // Convenience accessors with defaults for absent or mistyped members.
  std::string str(std::string_view key, std::string_view fallback = "") const;
  double num(std::string_view key, double fallback = 0) const;
  bool flag(std::string_view key, bool fallback = false) const;
  bool has(std::string_view key) const { return get(key) != nullptr && !get(key)->is_null(); }
};

struct JsonParseError : std::runtime_error {
  JsonParseError(const std::string& m, size_t at) : std::runtime_error(m), offset(at) {}
  size_t offset;
};

JsonValue parse_json(std::string_view text);

}  // namespace leadroute
