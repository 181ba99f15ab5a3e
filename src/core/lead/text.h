// Text helpers shared by the condition language and the normalizers. Input is UTF-8; invalid
// sequences never crash anything (ICU replaces them with U+FFFD).
#pragma once
#include "core/util/core_guard.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace leadroute {

std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);
bool is_ascii(std::string_view s);
// Trims ASCII whitespace and the Unicode no-break space (U+00A0) at both ends.
std::string_view trim(std::string_view s);
bool iequals_ascii(std::string_view a, std::string_view b);

// Unicode case folding (ß → ss, İ → i̇). ASCII input takes a fast path.
std::string case_fold(std::string_view s);
// Case folding plus removal of accents and compatibility forms: "Société Générale" → "societe
// generale", "ﬁ" → "fi", "Ø" → "o". Used for company names and country names.
std::string fold_accents_and_case(std::string_view s);

// Number of Unicode code points in a UTF-8 string (a continuation byte does not count).
size_t utf8_length(std::string_view s);
// Byte offset of code point number `index` (0-based), clamped to the string size.
size_t utf8_offset(std::string_view s, size_t index);
// Decodes one code point at s[*pos] and advances *pos; returns U+FFFD for an invalid sequence.
char32_t utf8_next(std::string_view s, size_t* pos);

// Levenshtein distance, for "did you mean" hints on short identifiers.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace leadroute
