// Internal representation of a compiled condition; shared by the parser, the evaluator and the
// static analysis of later features. Not part of the public API.
#pragma once
#include "core/util/core_guard.h"

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/condition/condition.h"
#include "core/condition/like.h"
#include "core/condition/regex_pattern.h"

namespace leadroute::detail {

enum class NodeKind : uint8_t {
  Const,
  And,
  Or,
  Not,
  Compare,
  In,
  Between,
  IsNull,
  Like,
  Regex,
  Contains,
  Truth,  // a boolean operand used as a predicate: `is_freemail`
};

enum class CmpOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge };

// The operator with its operands swapped: 'a' < x  ⇔  x > 'a'.
constexpr CmpOp mirrored(CmpOp op) {
  switch (op) {
    case CmpOp::Lt:
      return CmpOp::Gt;
    case CmpOp::Le:
      return CmpOp::Ge;
    case CmpOp::Gt:
      return CmpOp::Lt;
    case CmpOp::Ge:
      return CmpOp::Le;
    default:
      return op;
  }
}

// The operator true exactly when `op` is false, for non-NULL, totally ordered operands.
constexpr CmpOp complement(CmpOp op) {
  switch (op) {
    case CmpOp::Eq:
      return CmpOp::Ne;
    case CmpOp::Ne:
      return CmpOp::Eq;
    case CmpOp::Lt:
      return CmpOp::Ge;
    case CmpOp::Le:
      return CmpOp::Gt;
    case CmpOp::Gt:
      return CmpOp::Le;
    case CmpOp::Ge:
      return CmpOp::Lt;
  }
  return op;
}

// A literal owns its text; view() is cheap and never dangles while the literal lives.
struct Literal {
  ValueKind kind = ValueKind::Null;
  std::string text;
  double number = 0;
  bool boolean = false;
  ValueView view() const {
    switch (kind) {
      case ValueKind::Text:
        return ValueView::of_text(text);
      case ValueKind::Number:
        return ValueView::of_number(number);
      case ValueKind::Boolean:
        return ValueView::of_boolean(boolean);
      default:
        return ValueView::null();
    }
  }
};

struct Operand {
  bool is_field = false;
  FieldRef field;
  FieldType type = FieldType::Text;  // static type for fields
  Literal literal;
  size_t begin = 0, end = 0;  // byte span in the source
};

struct Node {
  NodeKind kind = NodeKind::Const;
  size_t begin = 0, end = 0;  // byte span in the source, for explanations
  bool negated = false;       // NOT IN, NOT BETWEEN, IS NOT NULL, NOT LIKE
  bool const_value = false;   // Const
  CmpOp op = CmpOp::Eq;       // Compare
  Operand left, right;
  std::vector<Literal> list;                                  // In (items), Between (low, high)
  std::unique_ptr<std::unordered_set<std::string>> text_set;  // In over plain text items
  bool list_has_null = false;
  std::unique_ptr<LikePattern> like;
  std::unique_ptr<RegexPattern> regex;
  std::vector<std::unique_ptr<Node>> children;
};

Tri evaluate_node(const Node& node, const LeadValues& lead);
ValueView operand_value(const Operand& op, const LeadValues& lead);

}  // namespace leadroute::detail
