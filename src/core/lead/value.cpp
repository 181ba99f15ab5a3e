#include "core/lead/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace leadroute {

std::string format_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(d));
    return std::string(buf, res.ptr);
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

bool parse_number(std::string_view s, double* out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), d);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size() || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

static void append_quoted(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

std::string render_value(const ValueView& v) {
  switch (v.kind) {
    case ValueKind::Null:
      return "NULL";
    case ValueKind::Text: {
      std::string out;
      // A trace is for people: very long values are cut, with the length kept visible.
      constexpr size_t kMaxShown = 200;
      if (v.text.size() > kMaxShown) {
        size_t cut = kMaxShown;
        while (cut > 0 && (static_cast<unsigned char>(v.text[cut]) & 0xC0) == 0x80) --cut;
        append_quoted(out, v.text.substr(0, cut));
        out += "... (" + std::to_string(v.text.size()) + " bytes)";
      } else {
        append_quoted(out, v.text);
      }
      return out;
    }
    case ValueKind::Number:
      return format_number(v.number);
    case ValueKind::Boolean:
      return v.boolean ? "true" : "false";
    case ValueKind::TextArray: {
      std::string out = "{";
      for (uint32_t i = 0; i < v.item_count; ++i) {
        if (i) out += ',';
        if (v.items[i].data() == nullptr)
          out += "NULL";
        else
          append_quoted(out, v.items[i]);
      }
      out += '}';
      return out;
    }
  }
  return "NULL";
}

}  // namespace leadroute
