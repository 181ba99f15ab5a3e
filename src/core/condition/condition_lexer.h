// Tokens of the condition language. Keywords are case-insensitive; identifiers may be quoted.
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>
#include <vector>

namespace leadroute::detail {

enum class Tok : uint8_t {
  Ident,
  QuotedIdent,
  String,
  Number,
  LParen,
  RParen,
  Comma,
  Dot,
  Minus,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Tilde,
  // keywords
  And,
  Or,
  Not,
  In,
  Between,
  Is,
  Null,
  Like,
  Ilike,
  Contains,
  True,
  False,
  End,
};

struct Token {
  Tok kind;
  size_t begin, end;  // byte span in the source
  std::string text;   // identifier (as written), unescaped string, or number text
};

// Throws ConditionError on an unexpected character or an unterminated string.
std::vector<Token> tokenize(std::string_view source);

}  // namespace leadroute::detail
