// Test helpers shared by the condition, normalize and router tests: a lead that owns the strings
// its LeadValues views point into, and a UTF-8 validity check.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/condition/condition.h"
#include "core/lead/fields.h"

namespace leadroute {

// Found by argument-dependent lookup, so gtest prints True / False / Unknown.
inline void PrintTo(Tri t, std::ostream* os) {
  *os << (t == Tri::True ? "True" : t == Tri::False ? "False" : "Unknown");
}

}  // namespace leadroute

namespace leadroute::testing {

class TestLead {
 public:
  explicit TestLead(size_t attribute_slots = 0) { values.clear(attribute_slots); }

  TestLead& text(FieldId id, std::string s) {
    strings_.push_back(std::move(s));
    values.set(id, ValueView::of_text(strings_.back()));
    return *this;
  }
  TestLead& number(FieldId id, double d) {
    values.set(id, ValueView::of_number(d));
    return *this;
  }
  TestLead& boolean(FieldId id, bool b) {
    values.set(id, ValueView::of_boolean(b));
    return *this;
  }
  TestLead& null(FieldId id) {
    values.set(id, ValueView::null());
    return *this;
  }
  // Items that are nullopt are NULL elements of the array.
  TestLead& array(FieldId id, const std::vector<std::optional<std::string>>& items) {
    values.set(id, array_view(items));
    return *this;
  }

  // Attribute slots come from the registry the conditions were compiled with.
  TestLead& attribute(AttributeRegistry& registry, const std::vector<std::string>& path,
                      ValueView v) {
    uint32_t slot = registry.intern(path);
    if (values.attributes.size() <= slot) values.attributes.resize(slot + 1);
    values.attributes[slot] = v;
    return *this;
  }
  TestLead& attribute_text(AttributeRegistry& registry, const std::vector<std::string>& path,
                           std::string s) {
    strings_.push_back(std::move(s));
    return attribute(registry, path, ValueView::of_text(strings_.back()));
  }

  LeadValues values;

 private:
  ValueView array_view(const std::vector<std::optional<std::string>>& items) {
    arrays_.emplace_back();
    auto& views = arrays_.back();
    for (const auto& item : items) {
      if (item) {
        strings_.push_back(*item);
        views.emplace_back(strings_.back());
      } else {
        views.emplace_back();  // data() == nullptr: a NULL element
      }
    }
    return ValueView::of_array(views.data(), static_cast<uint32_t>(views.size()));
  }

  std::deque<std::string> strings_;  // stable addresses for the views
  std::deque<std::vector<std::string_view>> arrays_;
};

// Well-formed UTF-8 (no truncated or stray continuation bytes); error texts and traces reach
// PostgreSQL, which rejects invalid byte sequences.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t width = c < 0x80             ? 1
                   : (c & 0xE0) == 0xC0 ? 2
                   : (c & 0xF0) == 0xE0 ? 3
                   : (c & 0xF8) == 0xF0 ? 4
                                        : 0;
    if (width == 0 || i + width > s.size()) return false;
    for (size_t k = 1; k < width; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += width;
  }
  return true;
}

}  // namespace leadroute::testing
