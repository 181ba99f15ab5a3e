// The `~` operator of the condition language: an ICU regular expression, searched (not anchored)
// like PostgreSQL's `~`. Matching is bounded: ICU counts match steps (deterministic, not wall time)
// and keeps its backtrack stack on the heap, so a hostile pattern cannot hang or crash a backend.
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>

struct URegularExpression;

namespace leadroute {

class RegexPattern {
 public:
  // Throws RegexCompileError when the pattern is invalid.
  explicit RegexPattern(std::string_view pattern);
  ~RegexPattern();
  RegexPattern(const RegexPattern&) = delete;
  RegexPattern& operator=(const RegexPattern&) = delete;

  enum class Result { Match, NoMatch, Aborted };
  Result search(std::string_view text) const;

 private:
  URegularExpression* re_ = nullptr;
};

// Thrown by RegexPattern's constructor.
struct RegexCompileError {
  std::string message;
  size_t offset;  // 0-based character offset in the pattern
};

}  // namespace leadroute
