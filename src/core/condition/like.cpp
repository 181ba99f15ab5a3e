#include "core/condition/like.h"

#include "core/lead/text.h"

namespace leadroute {

static size_t utf8_width(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

LikePattern::LikePattern(std::string_view pattern, bool case_insensitive)
    : case_insensitive_(case_insensitive) {
  std::string source = case_insensitive ? case_fold(pattern) : std::string(pattern);
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '\\' && i + 1 < source.size()) {
      tokens_.push_back({Kind::Byte, source[++i]});
    } else if (c == '%') {
      if (tokens_.empty() || tokens_.back().kind != Kind::AnyMany)
        tokens_.push_back({Kind::AnyMany, 0});
    } else if (c == '_') {
      tokens_.push_back({Kind::AnyOne, 0});
    } else {
      tokens_.push_back({Kind::Byte, c});
    }
  }
}

bool LikePattern::matches(std::string_view text) const {
  if (!case_insensitive_) return match_folded(text);
  return match_folded(case_fold(text));
}

// Greedy matching with one backtrack point at the last %, advancing by whole UTF-8 characters so
// that _ never matches half a character. Linear in practice, O(n*m) at worst; never recursive.
bool LikePattern::match_folded(std::string_view s) const {
  const size_t n = tokens_.size();
  size_t pi = 0, si = 0;
  size_t star_p = SIZE_MAX, star_s = 0;
  while (si < s.size()) {
    if (pi < n && tokens_[pi].kind == Kind::Byte && tokens_[pi].byte == s[si]) {
      ++pi;
      ++si;
    } else if (pi < n && tokens_[pi].kind == Kind::AnyOne) {
      si += utf8_width(static_cast<unsigned char>(s[si]));
      ++pi;
    } else if (pi < n && tokens_[pi].kind == Kind::AnyMany) {
      star_p = pi++;
      star_s = si;
    } else if (star_p != SIZE_MAX) {
      pi = star_p + 1;
      star_s += utf8_width(static_cast<unsigned char>(s[star_s]));
      si = star_s;
    } else {
      return false;
    }
  }
  while (pi < n && tokens_[pi].kind == Kind::AnyMany) ++pi;
  return pi == n && si <= s.size();
}

}  // namespace leadroute
