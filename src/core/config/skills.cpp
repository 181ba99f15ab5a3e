#include "core/config/skills.h"

#include <stdexcept>

#include "core/lead/text.h"

namespace leadroute {

std::string canonical_skill(std::string_view skill) {
  return case_fold(trim(skill));
}

SkillTemplate SkillTemplate::parse(std::string_view text) {
  SkillTemplate t;
  t.text_ = std::string(text);
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      literal += text[i];
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos)
      throw std::invalid_argument("unclosed { in required skill \"" + std::string(text) + "\"");
    std::string_view name = text.substr(i + 1, close - i - 1);
    const FieldInfo* f = find_field(name);
    if (!f)
      throw std::invalid_argument("unknown field {" + std::string(name) + "} in required skill \"" +
                                  std::string(text) + "\"");
    if (f->type == FieldType::TextArray)
      throw std::invalid_argument("{" + std::string(name) +
                                  "} is a list; placeholders take single values");
    if (!literal.empty()) t.parts_.push_back({false, literal, FieldId::Email});
    literal.clear();
    t.parts_.push_back({true, "", f->id});
    i = close;
  }
  if (!literal.empty()) t.parts_.push_back({false, literal, FieldId::Email});
  return t;
}

std::optional<std::string> SkillTemplate::expand(const LeadValues& lead) const {
  std::string out;
  for (const Part& p : parts_) {
    if (!p.is_field) {
      out += p.literal;
      continue;
    }
    const ValueView& v = lead.get(p.field);
    switch (v.kind) {
      case ValueKind::Text:
        out += v.text;
        break;
      case ValueKind::Number:
        out += format_number(v.number);
        break;
      case ValueKind::Boolean:
        out += v.boolean ? "true" : "false";
        break;
      default:
        return std::nullopt;
    }
  }
  return canonical_skill(out);
}

bool has_skill(const std::vector<std::string>& rep_skills, std::string_view skill) {
  std::string wanted = canonical_skill(skill);
  for (const auto& s : rep_skills)
    if (canonical_skill(s) == wanted) return true;
  return false;
}

std::vector<std::string> lead_skill_tokens(const LeadValues& lead) {
  std::vector<std::string> out;
  auto add = [&](const char* prefix, FieldId id) {
    const ValueView& v = lead.get(id);
    if (v.kind == ValueKind::Text)
      out.push_back(canonical_skill(std::string(prefix) + std::string(v.text)));
  };
  add("lang:", FieldId::Language);
  add("country:", FieldId::Country);
  add("state:", FieldId::State);
  add("industry:", FieldId::Industry);
  add("source:", FieldId::Source);
  const ValueView& products = lead.get(FieldId::ProductInterest);
  if (products.kind == ValueKind::TextArray)
    for (uint32_t i = 0; i < products.item_count; ++i)
      if (products.items[i].data())
        out.push_back(canonical_skill("product:" + std::string(products.items[i])));
  return out;
}

int skill_match_score(const std::vector<std::string>& rep_skills,
                      const std::vector<std::string>& lead_tokens) {
  int score = 0;
  for (const auto& s : rep_skills) {
    std::string c = canonical_skill(s);
    for (const auto& t : lead_tokens)
      if (c == t) {
        ++score;
        break;
      }
  }
  return score;
}

}  // namespace leadroute
