// Values a rule condition sees: a lead field, a derived field, an attribute or a literal.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

enum class ValueKind : uint8_t { Null, Text, Number, Boolean, TextArray };

// A non-owning view of one value. Text and array items point into memory owned elsewhere (the
// shim's copy of the row, or a literal inside a compiled condition).
struct ValueView {
  ValueKind kind = ValueKind::Null;
  bool boolean = false;
  double number = 0;
  std::string_view text;
  const std::string_view* items = nullptr;  // TextArray; an item with data() == nullptr is NULL
  uint32_t item_count = 0;

  static ValueView null() { return {}; }
  static ValueView of_text(std::string_view s) {
    ValueView v;
    v.kind = ValueKind::Text;
    v.text = s;
    return v;
  }
  static ValueView of_number(double d) {
    ValueView v;
    v.kind = ValueKind::Number;
    v.number = d;
    return v;
  }
  static ValueView of_boolean(bool b) {
    ValueView v;
    v.kind = ValueKind::Boolean;
    v.boolean = b;
    return v;
  }
  static ValueView of_array(const std::string_view* items, uint32_t count) {
    ValueView v;
    v.kind = ValueKind::TextArray;
    v.items = items;
    v.item_count = count;
    return v;
  }
  bool is_null() const { return kind == ValueKind::Null; }
};

// Renders a value the way SQL would print it as a literal: 'US', 500, true, NULL, {'a','b'}.
std::string render_value(const ValueView& v);

// Formats a number without a trailing ".0" for integral values (500, not 500.000000).
std::string format_number(double d);

// Parses a whole string as a decimal number (no locale); false if it is not one.
bool parse_number(std::string_view s, double* out);

}  // namespace leadroute
