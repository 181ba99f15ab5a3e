// Recursive-descent parser and type checker for rule conditions (docs/conditions.md).
// Precedence: NOT binds tighter than AND, AND tighter than OR.
#include <algorithm>

#include "core/condition/condition_ast.h"
#include "core/condition/condition_lexer.h"
#include "core/lead/text.h"

namespace leadroute {

namespace detail {
namespace {

constexpr size_t kMaxConditionBytes = 64 * 1024;
constexpr int kMaxDepth = 100;
// IN lists longer than this are evaluated through a hash set.
constexpr size_t kInSetThreshold = 8;

using Kind = ConditionError::Kind;

class Parser {
 public:
  Parser(std::string_view source, AttributeRegistry& attributes)
      : source_(source), attributes_(attributes), tokens_(tokenize(source)) {}

  std::unique_ptr<Node> parse() {
    if (peek().kind == Tok::End)
      fail(Kind::Syntax, peek(), "empty condition",
           "write TRUE for a rule that matches every lead");
    auto root = parse_or(0);
    if (peek().kind != Tok::End) {
      const Token& t = peek();
      std::string hint;
      if (t.kind == Tok::Ident || t.kind == Tok::String || t.kind == Tok::Number)
        hint = "join predicates with AND or OR";
      fail(Kind::Syntax, t, "unexpected " + describe(t) + " after a complete condition", hint);
    }
    return root;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool accept(Tok kind) {
    if (peek().kind != kind) return false;
    next();
    return true;
  }
  const Token& expect(Tok kind, const char* what, const char* hint = "") {
    if (peek().kind != kind)
      fail(Kind::Syntax, peek(), std::string("expected ") + what + ", found " + describe(peek()),
           hint);
    return next();
  }

  std::string describe(const Token& t) const {
    if (t.kind == Tok::End) return "the end of the condition";
    std::string_view whole = source_.substr(t.begin, t.end - t.begin);
    std::string text(whole.substr(0, utf8_offset(whole, 40)));  // 40 characters, not bytes
    return "\"" + text + "\"";
  }

  [[noreturn]] void fail(Kind kind, const Token& at, const std::string& message,
                         const std::string& hint) const {
    std::string token =
        at.kind == Tok::End ? "" : std::string(source_.substr(at.begin, at.end - at.begin));
    throw ConditionError(kind, message, utf8_length(source_.substr(0, at.begin)) + 1, token, hint);
  }
  [[noreturn]] void fail_at(Kind kind, size_t begin, size_t end, const std::string& message,
                            const std::string& hint) const {
    throw ConditionError(kind, message, utf8_length(source_.substr(0, begin)) + 1,
                         std::string(source_.substr(begin, end - begin)), hint);
  }

  void check_depth(int depth) const {
    if (depth > kMaxDepth)
      fail(Kind::TooComplex, peek(), "condition is nested too deeply",
           "simplify the condition or split it into several rules");
  }

  std::unique_ptr<Node> make_binary(NodeKind kind, std::unique_ptr<Node> left,
                                    std::unique_ptr<Node> right) {
    // Flatten chains (a AND b AND c) so that deep chains do not recurse deeply when evaluated.
    if (left->kind == kind) {
      left->end = right->end;
      left->children.push_back(std::move(right));
      return left;
    }
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->begin = left->begin;
    node->end = right->end;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  // `depth` counts nesting that recursion pays for: each "(" and each NOT.
  std::unique_ptr<Node> parse_or(int depth) {
    check_depth(depth);
    auto left = parse_and(depth);
    while (peek().kind == Tok::Or) {
      next();
      left = make_binary(NodeKind::Or, std::move(left), parse_and(depth));
    }
    return left;
  }

  std::unique_ptr<Node> parse_and(int depth) {
    auto left = parse_not(depth);
    while (peek().kind == Tok::And) {
      next();
      left = make_binary(NodeKind::And, std::move(left), parse_not(depth));
    }
    return left;
  }

  std::unique_ptr<Node> parse_not(int depth) {
    check_depth(depth);
    if (peek().kind == Tok::Not) {
      const Token& t = next();
      auto child = parse_not(depth + 1);
      auto node = std::make_unique<Node>();
      node->kind = NodeKind::Not;
      node->begin = t.begin;
      node->end = child->end;
      node->children.push_back(std::move(child));
      return node;
    }
    return parse_primary(depth);
  }

  std::unique_ptr<Node> parse_primary(int depth) {
    if (peek().kind == Tok::LParen) {
      const Token& open = next();
      auto inner = parse_or(depth + 1);
      const Token& close = expect(Tok::RParen, "\")\"", "every \"(\" needs a matching \")\"");
      inner->begin = open.begin;
      inner->end = close.end;
      return inner;
    }
    Operand left = parse_operand();
    return parse_predicate(std::move(left));
  }

  // ---- operands -------------------------------------------------------------------------------

  static bool is_word(const Token& t) {
    // After "attributes." any word is a key, keywords included (attributes.source, attributes.in).
    return t.kind == Tok::Ident || t.kind == Tok::QuotedIdent || t.kind == Tok::Number ||
           (t.kind >= Tok::And && t.kind <= Tok::False);
  }

  Operand parse_operand() {
    const Token& t = peek();
    Operand op;
    op.begin = t.begin;
    switch (t.kind) {
      case Tok::Ident:
      case Tok::QuotedIdent: {
        next();
        op.is_field = true;
        if (t.kind == Tok::Ident && iequals_ascii(t.text, "attributes")) {
          if (peek().kind != Tok::Dot)
            fail(Kind::UnknownField, t, "attributes needs a key",
                 "write attributes.<key>, for example attributes.utm_source");
          std::vector<std::string> path;
          while (accept(Tok::Dot)) {
            const Token& key = peek();
            if (!is_word(key))
              fail(Kind::Syntax, key,
                   "expected an attribute key after \".\", found " + describe(key),
                   "quote keys with unusual characters: attributes.\"utm-source\"");
            next();
            path.push_back(key.text);
            op.end = key.end;
          }
          op.field.is_attribute = true;
          op.field.slot = attributes_.intern(path);
          op.type = FieldType::Dynamic;
          return op;
        }
        const FieldInfo* info = t.kind == Tok::Ident ? find_field(t.text) : nullptr;
        if (t.kind == Tok::QuotedIdent)
          for (const auto& f : all_fields())
            if (t.text == f.name) info = &f;
        if (!info && peek().kind == Tok::LParen)
          fail(Kind::Syntax, t, "function calls are not part of the condition language",
               "compare fields with values, e.g. country = 'US'; matching is case-sensitive, "
               "ILIKE is not");
        if (!info) {
          std::string hint = "valid fields: " + field_names_for_hint();
          std::string close = closest_field(t.text);
          if (!close.empty()) hint = "did you mean " + close + "? " + hint;
          fail(Kind::UnknownField, t, "unknown field \"" + t.text + "\"", hint);
        }
        op.field.id = info->id;
        op.type = info->type;
        op.end = t.end;
        return op;
      }
      case Tok::String:
      case Tok::Number:
      case Tok::Minus:
      case Tok::True:
      case Tok::False:
      case Tok::Null:
        op.literal = parse_literal();
        op.end = tokens_[pos_ - 1].end;
        return op;
      default: {
        std::string hint;
        if (t.kind == Tok::End) hint = "the condition ends too early";
        if (t.kind == Tok::Eq) hint = "equality is a single =: country = 'US'";
        fail(Kind::Syntax, t, "expected a field or a value, found " + describe(t), hint);
      }
    }
  }

  Literal parse_literal() {
    const Token& t = next();
    Literal lit;
    switch (t.kind) {
      case Tok::String:
        lit.kind = ValueKind::Text;
        lit.text = t.text;
        return lit;
      case Tok::Number:
        lit.kind = ValueKind::Number;
        if (!parse_number(t.text, &lit.number)) fail(Kind::Syntax, t, "number out of range", "");
        return lit;
      case Tok::Minus: {
        const Token& num = peek();
        if (num.kind != Tok::Number)
          fail(Kind::Syntax, num, "expected a number after \"-\", found " + describe(num), "");
        next();
        lit.kind = ValueKind::Number;
        if (!parse_number(num.text, &lit.number))
          fail(Kind::Syntax, num, "number out of range", "");
        lit.number = -lit.number;
        return lit;
      }
      case Tok::True:
      case Tok::False:
        lit.kind = ValueKind::Boolean;
        lit.boolean = t.kind == Tok::True;
        return lit;
      case Tok::Null:
        lit.kind = ValueKind::Null;
        return lit;
      default:
        fail(Kind::Syntax, t, "expected a value, found " + describe(t),
             "values are 'strings', numbers, TRUE, FALSE or NULL; fields cannot appear here");
    }
  }

  // ---- type checking --------------------------------------------------------------------------

  std::string operand_text(const Operand& op) const {
    return std::string(source_.substr(op.begin, op.end - op.begin));
  }

  static const char* literal_type_name(const Literal& lit) {
    switch (lit.kind) {
      case ValueKind::Text:
        return "string";
      case ValueKind::Number:
        return "number";
      case ValueKind::Boolean:
        return "boolean";
      case ValueKind::Null:
        return "NULL";
      default:
        return "value";
    }
  }

  // Converts `lit` so that it compares with a field of type `target`, the way SQL coerces a quoted
  // literal; fails with a message that names both sides.
  void coerce_literal(FieldType target, const std::string& field_text, Literal& lit, size_t begin,
                      size_t end) const {
    if (lit.kind == ValueKind::Null || target == FieldType::Dynamic) return;
    switch (target) {
      case FieldType::Text:
        if (lit.kind == ValueKind::Text) return;
        fail_at(Kind::Type, begin, end,
                "cannot compare text field " + field_text + " with " + literal_type_name(lit) +
                    " " + std::string(source_.substr(begin, end - begin)),
                "quote the value: " + field_text + " = '" +
                    std::string(source_.substr(begin, end - begin)) + "'");
      case FieldType::Number:
        if (lit.kind == ValueKind::Number) return;
        if (lit.kind == ValueKind::Text) {
          double d;
          if (parse_number(lit.text, &d)) {
            lit.kind = ValueKind::Number;
            lit.number = d;
            lit.text.clear();
            return;
          }
        }
        fail_at(Kind::Type, begin, end,
                "cannot compare number field " + field_text + " with " + literal_type_name(lit) +
                    " " + std::string(source_.substr(begin, end - begin)),
                "write a number, for example " + field_text + " >= 500");
      case FieldType::Boolean:
        if (lit.kind == ValueKind::Boolean) return;
        if (lit.kind == ValueKind::Text) {
          std::string v = ascii_lower(trim(lit.text));
          if (v == "true" || v == "t") {
            lit = Literal{ValueKind::Boolean, "", 0, true};
            return;
          }
          if (v == "false" || v == "f") {
            lit = Literal{ValueKind::Boolean, "", 0, false};
            return;
          }
        }
        fail_at(
            Kind::Type, begin, end,
            "cannot compare boolean field " + field_text + " with " + literal_type_name(lit) + " " +
                std::string(source_.substr(begin, end - begin)),
            "write " + field_text + " = TRUE or " + field_text + " = FALSE, or just " + field_text);
      case FieldType::TextArray:
        fail_at(Kind::Type, begin, end, "text[] field " + field_text + " cannot be compared",
                "test membership with " + field_text + " CONTAINS 'value'");
      case FieldType::Dynamic:
        return;
    }
  }

  void check_scalar(const Operand& op, const char* what) const {
    if (op.is_field && op.type == FieldType::TextArray)
      fail_at(Kind::Type, op.begin, op.end,
              "text[] field " + operand_text(op) + " cannot be used with " + what,
              "test membership with " + operand_text(op) + " CONTAINS 'value'");
  }

  std::unique_ptr<Node> make_node(NodeKind kind, const Operand& left) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->begin = left.begin;
    return node;
  }

  std::unique_ptr<Node> parse_compare(Operand left) {
    const Token& op_tok = next();
    Operand right = parse_operand();
    auto node = make_node(NodeKind::Compare, left);
    switch (op_tok.kind) {
      case Tok::Eq:
        node->op = CmpOp::Eq;
        break;
      case Tok::Ne:
        node->op = CmpOp::Ne;
        break;
      case Tok::Lt:
        node->op = CmpOp::Lt;
        break;
      case Tok::Le:
        node->op = CmpOp::Le;
        break;
      case Tok::Gt:
        node->op = CmpOp::Gt;
        break;
      default:
        node->op = CmpOp::Ge;
        break;
    }
    const std::string op_text = op_tok.text;
    for (const Operand* side : {&left, &right}) {
      if (!side->is_field && side->literal.kind == ValueKind::Null)
        fail_at(Kind::Type, side->begin, side->end,
                "comparison with NULL is never true (NULL is unknown)",
                "use IS NULL or IS NOT NULL");
      check_scalar(*side, ("operator " + op_text).c_str());
    }
    bool ordering = node->op != CmpOp::Eq && node->op != CmpOp::Ne;
    if (left.is_field && right.is_field) {
      if (left.type != right.type && left.type != FieldType::Dynamic &&
          right.type != FieldType::Dynamic)
        fail_at(Kind::Type, left.begin, right.end,
                "cannot compare " + std::string(field_type_name(left.type)) + " field " +
                    operand_text(left) + " with " + field_type_name(right.type) + " field " +
                    operand_text(right),
                "compare fields of the same type");
    } else if (left.is_field) {
      coerce_literal(left.type, operand_text(left), right.literal, right.begin, right.end);
    } else if (right.is_field) {
      coerce_literal(right.type, operand_text(right), left.literal, left.begin, left.end);
    } else if (left.literal.kind != right.literal.kind) {
      fail_at(Kind::Type, left.begin, right.end,
              std::string("cannot compare ") + literal_type_name(left.literal) + " with " +
                  literal_type_name(right.literal),
              "compare values of the same type");
    }
    auto is_boolean = [](const Operand& o) {
      return o.is_field ? o.type == FieldType::Boolean : o.literal.kind == ValueKind::Boolean;
    };
    if (ordering && (is_boolean(left) || is_boolean(right)))
      fail_at(Kind::Type, left.begin, right.end,
              "operator " + op_text + " does not apply to booleans", "use = or <>");
    node->left = std::move(left);
    node->right = std::move(right);
    node->end = node->right.end;
    return node;
  }

  std::unique_ptr<Node> parse_in(Operand left, bool negated) {
    check_scalar(left, "IN");
    auto node = make_node(NodeKind::In, left);
    node->negated = negated;
    expect(Tok::LParen, "\"(\" after IN", "write IN ('a', 'b')");
    if (peek().kind == Tok::RParen)
      fail(Kind::Syntax, peek(), "IN needs at least one value", "write IN ('a', 'b')");
    const std::string field_text = operand_text(left);
    bool all_text = true;
    do {
      size_t begin = peek().begin;
      Literal lit = parse_literal();
      size_t end = tokens_[pos_ - 1].end;
      if (left.is_field) coerce_literal(left.type, field_text, lit, begin, end);
      if (lit.kind == ValueKind::Null) node->list_has_null = true;
      if (lit.kind != ValueKind::Text) all_text = false;
      node->list.push_back(std::move(lit));
    } while (accept(Tok::Comma));
    node->end = expect(Tok::RParen, "\",\" or \")\" in the IN list").end;
    bool text_field = left.is_field && left.type == FieldType::Text;
    if (text_field && all_text && node->list.size() > kInSetThreshold) {
      node->text_set = std::make_unique<std::unordered_set<std::string>>();
      for (const auto& lit : node->list) node->text_set->insert(lit.text);
    }
    node->left = std::move(left);
    return node;
  }

  std::unique_ptr<Node> parse_between(Operand left, bool negated) {
    check_scalar(left, "BETWEEN");
    if (left.is_field && left.type == FieldType::Boolean)
      fail_at(Kind::Type, left.begin, left.end, "BETWEEN does not apply to booleans", "use =");
    auto node = make_node(NodeKind::Between, left);
    node->negated = negated;
    const std::string field_text = operand_text(left);
    for (int i = 0; i < 2; ++i) {
      if (i == 1) expect(Tok::And, "AND between the two bounds", "write BETWEEN 10 AND 50");
      size_t begin = peek().begin;
      Literal lit = parse_literal();
      size_t end = tokens_[pos_ - 1].end;
      if (lit.kind == ValueKind::Null)
        fail_at(Kind::Type, begin, end, "BETWEEN bounds cannot be NULL", "");
      if (left.is_field) coerce_literal(left.type, field_text, lit, begin, end);
      node->list.push_back(std::move(lit));
      node->end = end;
    }
    node->left = std::move(left);
    return node;
  }

  std::unique_ptr<Node> parse_pattern(Operand left, NodeKind kind, bool negated,
                                      bool case_insensitive, const char* op_name) {
    if (left.is_field && left.type != FieldType::Text && left.type != FieldType::Dynamic)
      fail_at(Kind::Type, left.begin, left.end,
              std::string(op_name) + " applies to text, not to " + field_type_name(left.type) +
                  " field " + operand_text(left),
              left.type == FieldType::TextArray ? "use CONTAINS for text[] fields" : "");
    auto node = make_node(kind, left);
    node->negated = negated;
    const Token& pattern = peek();
    if (pattern.kind != Tok::String)
      fail(Kind::Syntax, pattern,
           std::string("expected a quoted pattern after ") + op_name + ", found " +
               describe(pattern),
           kind == NodeKind::Like ? "write LIKE 'acme%'" : "write ~ '^(vp|chief)'");
    next();
    node->end = pattern.end;
    if (kind == NodeKind::Like) {
      size_t backslashes = 0;
      for (auto it = pattern.text.rbegin(); it != pattern.text.rend() && *it == '\\'; ++it)
        ++backslashes;
      if (backslashes % 2 == 1)
        fail(Kind::Pattern, pattern, "LIKE pattern must not end with escape character",
             "write \\\\ for a literal backslash");
      node->like = std::make_unique<LikePattern>(pattern.text, case_insensitive);
    } else {
      try {
        node->regex = std::make_unique<RegexPattern>(pattern.text);
      } catch (const RegexCompileError& e) {
        // Point at the offending character inside the pattern (best effort with '' escapes).
        size_t char_pos = utf8_length(source_.substr(0, pattern.begin)) + 2 + e.offset;
        throw ConditionError(Kind::Pattern, "invalid regular expression: " + e.message, char_pos,
                             pattern.text, "the pattern is an ICU regular expression");
      }
    }
    node->list.push_back(Literal{ValueKind::Text, pattern.text, 0, false});
    node->left = std::move(left);
    return node;
  }

  std::unique_ptr<Node> parse_contains(Operand left) {
    if (left.is_field && left.type != FieldType::TextArray && left.type != FieldType::Dynamic)
      fail_at(Kind::Type, left.begin, left.end,
              "CONTAINS applies to text[] fields, not to " +
                  std::string(field_type_name(left.type)) + " field " + operand_text(left),
              "use = or IN for single values");
    auto node = make_node(NodeKind::Contains, left);
    size_t begin = peek().begin;
    Literal lit = parse_literal();
    node->end = tokens_[pos_ - 1].end;
    if (lit.kind == ValueKind::Null)
      fail_at(Kind::Type, begin, node->end, "CONTAINS NULL is never true", "");
    if (lit.kind == ValueKind::Number) {
      lit.text = format_number(lit.number);
      lit.kind = ValueKind::Text;
    } else if (lit.kind == ValueKind::Boolean) {
      lit.text = lit.boolean ? "true" : "false";
      lit.kind = ValueKind::Text;
    }
    node->list.push_back(std::move(lit));
    node->left = std::move(left);
    return node;
  }

  std::unique_ptr<Node> parse_predicate(Operand left) {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::Eq:
      case Tok::Ne:
      case Tok::Lt:
      case Tok::Le:
      case Tok::Gt:
      case Tok::Ge:
        return parse_compare(std::move(left));
      case Tok::In:
        next();
        return parse_in(std::move(left), false);
      case Tok::Between:
        next();
        return parse_between(std::move(left), false);
      case Tok::Like:
        next();
        return parse_pattern(std::move(left), NodeKind::Like, false, false, "LIKE");
      case Tok::Ilike:
        next();
        return parse_pattern(std::move(left), NodeKind::Like, false, true, "ILIKE");
      case Tok::Tilde:
        next();
        return parse_pattern(std::move(left), NodeKind::Regex, false, false, "~");
      case Tok::Contains:
        next();
        return parse_contains(std::move(left));
      case Tok::Not: {
        const Token& after = peek(1);
        if (after.kind == Tok::In || after.kind == Tok::Between || after.kind == Tok::Like ||
            after.kind == Tok::Ilike) {
          next();
          next();
          if (after.kind == Tok::In) return parse_in(std::move(left), true);
          if (after.kind == Tok::Between) return parse_between(std::move(left), true);
          return parse_pattern(std::move(left), NodeKind::Like, true, after.kind == Tok::Ilike,
                               after.kind == Tok::Like ? "NOT LIKE" : "NOT ILIKE");
        }
        fail(Kind::Syntax, after,
             "expected IN, BETWEEN, LIKE or ILIKE after NOT, found " + describe(after),
             "to negate a predicate write NOT (predicate)");
      }
      case Tok::Is: {
        next();
        bool negated = accept(Tok::Not);
        if (peek().kind != Tok::Null) {
          std::string hint = "write IS NULL or IS NOT NULL";
          if (peek().kind == Tok::True || peek().kind == Tok::False)
            hint = "write = TRUE or = FALSE";
          fail(Kind::Syntax, peek(), "expected NULL after IS, found " + describe(peek()), hint);
        }
        auto node = make_node(NodeKind::IsNull, left);
        node->negated = negated;
        node->end = next().end;
        node->left = std::move(left);
        return node;
      }
      default:
        break;
    }
    // A lone operand: a boolean field, an attribute, or TRUE/FALSE.
    if (!left.is_field && left.literal.kind == ValueKind::Boolean) {
      auto node = make_node(NodeKind::Const, left);
      node->const_value = left.literal.boolean;
      node->end = left.end;
      return node;
    }
    if (left.is_field && (left.type == FieldType::Boolean || left.type == FieldType::Dynamic)) {
      auto node = make_node(NodeKind::Truth, left);
      node->end = left.end;
      node->left = std::move(left);
      return node;
    }
    std::string subject = operand_text(left);
    fail(Kind::Syntax, t, "expected an operator after " + subject + ", found " + describe(t),
         "operators: = <> < <= > >= IN BETWEEN LIKE ILIKE ~ CONTAINS IS NULL");
  }

  std::string_view source_;
  AttributeRegistry& attributes_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

std::optional<bool> static_value(const Node& node) {
  switch (node.kind) {
    case NodeKind::Const:
      return node.const_value;
    case NodeKind::And: {
      bool all_true = true;
      for (const auto& c : node.children) {
        auto v = static_value(*c);
        if (v && !*v) return false;
        if (!v) all_true = false;
      }
      if (all_true) return true;
      return std::nullopt;
    }
    case NodeKind::Or: {
      bool all_false = true;
      for (const auto& c : node.children) {
        auto v = static_value(*c);
        if (v && *v) return true;
        if (!v) all_false = false;
      }
      if (all_false) return false;
      return std::nullopt;
    }
    case NodeKind::Not: {
      auto v = static_value(*node.children[0]);
      if (v) return !*v;
      return std::nullopt;
    }
    default:
      // A literal operand: NULL IS NULL is true, 'x' IS NULL is false.
      if (!node.left.is_field && (node.kind == NodeKind::IsNull))
        return (node.left.literal.kind == ValueKind::Null) != node.negated;
      return std::nullopt;
  }
}

void collect_fields(const Node& node, std::vector<FieldRef>& out) {
  auto add = [&](const Operand& op) {
    if (!op.is_field) return;
    for (const auto& f : out)
      if (f == op.field) return;
    out.push_back(op.field);
  };
  add(node.left);
  add(node.right);
  for (const auto& c : node.children) collect_fields(*c, out);
}

}  // namespace
}  // namespace detail

Condition::Condition() = default;
Condition::~Condition() = default;
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;

Condition Condition::compile(std::string_view text, AttributeRegistry& attributes) {
  if (text.size() > detail::kMaxConditionBytes)
    throw ConditionError(ConditionError::Kind::TooComplex,
                         "condition is too long (" + std::to_string(text.size()) + " bytes)", 1, "",
                         "keep conditions under 64 kB; use territories for long value lists");
  Condition c;
  c.text_ = std::string(text);
  detail::Parser parser(c.text_, attributes);
  c.root_ = parser.parse();
  return c;
}

bool Condition::always_true() const {
  auto v = detail::static_value(*root_);
  return v && *v;
}

std::vector<FieldRef> Condition::referenced_fields() const {
  std::vector<FieldRef> out;
  detail::collect_fields(*root_, out);
  return out;
}

void check_condition(std::string_view text) {
  AttributeRegistry scratch;
  (void)Condition::compile(text, scratch);
}

}  // namespace leadroute
