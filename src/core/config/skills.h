// Skills-based routing: a rule's required skills, with {field} placeholders filled from the lead
// ("lang:{language}" → "lang:de"), and how well a rep's skills match a lead.
#pragma once
#include "core/util/core_guard.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lead/fields.h"

namespace leadroute {

// One required skill as written: text with {field} placeholders.
class SkillTemplate {
 public:
  // Throws std::invalid_argument naming an unknown or unusable placeholder field.
  static SkillTemplate parse(std::string_view text);
  // The skill for this lead (lower-cased), or nullopt when a placeholder's field is NULL (the
  // requirement is then dropped: nobody can be required to hold an unknown skill).
  std::optional<std::string> expand(const LeadValues& lead) const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    bool is_field;
    std::string literal;
    FieldId field;
  };
  std::string text_;
  std::vector<Part> parts_;
};

// Skills are compared case-insensitively.
std::string canonical_skill(std::string_view skill);
bool has_skill(const std::vector<std::string>& rep_skills, std::string_view skill);

// The skills a lead calls for, derived from its fields: lang:<language>, country:<country>,
// state:<state>, industry:<industry>, source:<source>, product:<each product_interest>.
std::vector<std::string> lead_skill_tokens(const LeadValues& lead);

// How many of a rep's skills the lead calls for: the "best match" among qualified reps.
int skill_match_score(const std::vector<std::string>& rep_skills,
                      const std::vector<std::string>& lead_tokens);

}  // namespace leadroute
