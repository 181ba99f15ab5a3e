// Plain-English rendering of a compiled condition (condition_words.h). Negation is pushed down to
// the predicates (De Morgan), so a person reads "source is not partner" rather than a NOT around
// a parenthesis.
#include "core/condition/condition_words.h"

#include <cctype>

#include "core/condition/condition_ast.h"

namespace leadroute {

namespace {

using detail::CmpOp;
using detail::Literal;
using detail::Node;
using detail::NodeKind;
using detail::Operand;

// A rendered piece and how it joins: a predicate, or a list of predicates joined by and / or.
struct Phrase {
  enum class Kind { Predicate, All, Any } kind = Kind::Predicate;
  std::string text;
};

class Words {
 public:
  explicit Words(const AttributeRegistry& attributes) : attributes_(attributes) {}

  Phrase render(const Node& node, bool negated) const {
    switch (node.kind) {
      case NodeKind::Const:
        return leaf(node.const_value != negated ? "always" : "never");
      case NodeKind::And:
      case NodeKind::Or:
        return join(node, negated);
      case NodeKind::Not:
        return render(*node.children[0], !negated);
      case NodeKind::Compare:
        return leaf(compare(node, negated));
      case NodeKind::In:
        return leaf(subject(node.left) + " " + in_list(node.list, node.negated != negated));
      case NodeKind::Between:
        return leaf(between(node, node.negated != negated));
      case NodeKind::IsNull:
        return leaf(is_null(node.left, node.negated != negated));
      case NodeKind::Like:
        return leaf(subject(node.left) + " " +
                    like(node.list[0].text, node.negated != negated,
                         node.like && node.like->case_insensitive()));
      case NodeKind::Regex:
        return leaf(subject(node.left) + (negated ? " does not match" : " matches") +
                    " the regular expression " + quoted(node.list[0].text));
      case NodeKind::Contains:
        return leaf(subject(node.left) + (negated ? " does not include " : " includes ") +
                    literal(node.list[0]));
      case NodeKind::Truth:
        return leaf(truth(node.left, !negated));
    }
    return leaf("?");
  }

 private:
  static Phrase leaf(std::string text) { return Phrase{Phrase::Kind::Predicate, std::move(text)}; }

  // AND / OR, with NOT pushed inside: not (a and b) = not a, or not b.
  Phrase join(const Node& node, bool negated) const {
    bool all = (node.kind == NodeKind::And) != negated;
    Phrase out{all ? Phrase::Kind::All : Phrase::Kind::Any, ""};
    for (const auto& child : node.children) {
      Phrase part = render(*child, negated);
      if (!out.text.empty()) out.text += all ? ", and " : ", or ";
      bool other_list = part.kind != Phrase::Kind::Predicate && part.kind != out.kind;
      out.text += other_list ? "(" + part.text + ")" : part.text;
    }
    return out;
  }

  std::string field_name(const Operand& op) const {
    if (op.field.is_attribute) return attributes_.display(op.field.slot);
    return field_info(op.field.id).name;
  }

  // How a field is called in a sentence: words, not identifiers.
  std::string subject(const Operand& op) const {
    if (!op.is_field) return literal(op.literal);
    if (op.field.is_attribute) return "attribute " + field_name(op).substr(sizeof("attributes"));
    std::string name = field_name(op);
    if (name == "account_owner_id") return "account owner";
    if (name == "account_id") return "account";
    for (char& c : name)
      if (c == '_') c = ' ';
    return name;
  }

  static bool bare_word(const std::string& text) {
    if (text.empty()) return false;
    for (unsigned char c : text)
      if (!std::isalnum(c) && c != '_' && c != '.' && c != '@' && c != ':' && c != '-' && c != '+')
        return false;
    return true;
  }

  static std::string quoted(const std::string& text) { return "\"" + text + "\""; }

  static std::string literal(const Literal& lit) {
    switch (lit.kind) {
      case ValueKind::Text:
        return bare_word(lit.text) ? lit.text : quoted(lit.text);
      case ValueKind::Number:
        return format_number(lit.number);
      case ValueKind::Boolean:
        return lit.boolean ? "true" : "false";
      default:
        return "unknown (NULL)";
    }
  }

  // A boolean field taken as a statement: "the email address is free-mail".
  std::string truth(const Operand& op, bool holds) const {
    if (!op.is_field) return op.literal.boolean == holds ? "always" : "never";
    if (!op.field.is_attribute && op.field.id == FieldId::IsFreemail)
      return holds ? "the email address is free-mail" : "the email address is not free-mail";
    return subject(op) + (holds ? " is true" : " is false");
  }

  static const char* op_words(CmpOp op) {
    switch (op) {
      case CmpOp::Eq:
        return "is";
      case CmpOp::Ne:
        return "is not";
      case CmpOp::Lt:
        return "is less than";
      case CmpOp::Le:
        return "is at most";
      case CmpOp::Gt:
        return "is more than";
      case CmpOp::Ge:
        return "is at least";
    }
    return "?";
  }

  std::string compare(const Node& node, bool negated) const {
    const Operand* left = &node.left;
    const Operand* right = &node.right;
    CmpOp op = node.op;
    if (!left->is_field && right->is_field) {
      std::swap(left, right);
      op = mirrored(op);
    }
    if (negated) op = complement(op);
    // is_freemail = true, is_freemail <> false: a statement about the lead.
    if (left->is_field && left->type == FieldType::Boolean && !right->is_field &&
        right->literal.kind == ValueKind::Boolean && (op == CmpOp::Eq || op == CmpOp::Ne))
      return truth(*left, (op == CmpOp::Eq) == right->literal.boolean);
    return subject(*left) + " " + op_words(op) + " " + subject(*right);
  }

  static std::string in_list(const std::vector<Literal>& items, bool negated) {
    std::vector<std::string> words;
    for (const auto& item : items) words.push_back(literal(item));
    std::string out;
    if (words.size() == 1) return (negated ? "is not " : "is ") + words[0];
    if (words.size() == 2)
      return negated ? "is neither " + words[0] + " nor " + words[1]
                     : "is " + words[0] + " or " + words[1];
    out = negated ? "is none of " : "is one of ";
    for (size_t i = 0; i < words.size(); ++i) {
      if (i > 0) out += i + 1 == words.size() ? (negated ? " and " : " or ") : ", ";
      out += words[i];
    }
    return out;
  }

  std::string between(const Node& node, bool negated) const {
    std::string low = literal(node.list[0]), high = literal(node.list[1]);
    if (negated) return subject(node.left) + " is less than " + low + " or more than " + high;
    return subject(node.left) + " is from " + low + " to " + high;
  }

  std::string is_null(const Operand& op, bool negated) const {
    // IS NULL, or with negated IS NOT NULL.
    if (op.is_field && !op.field.is_attribute && op.field.id == FieldId::AccountId)
      return negated ? "the lead matched an account" : "the lead matched no account";
    return subject(op) + (negated ? " is known" : " is unknown (empty)");
  }

  // LIKE patterns people write: 'acme%', '%.edu', '%cloud%'; anything else is shown as is.
  static std::string like(const std::string& pattern, bool negated, bool ignore_case) {
    auto plain = [](std::string_view s) {
      return s.find_first_of("%_\\") == std::string_view::npos;
    };
    std::string_view p = pattern;
    std::string out;
    if (p.size() >= 2 && p.front() == '%' && p.back() == '%' && plain(p.substr(1, p.size() - 2)))
      out = (negated ? "does not contain " : "contains ") + piece(p.substr(1, p.size() - 2));
    else if (!p.empty() && p.back() == '%' && plain(p.substr(0, p.size() - 1)))
      out = (negated ? "does not start with " : "starts with ") + piece(p.substr(0, p.size() - 1));
    else if (!p.empty() && p.front() == '%' && plain(p.substr(1)))
      out = (negated ? "does not end with " : "ends with ") + piece(p.substr(1));
    else if (plain(p))
      out = (negated ? "is not " : "is ") + piece(p);
    else
      out = (negated ? "does not match the pattern " : "matches the pattern ") + quoted(pattern) +
            " (% is any text, _ any one character)";
    if (ignore_case) out += " (ignoring case)";
    return out;
  }

  static std::string piece(std::string_view s) {
    std::string text(s);
    return bare_word(text) ? text : quoted(text);
  }

  const AttributeRegistry& attributes_;
};

}  // namespace

std::string condition_in_words(std::string_view condition) {
  AttributeRegistry attributes;
  Condition compiled = Condition::compile(condition, attributes);
  const detail::Node& root = *compiled.root();
  if (root.kind == NodeKind::Const) return root.const_value ? "every lead" : "no lead";
  return Words(attributes).render(root, false).text;
}

std::vector<std::string> condition_field_names(std::string_view condition) {
  AttributeRegistry attributes;
  Condition compiled = Condition::compile(condition, attributes);
  std::vector<std::string> names;
  for (const FieldRef& f : compiled.referenced_fields())
    names.push_back(f.is_attribute ? attributes.display(f.slot) : field_info(f.id).name);
  return names;
}

}  // namespace leadroute
