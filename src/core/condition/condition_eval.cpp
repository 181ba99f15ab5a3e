// Evaluation of compiled conditions with SQL's three-valued logic, and the explanation of why a
// condition was not true for a lead.
#include <cmath>
#include <optional>

#include "core/condition/condition_ast.h"
#include "core/lead/text.h"

namespace leadroute {
namespace detail {

namespace {

Tri from_bool(bool b) {
  return b ? Tri::True : Tri::False;
}

Tri tri_not(Tri t) {
  if (t == Tri::Unknown) return Tri::Unknown;
  return t == Tri::True ? Tri::False : Tri::True;
}

std::optional<bool> text_as_boolean(std::string_view s) {
  std::string v = ascii_lower(trim(s));
  if (v == "true" || v == "t" || v == "yes" || v == "y" || v == "1") return true;
  if (v == "false" || v == "f" || v == "no" || v == "n" || v == "0") return false;
  return std::nullopt;
}

int sign(double a, double b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Three-way comparison with the coercions of attribute values; nullopt means unknown.
std::optional<int> compare_values(const ValueView& a, const ValueView& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.kind == b.kind) {
    switch (a.kind) {
      case ValueKind::Text: {
        int c = a.text.compare(b.text);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      case ValueKind::Number:
        return sign(a.number, b.number);
      case ValueKind::Boolean:
        return static_cast<int>(a.boolean) - static_cast<int>(b.boolean);
      default:
        return std::nullopt;
    }
  }
  // Mixed kinds arise only from attributes, whose JSON type is not known in advance.
  if (a.kind == ValueKind::Text && b.kind == ValueKind::Number) {
    double d;
    if (parse_number(a.text, &d)) return sign(d, b.number);
    return std::nullopt;
  }
  if (a.kind == ValueKind::Number && b.kind == ValueKind::Text) {
    double d;
    if (parse_number(b.text, &d)) return sign(a.number, d);
    return std::nullopt;
  }
  if (a.kind == ValueKind::Text && b.kind == ValueKind::Boolean) {
    auto v = text_as_boolean(a.text);
    if (v) return static_cast<int>(*v) - static_cast<int>(b.boolean);
    return std::nullopt;
  }
  if (a.kind == ValueKind::Boolean && b.kind == ValueKind::Text) {
    auto v = text_as_boolean(b.text);
    if (v) return static_cast<int>(a.boolean) - static_cast<int>(*v);
    return std::nullopt;
  }
  return std::nullopt;
}

Tri apply_cmp(CmpOp op, std::optional<int> c) {
  if (!c) return Tri::Unknown;
  switch (op) {
    case CmpOp::Eq:
      return from_bool(*c == 0);
    case CmpOp::Ne:
      return from_bool(*c != 0);
    case CmpOp::Lt:
      return from_bool(*c < 0);
    case CmpOp::Le:
      return from_bool(*c <= 0);
    case CmpOp::Gt:
      return from_bool(*c > 0);
    case CmpOp::Ge:
      return from_bool(*c >= 0);
  }
  return Tri::Unknown;
}

Tri eval_in(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  if (v.is_null()) return Tri::Unknown;
  Tri result;
  if (node.text_set && v.kind == ValueKind::Text) {
    // The set holds the text items; a NULL item makes a miss unknown, as in SQL.
    bool hit = node.text_set->count(std::string(v.text)) > 0;
    result = hit ? Tri::True : (node.list_has_null ? Tri::Unknown : Tri::False);
  } else {
    result = Tri::False;
    for (const auto& lit : node.list) {
      auto c = compare_values(v, lit.view());
      if (!c) {
        result = Tri::Unknown;
      } else if (*c == 0) {
        result = Tri::True;
        break;
      }
    }
  }
  return node.negated ? tri_not(result) : result;
}

Tri eval_between(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  auto lo = compare_values(v, node.list[0].view());
  auto hi = compare_values(v, node.list[1].view());
  Tri result;
  if (lo && *lo < 0)
    result = Tri::False;
  else if (hi && *hi > 0)
    result = Tri::False;
  else if (!lo || !hi)
    result = Tri::Unknown;
  else
    result = Tri::True;
  return node.negated ? tri_not(result) : result;
}

// The text form of a value for LIKE and ~ on attributes (numbers and booleans as printed).
bool as_text(const ValueView& v, std::string& scratch, std::string_view* out) {
  switch (v.kind) {
    case ValueKind::Text:
      *out = v.text;
      return true;
    case ValueKind::Number:
      scratch = format_number(v.number);
      *out = scratch;
      return true;
    case ValueKind::Boolean:
      *out = v.boolean ? "true" : "false";
      return true;
    default:
      return false;
  }
}

Tri eval_like(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  std::string scratch;
  std::string_view text;
  if (!as_text(v, scratch, &text)) return Tri::Unknown;
  Tri result = from_bool(node.like->matches(text));
  return node.negated ? tri_not(result) : result;
}

Tri eval_regex(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  std::string scratch;
  std::string_view text;
  if (!as_text(v, scratch, &text)) return Tri::Unknown;
  switch (node.regex->search(text)) {
    case RegexPattern::Result::Match:
      return Tri::True;
    case RegexPattern::Result::NoMatch:
      return Tri::False;
    default:
      return Tri::Unknown;  // too expensive to decide: treated like NULL, never a match
  }
}

Tri eval_contains(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  const std::string& wanted = node.list[0].text;
  if (v.kind == ValueKind::Text) return from_bool(v.text == wanted);  // a scalar attribute
  if (v.kind != ValueKind::TextArray) return Tri::Unknown;
  bool saw_null = false;
  for (uint32_t i = 0; i < v.item_count; ++i) {
    if (v.items[i].data() == nullptr) {
      saw_null = true;
      continue;
    }
    if (v.items[i] == wanted) return Tri::True;
  }
  return saw_null ? Tri::Unknown : Tri::False;
}

Tri eval_truth(const Node& node, const LeadValues& lead) {
  ValueView v = operand_value(node.left, lead);
  switch (v.kind) {
    case ValueKind::Boolean:
      return from_bool(v.boolean);
    case ValueKind::Text: {
      auto b = text_as_boolean(v.text);
      return b ? from_bool(*b) : Tri::Unknown;
    }
    default:
      return Tri::Unknown;
  }
}

}  // namespace

ValueView operand_value(const Operand& op, const LeadValues& lead) {
  if (!op.is_field) return op.literal.view();
  if (op.field.is_attribute)
    return op.field.slot < lead.attributes.size() ? lead.attributes[op.field.slot]
                                                  : ValueView::null();
  return lead.get(op.field.id);
}

Tri evaluate_node(const Node& node, const LeadValues& lead) {
  switch (node.kind) {
    case NodeKind::Const:
      return from_bool(node.const_value);
    case NodeKind::And: {
      Tri result = Tri::True;
      for (const auto& c : node.children) {
        Tri t = evaluate_node(*c, lead);
        if (t == Tri::False) return Tri::False;
        if (t == Tri::Unknown) result = Tri::Unknown;
      }
      return result;
    }
    case NodeKind::Or: {
      Tri result = Tri::False;
      for (const auto& c : node.children) {
        Tri t = evaluate_node(*c, lead);
        if (t == Tri::True) return Tri::True;
        if (t == Tri::Unknown) result = Tri::Unknown;
      }
      return result;
    }
    case NodeKind::Not:
      return tri_not(evaluate_node(*node.children[0], lead));
    case NodeKind::Compare:
      return apply_cmp(
          node.op, compare_values(operand_value(node.left, lead), operand_value(node.right, lead)));
    case NodeKind::In:
      return eval_in(node, lead);
    case NodeKind::Between:
      return eval_between(node, lead);
    case NodeKind::IsNull: {
      bool is_null = operand_value(node.left, lead).is_null();
      return from_bool(node.negated ? !is_null : is_null);
    }
    case NodeKind::Like:
      return eval_like(node, lead);
    case NodeKind::Regex:
      return eval_regex(node, lead);
    case NodeKind::Contains:
      return eval_contains(node, lead);
    case NodeKind::Truth:
      return eval_truth(node, lead);
  }
  return Tri::Unknown;
}

namespace {

// The smallest sub-expression that made `node` evaluate to `result` (False or Unknown).
const Node* deciding_node(const Node& node, Tri result, const LeadValues& lead) {
  if (node.kind == NodeKind::And) {
    for (const auto& c : node.children) {
      Tri t = evaluate_node(*c, lead);
      if (t == result) return deciding_node(*c, t, lead);
    }
  }
  return &node;
}

void collect(const Node& node, std::vector<FieldRef>& out) {
  auto add = [&](const Operand& op) {
    if (!op.is_field) return;
    for (const auto& f : out)
      if (f == op.field) return;
    out.push_back(op.field);
  };
  add(node.left);
  add(node.right);
  for (const auto& c : node.children) collect(*c, out);
}

}  // namespace
}  // namespace detail

Tri Condition::evaluate(const LeadValues& lead) const {
  return detail::evaluate_node(*root_, lead);
}

Explanation Condition::explain(const LeadValues& lead, const AttributeRegistry& attributes) const {
  Explanation e;
  e.result = evaluate(lead);
  const detail::Node* node = root_.get();
  if (e.result != Tri::True) node = detail::deciding_node(*root_, e.result, lead);
  e.predicate = text_.substr(node->begin, node->end - node->begin);
  std::vector<FieldRef> refs;
  detail::collect(*node, refs);
  for (const auto& ref : refs) {
    std::string name = ref.is_attribute ? attributes.display(ref.slot) : field_info(ref.id).name;
    ValueView v = ref.is_attribute ? (ref.slot < lead.attributes.size() ? lead.attributes[ref.slot]
                                                                        : ValueView{})
                                   : lead.get(ref.id);
    e.values.emplace_back(std::move(name), v);
  }
  return e;
}

}  // namespace leadroute
