// The rule condition language (docs/conditions.md): parsed and type-checked once when a rule is
// written, evaluated per lead in nanoseconds, never executed as SQL. NULL follows SQL's
// three-valued logic.
#pragma once
#include "core/util/core_guard.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/lead/fields.h"

namespace leadroute {

enum class Tri : uint8_t { False, True, Unknown };

// An invalid condition. `position` is 1-based and counts characters, like PostgreSQL's own
// error positions; `token` is the offending text as written.
class ConditionError : public std::runtime_error {
 public:
  enum class Kind { Syntax, UnknownField, Type, Pattern, TooComplex };
  ConditionError(Kind kind, std::string message, size_t position, std::string token,
                 std::string hint)
      : std::runtime_error(message),
        kind_(kind),
        position_(position),
        token_(std::move(token)),
        hint_(std::move(hint)) {}
  Kind kind() const { return kind_; }
  size_t position() const { return position_; }
  const std::string& token() const { return token_; }
  const std::string& hint() const { return hint_; }

 private:
  Kind kind_;
  size_t position_;
  std::string token_;
  std::string hint_;
};

// A reference to a lead field or to an attribute slot.
struct FieldRef {
  bool is_attribute = false;
  FieldId id = FieldId::Email;
  uint32_t slot = 0;
  bool operator==(const FieldRef& o) const {
    return is_attribute == o.is_attribute && (is_attribute ? slot == o.slot : id == o.id);
  }
};

// Why a condition was not true for a lead: the smallest sub-expression that decided it.
struct Explanation {
  Tri result = Tri::True;
  std::string predicate;                                  // as written in the condition
  std::vector<std::pair<std::string, ValueView>> values;  // field → the lead's value
};

namespace detail {
struct Node;
}

class Condition {
 public:
  Condition();
  ~Condition();
  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;

  // Throws ConditionError. Attribute paths are interned in `attributes`.
  static Condition compile(std::string_view text, AttributeRegistry& attributes);

  Tri evaluate(const LeadValues& lead) const;
  Explanation explain(const LeadValues& lead, const AttributeRegistry& attributes) const;

  const std::string& text() const { return text_; }
  // Statically always true (TRUE, or an expression of constants that folds to TRUE).
  bool always_true() const;
  std::vector<FieldRef> referenced_fields() const;
  // Necessary conditions of the form "text field F is one of these values": the condition can be
  // TRUE only for leads whose F (a built-in text field) equals one of the values, byte for byte,
  // as the evaluator compares. One entry per field that qualifies; empty when none does (OR of
  // different fields, NOT, ranges, patterns, attributes). Used to index rules.
  struct EqualityKeys {
    FieldRef field;
    std::vector<std::string> values;  // distinct
  };
  std::vector<EqualityKeys> equality_keys() const;
  const detail::Node* root() const { return root_.get(); }

 private:
  std::string text_;
  std::unique_ptr<detail::Node> root_;
};

// Validates a condition without keeping it (rules, territories and SLA policies call this).
void check_condition(std::string_view text);

}  // namespace leadroute
