#include "core/condition/condition_lexer.h"

#include "core/condition/condition.h"
#include "core/lead/text.h"

namespace leadroute::detail {

namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

Tok keyword(std::string_view word) {
  struct Entry {
    const char* name;
    Tok tok;
  };
  static constexpr Entry kKeywords[] = {
      {"and", Tok::And},         {"or", Tok::Or},
      {"not", Tok::Not},         {"in", Tok::In},
      {"between", Tok::Between}, {"is", Tok::Is},
      {"null", Tok::Null},       {"like", Tok::Like},
      {"ilike", Tok::Ilike},     {"contains", Tok::Contains},
      {"true", Tok::True},       {"false", Tok::False},
  };
  for (const auto& k : kKeywords)
    if (iequals_ascii(word, k.name)) return k.tok;
  return Tok::Ident;
}

[[noreturn]] void fail(std::string_view source, size_t at, std::string message, std::string token,
                       std::string hint = "") {
  throw ConditionError(ConditionError::Kind::Syntax, std::move(message),
                       utf8_length(source.substr(0, at)) + 1, std::move(token), std::move(hint));
}

}  // namespace

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    size_t start = i;
    if (is_ident_start(c)) {
      while (i < s.size() && is_ident_char(static_cast<unsigned char>(s[i]))) ++i;
      std::string word(s.substr(start, i - start));
      out.push_back({keyword(word), start, i, word});
      continue;
    }
    if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]) &&
                        (out.empty() || out.back().kind != Tok::Ident))) {
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i < s.size() && s[i] == '.' && i + 1 < s.size() && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && is_digit(s[j])) {
          i = j;
          while (i < s.size() && is_digit(s[i])) ++i;
        }
      }
      if (i < s.size() && is_ident_start(static_cast<unsigned char>(s[i])))
        fail(s, start, "invalid number", std::string(s.substr(start, i + 1 - start)),
             "separate a number from the next word with a space");
      out.push_back({Tok::Number, start, i, std::string(s.substr(start, i - start))});
      continue;
    }
    if (c == '\'') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            value += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += s[i++];
      }
      if (!closed)
        fail(s, start, "unterminated string literal",
             std::string(s.substr(start, utf8_offset(s.substr(start), 20))),
             "close the string with a single quote; write '' for a quote inside it");
      out.push_back({Tok::String, start, i, std::move(value)});
      continue;
    }
    if (c == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += s[i++];
      }
      if (!closed)
        fail(s, start, "unterminated quoted identifier",
             std::string(s.substr(start, utf8_offset(s.substr(start), 20))),
             "close the identifier with a double quote");
      if (value.empty()) fail(s, start, "zero-length quoted identifier", "\"\"");
      out.push_back({Tok::QuotedIdent, start, i, std::move(value)});
      continue;
    }
    auto two = [&](char a, char b) { return c == a && i + 1 < s.size() && s[i + 1] == b; };
    Tok kind;
    size_t width = 1;
    if (two('<', '>')) {
      kind = Tok::Ne;
      width = 2;
    } else if (two('!', '=')) {
      kind = Tok::Ne;
      width = 2;
    } else if (two('<', '=')) {
      kind = Tok::Le;
      width = 2;
    } else if (two('>', '=')) {
      kind = Tok::Ge;
      width = 2;
    } else {
      switch (c) {
        case '(':
          kind = Tok::LParen;
          break;
        case ')':
          kind = Tok::RParen;
          break;
        case ',':
          kind = Tok::Comma;
          break;
        case '.':
          kind = Tok::Dot;
          break;
        case '-':
          kind = Tok::Minus;
          break;
        case '=':
          kind = Tok::Eq;
          break;
        case '<':
          kind = Tok::Lt;
          break;
        case '>':
          kind = Tok::Gt;
          break;
        case '~':
          kind = Tok::Tilde;
          break;
        default: {
          size_t w = i;
          utf8_next(s, &w);
          std::string ch(s.substr(i, w - i));
          std::string hint;
          if (c == ';')
            hint = "a condition is one expression: it cannot end a statement or start another";
          else if (c == '!' || c == '&' || c == '|')
            hint = "write NOT, AND, OR, and <> for not-equal";
          fail(s, start, "unexpected character \"" + ch + "\"", ch, hint);
        }
      }
    }
    i += width;
    out.push_back({kind, start, i, std::string(s.substr(start, width))});
  }
  out.push_back({Tok::End, s.size(), s.size(), ""});
  return out;
}

}  // namespace leadroute::detail
