#include "core/lead/company.h"

#include <algorithm>
#include <vector>

#include "core/lead/text.h"

namespace leadroute {

namespace {

// Legal-form suffixes, as token sequences after normalization (dots removed, single letters
// merged: "S.p.A." → "spa", "L.L.C." → "llc", "Sp. z o.o." → "sp zoo").
struct Suffix {
  const char* tokens[3];
};

constexpr Suffix kSuffixes[] = {
    // English-speaking
    {{"inc"}},
    {{"incorporated"}},
    {{"corp"}},
    {{"corporation"}},
    {{"co"}},
    {{"company"}},
    {{"llc"}},
    {{"llp"}},
    {{"lp"}},
    {{"ltd"}},
    {{"limited"}},
    {{"plc"}},
    {{"pllc"}},
    {{"pc"}},
    {{"pty"}},
    {{"pty", "ltd"}},
    {{"pvt"}},
    {{"pte"}},
    {{"private"}},
    // German-speaking
    {{"gmbh"}},
    {{"mbh"}},
    {{"ag"}},
    {{"kg"}},
    {{"kgaa"}},
    {{"ohg"}},
    {{"ug"}},
    {{"ev"}},
    {{"eg"}},
    {{"se"}},
    // French, Spanish, Portuguese, Italian
    {{"sa"}},
    {{"sas"}},
    {{"sasu"}},
    {{"sarl"}},
    {{"eurl"}},
    {{"sca"}},
    {{"snc"}},
    {{"spa"}},
    {{"srl"}},
    {{"srls"}},
    {{"sl"}},
    {{"slu"}},
    {{"lda"}},
    {{"ltda"}},
    {{"sa", "de", "cv"}},
    {{"de", "cv"}},
    {{"cv"}},
    {{"sab"}},
    // Dutch, Belgian, Nordic, Baltic
    {{"bv"}},
    {{"nv"}},
    {{"bvba"}},
    {{"vof"}},
    {{"ab"}},
    {{"publ"}},
    {{"as"}},
    {{"asa"}},
    {{"aps"}},
    {{"oy"}},
    {{"oyj"}},
    {{"hf"}},
    {{"ehf"}},
    // Central and Eastern Europe
    {{"sp", "zoo"}},
    {{"sro"}},
    {{"as"}},
    {{"doo"}},
    {{"dd"}},
    {{"kft"}},
    {{"zrt"}},
    {{"nyrt"}},
    {{"ooo"}},
    {{"zao"}},
    {{"oao"}},
    {{"pao"}},
    // Asia-Pacific, Middle East, Africa
    {{"kk"}},
    {{"gk"}},
    {{"yk"}},
    {{"bhd"}},
    {{"sdn", "bhd"}},
    {{"tbk"}},
    {{"pt"}},
    {{"jsc"}},
    {{"fze"}},
    {{"fzco"}},
    {{"fzllc"}},
    {{"wll"}},
    {{"pjsc"}},
    {{"nl"}},
};

bool is_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Splits on anything that is not a letter or digit. Dots inside a word ("acme.com") join it.
std::vector<std::string> tokenize(const std::string& folded) {
  std::vector<std::string> tokens;
  std::string current;
  for (size_t i = 0; i < folded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    if (is_word_char(c)) {
      current += static_cast<char>(c);
    } else if (c == '.' && !current.empty() && i + 1 < folded.size() &&
               is_word_char(static_cast<unsigned char>(folded[i + 1])) && current.size() > 1) {
      // "acme.com": keep the word whole; single letters ("s.a.") are merged below instead.
      continue;
    } else if (c == '&') {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
      tokens.emplace_back("&");
    } else {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  // Merge runs of single letters: "s p a" → "spa", "l l c" → "llc", "k k" → "kk". A single
  // digit is a word of its own ("Acme 2 S.A." is "acme 2", not "acme 2sa").
  auto single_letter = [](const std::string& t) {
    return t.size() == 1 && t[0] >= 'a' && t[0] <= 'z';
  };
  std::vector<std::string> merged;
  for (size_t i = 0; i < tokens.size();) {
    if (single_letter(tokens[i])) {
      std::string run;
      while (i < tokens.size() && single_letter(tokens[i])) run += tokens[i++];
      merged.push_back(run);
    } else {
      merged.push_back(tokens[i++]);
    }
  }
  return merged;
}

size_t suffix_length(const Suffix& s) {
  size_t n = 0;
  while (n < 3 && s.tokens[n]) ++n;
  return n;
}

// Removes one legal suffix from the end when it matches (never the last remaining token).
bool strip_suffix(std::vector<std::string>& tokens) {
  size_t best = 0;
  for (const auto& s : kSuffixes) {
    size_t n = suffix_length(s);
    if (n == 0 || n >= tokens.size() || n <= best) continue;
    bool match = true;
    for (size_t k = 0; k < n; ++k)
      if (tokens[tokens.size() - n + k] != s.tokens[k]) match = false;
    if (match) best = n;
  }
  if (best == 0) return false;
  tokens.resize(tokens.size() - best);
  return true;
}

}  // namespace

std::string normalize_company(std::string_view name) {
  std::string folded = fold_accents_and_case(trim(name));
  std::vector<std::string> tokens = tokenize(folded);
  // "&" and "and" join names ("Johnson & Johnson", "Johnson and Johnson"): drop both.
  tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                              [](const std::string& t) { return t == "&" || t == "and"; }),
               tokens.end());
  if (tokens.size() > 1 && tokens.front() == "the") tokens.erase(tokens.begin());
  while (strip_suffix(tokens)) {
  }
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

}  // namespace leadroute
