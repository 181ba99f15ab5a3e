#include "core/condition/regex_pattern.h"

#include <unicode/uregex.h>
#include <unicode/utext.h>

namespace leadroute {

// Match steps allowed per search; ICU calls the unit "approximately milliseconds" but counts work,
// so results do not depend on machine load.
constexpr int32_t kRegexTimeLimit = 20;
// Backtrack stack allowed per search, in bytes.
constexpr int32_t kRegexStackLimit = 1 << 20;

RegexPattern::RegexPattern(std::string_view pattern) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error{};
  UText pattern_text = UTEXT_INITIALIZER;
  utext_openUTF8(&pattern_text, pattern.data(), static_cast<int64_t>(pattern.size()), &status);
  if (U_SUCCESS(status)) re_ = uregex_openUText(&pattern_text, 0, &parse_error, &status);
  utext_close(&pattern_text);
  if (U_FAILURE(status)) {
    if (re_) uregex_close(re_);
    re_ = nullptr;
    std::string message = u_errorName(status);
    if (message.rfind("U_REGEX_", 0) == 0) message = message.substr(8);
    for (char& c : message) {
      if (c == '_') c = ' ';
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    size_t offset = parse_error.offset >= 0 ? static_cast<size_t>(parse_error.offset) : 0;
    throw RegexCompileError{message, offset};
  }
  uregex_setTimeLimit(re_, kRegexTimeLimit, &status);
  uregex_setStackLimit(re_, kRegexStackLimit, &status);
}

RegexPattern::~RegexPattern() {
  if (re_) uregex_close(re_);
}

RegexPattern::Result RegexPattern::search(std::string_view text) const {
  UErrorCode status = U_ZERO_ERROR;
  UText ut = UTEXT_INITIALIZER;
  utext_openUTF8(&ut, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return Result::Aborted;
  uregex_setUText(re_, &ut, &status);
  UBool found = U_SUCCESS(status) ? uregex_find(re_, 0, &status) : false;
  // Detach the input before it goes out of scope.
  UErrorCode reset_status = U_ZERO_ERROR;
  uregex_setText(re_, u"", 0, &reset_status);
  utext_close(&ut);
  if (U_FAILURE(status)) return Result::Aborted;
  return found ? Result::Match : Result::NoMatch;
}

}  // namespace leadroute
