// SQL LIKE / ILIKE: % matches any sequence, _ one character, backslash escapes.
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

class LikePattern {
 public:
  LikePattern(std::string_view pattern, bool case_insensitive);
  bool matches(std::string_view text) const;
  bool case_insensitive() const { return case_insensitive_; }

 private:
  enum class Kind : uint8_t { Byte, AnyOne, AnyMany };
  struct Token {
    Kind kind;
    char byte;
  };
  bool match_folded(std::string_view text) const;
  std::vector<Token> tokens_;
  bool case_insensitive_;
};

}  // namespace leadroute
