// Necessary equality keys of a condition (Condition::equality_keys), for the rule index.
#include <algorithm>
#include <map>

#include "core/condition/condition_ast.h"

namespace leadroute {

namespace {

using detail::CmpOp;
using detail::Node;
using detail::NodeKind;
using detail::Operand;

// Keys per field (built-in fields only, by FieldId): each set is necessary for the node to be
// TRUE. A conjunction may offer several fields; for one field, the smallest set wins.
using KeyMap = std::map<FieldId, std::vector<std::string>>;

bool indexable(const Operand& op) {
  return op.is_field && !op.field.is_attribute && op.type == FieldType::Text;
}

void offer(KeyMap& keys, FieldId field, std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  auto it = keys.find(field);
  if (it == keys.end() || values.size() < it->second.size()) keys[field] = std::move(values);
}

KeyMap keys_of(const Node& node) {
  KeyMap keys;
  switch (node.kind) {
    case NodeKind::Compare: {
      if (node.op != CmpOp::Eq) break;
      const Operand* field = nullptr;
      const Operand* literal = nullptr;
      if (indexable(node.left) && !node.right.is_field) {
        field = &node.left;
        literal = &node.right;
      } else if (indexable(node.right) && !node.left.is_field) {
        field = &node.right;
        literal = &node.left;
      }
      if (field && literal->literal.kind == ValueKind::Text)
        offer(keys, field->field.id, {literal->literal.text});
      break;
    }
    case NodeKind::In: {
      if (node.negated || !indexable(node.left)) break;
      std::vector<std::string> values;
      bool all_text = true;
      for (const auto& item : node.list) {
        if (item.kind == ValueKind::Null) continue;  // a NULL item never makes IN true
        if (item.kind != ValueKind::Text) all_text = false;
        values.push_back(item.text);
      }
      if (all_text) offer(keys, node.left.field.id, std::move(values));
      break;
    }
    case NodeKind::And:
      // TRUE needs every conjunct TRUE: each conjunct's keys are necessary.
      for (const auto& child : node.children)
        for (auto& [field, values] : keys_of(*child)) offer(keys, field, std::move(values));
      break;
    case NodeKind::Or: {
      // TRUE needs some disjunct TRUE: a field keyed in every disjunct, with the union of sets.
      bool first = true;
      for (const auto& child : node.children) {
        KeyMap child_keys = keys_of(*child);
        if (first) {
          keys = std::move(child_keys);
          first = false;
          continue;
        }
        for (auto it = keys.begin(); it != keys.end();) {
          auto other = child_keys.find(it->first);
          if (other == child_keys.end()) {
            it = keys.erase(it);
            continue;
          }
          it->second.insert(it->second.end(), other->second.begin(), other->second.end());
          std::sort(it->second.begin(), it->second.end());
          it->second.erase(std::unique(it->second.begin(), it->second.end()), it->second.end());
          ++it;
        }
      }
      break;
    }
    default:
      break;  // NOT, ranges, patterns, constants, NULL tests: no necessary equality
  }
  return keys;
}

}  // namespace

std::vector<Condition::EqualityKeys> Condition::equality_keys() const {
  std::vector<EqualityKeys> out;
  if (!root_) return out;
  for (auto& [field, values] : keys_of(*root_)) {
    EqualityKeys k;
    k.field.is_attribute = false;
    k.field.id = field;
    k.values = std::move(values);
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace leadroute
