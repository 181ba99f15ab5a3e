#include "core/condition/points.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace leadroute {

namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// A keyword of the expression at the top level: outside quotes, as a whole word.
struct Keyword {
  std::string word;  // upper case
  size_t at;         // byte offset
};

std::vector<Keyword> keywords(std::string_view s) {
  std::vector<Keyword> out;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;  // '' and "" re-enter the quote at the next character
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (!is_word_char(c) || (i > 0 && is_word_char(s[i - 1]))) continue;
    size_t j = i;
    while (j < s.size() && is_word_char(s[j])) ++j;
    std::string w(s.substr(i, j - i));
    for (char& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (w == "CASE" || w == "WHEN" || w == "THEN" || w == "ELSE" || w == "END")
      out.push_back({w, i});
    i = j - 1;
  }
  return out;
}

std::string_view trim(std::string_view s, size_t* offset) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  *offset += a;
  return s.substr(a, b - a);
}

[[noreturn]] void fail(std::string message, size_t position, std::string_view token,
                       std::string hint) {
  throw ConditionError(ConditionError::Kind::Syntax, std::move(message), position + 1,
                       std::string(token), std::move(hint));
}

constexpr const char* kShape =
    "write a number (3), a numeric field (score), or CASE WHEN <condition> THEN <number> ... "
    "ELSE <number> END";

// A number of points: a literal from 0 to kMaxPoints.
double points_literal(std::string_view s, size_t at) {
  size_t offset = at;
  std::string_view t = trim(s, &offset);
  std::string text(t);
  char* end = nullptr;
  double v = text.empty() ? 0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    fail("expected a number of points", offset, t, kShape);
  if (v < 0 || v > kMaxPoints)
    fail("points must be between 0 and 1000000", offset, t, "write a number in that range");
  return v;
}

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offset of the character at `chars` (0-based) in s.
size_t byte_of_char(std::string_view s, size_t chars) {
  size_t i = 0;
  for (size_t n = 0; i < s.size(); ++i) {
    if (continuation(s[i])) continue;
    if (n++ == chars) return i;
  }
  return s.size();
}

// Characters in s before byte offset `bytes`.
size_t chars_before(std::string_view s, size_t bytes) {
  size_t n = 0;
  for (size_t i = 0; i < bytes && i < s.size(); ++i) n += continuation(s[i]) ? 0 : 1;
  return n;
}

// Re-raises a condition's error at its position in the whole expression (in bytes, 1-based, until
// compile() turns it into characters).
Condition compile_at(std::string_view s, size_t at, AttributeRegistry& attributes) {
  try {
    return Condition::compile(s, attributes);
  } catch (const ConditionError& e) {
    size_t byte = byte_of_char(s, e.position() > 0 ? e.position() - 1 : 0);
    throw ConditionError(e.kind(), e.what(), at + byte + 1, e.token(), e.hint());
  }
}

}  // namespace

PointsExpression PointsExpression::compile(std::string_view text, AttributeRegistry& attributes) {
  try {
    return compile_bytes(text, attributes);
  } catch (const ConditionError& e) {
    // Positions count characters, as PostgreSQL's do.
    throw ConditionError(e.kind(), e.what(), chars_before(text, e.position() - 1) + 1, e.token(),
                         e.hint());
  }
}

PointsExpression PointsExpression::compile_bytes(std::string_view text,
                                                 AttributeRegistry& attributes) {
  PointsExpression out;
  out.text_ = std::string(text);
  size_t offset = 0;
  std::string_view s = trim(text, &offset);
  if (s.empty()) fail("the points expression is empty", 0, "", kShape);
  std::vector<Keyword> kw = keywords(text);
  if (kw.empty()) {
    char first = s[0];
    if (std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '.') {
      out.constant_ = points_literal(text, 0);
      return out;
    }
    // A field: the condition parser reads it (quoting, attributes, misspellings).
    Condition probe = compile_at(std::string(s) + " IS NULL", offset, attributes);
    std::vector<FieldRef> refs = probe.referenced_fields();
    if (refs.size() != 1) fail("expected one field", offset, s, kShape);
    if (!refs[0].is_attribute && field_info(refs[0].id).type != FieldType::Number)
      fail("field " + std::string(field_info(refs[0].id).name) + " is not a number", offset, s,
           "points come from a numeric field (score, employees), an attribute, or a CASE");
    out.kind_ = Kind::Field;
    out.field_ = refs[0];
    return out;
  }
  if (kw[0].word != "CASE" || kw[0].at != offset)
    fail("expected CASE", kw[0].at, kw[0].word, kShape);
  if (kw.back().word != "END") fail("CASE without END", text.size(), "", kShape);
  size_t after_end = kw.back().at + 3;
  size_t rest = after_end;
  if (!trim(text.substr(after_end), &rest).empty())
    fail("unexpected text after END", rest, text.substr(rest), kShape);
  out.kind_ = Kind::Case;
  out.constant_ = 1;
  size_t i = 1;
  while (i < kw.size() && kw[i].word == "WHEN") {
    if (i + 1 >= kw.size() || kw[i + 1].word != "THEN")
      fail("WHEN without THEN", kw[i].at, "WHEN", kShape);
    size_t cond_at = kw[i].at + 4;
    Condition c = compile_at(text.substr(cond_at, kw[i + 1].at - cond_at), cond_at, attributes);
    size_t num_at = kw[i + 1].at + 4;
    double v = points_literal(
        text.substr(num_at, kw[i + 2 < kw.size() ? i + 2 : i + 1].at - num_at), num_at);
    out.branches_.emplace_back(std::move(c), v);
    i += 2;
  }
  if (out.branches_.empty()) fail("CASE needs at least one WHEN", kw[0].at, "CASE", kShape);
  if (i < kw.size() && kw[i].word == "ELSE") {
    size_t num_at = kw[i].at + 4;
    if (i + 1 >= kw.size()) fail("ELSE without END", kw[i].at, "ELSE", kShape);
    out.constant_ = points_literal(text.substr(num_at, kw[i + 1].at - num_at), num_at);
    ++i;
  }
  if (i != kw.size() - 1)
    fail("unexpected " + kw[i].word, kw[i].at, kw[i].word,
         "a CASE is WHEN ... THEN ... pairs, then ELSE, then END; nested CASEs are not allowed");
  return out;
}

double PointsExpression::evaluate(const LeadValues& lead) const {
  switch (kind_) {
    case Kind::Constant:
      return constant_;
    case Kind::Field: {
      const ValueView& v =
          field_.is_attribute
              ? (field_.slot < lead.attributes.size() ? lead.attributes[field_.slot] : ValueView{})
              : lead.get(field_.id);
      if (v.kind != ValueKind::Number || !std::isfinite(v.number)) return 1;
      return v.number < 0 ? 0 : std::min(v.number, kMaxPoints);
    }
    case Kind::Case:
      for (const auto& [condition, points] : branches_)
        if (condition.evaluate(lead) == Tri::True) return points;
      return constant_;
  }
  return 1;
}

void check_points(std::string_view text) {
  AttributeRegistry attributes;
  (void)PointsExpression::compile(text, attributes);
}

}  // namespace leadroute
