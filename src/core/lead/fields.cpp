#include "core/lead/fields.h"

#include <algorithm>
#include <iterator>

#include "core/lead/text.h"

namespace leadroute {

namespace {

// Constant-initialized: no constructor runs at dlopen time (docs/contributing.md, rule 5).
constexpr FieldInfo kFieldTable[] = {
    {FieldId::Email, "email", FieldType::Text, false, "email address, trimmed and lower-cased"},
    {FieldId::FirstName, "first_name", FieldType::Text, false, "first name"},
    {FieldId::LastName, "last_name", FieldType::Text, false, "last name"},
    {FieldId::Company, "company", FieldType::Text, false, "company name as entered"},
    {FieldId::Website, "website", FieldType::Text, false, "company website as entered"},
    {FieldId::Phone, "phone", FieldType::Text, false, "phone number"},
    {FieldId::Title, "title", FieldType::Text, false, "job title"},
    {FieldId::Country, "country", FieldType::Text, false,
     "ISO 3166-1 alpha-2 code when recognised ('US', 'DE')"},
    {FieldId::State, "state", FieldType::Text, false, "state or region"},
    {FieldId::City, "city", FieldType::Text, false, "city"},
    {FieldId::PostalCode, "postal_code", FieldType::Text, false, "postal code"},
    {FieldId::Employees, "employees", FieldType::Number, false, "company size in employees"},
    {FieldId::Industry, "industry", FieldType::Text, false, "industry"},
    {FieldId::Source, "source", FieldType::Text, false, "lead source (demo_request, webinar, ...)"},
    {FieldId::ProductInterest, "product_interest", FieldType::TextArray, false,
     "products of interest (text[]; use CONTAINS)"},
    {FieldId::Score, "score", FieldType::Number, false, "lead score"},
    {FieldId::Language, "language", FieldType::Text, false, "preferred language"},
    {FieldId::EmailDomain, "email_domain", FieldType::Text, true,
     "registrable domain of the email (acme.co.uk)"},
    {FieldId::IsFreemail, "is_freemail", FieldType::Boolean, true,
     "true when the email domain is a free-mail, disposable or typo domain"},
    {FieldId::AccountId, "account_id", FieldType::Number, true, "matched account id"},
    {FieldId::AccountStatus, "account_status", FieldType::Text, true,
     "status of the matched account ('customer', 'prospect', ...)"},
    {FieldId::AccountOwnerId, "account_owner_id", FieldType::Number, true,
     "owner (rep id) of the matched account"},
    {FieldId::MatchTier, "match_tier", FieldType::Text, true,
     "how the account matched: email_domain, website, company, fuzzy"},
};
static_assert(sizeof(kFieldTable) / sizeof(kFieldTable[0]) == kFieldCount,
              "one entry per FieldId, in FieldId order");

FieldList field_table() {
  return FieldList{std::begin(kFieldTable), std::end(kFieldTable)};
}

}  // namespace

FieldList all_fields() {
  return field_table();
}

const FieldInfo& field_info(FieldId id) {
  return kFieldTable[static_cast<size_t>(id)];
}

// Never allocates: the shim calls it from code that may be inside PG_TRY.
const FieldInfo* find_field(std::string_view name) {
  for (const auto& f : field_table())
    if (iequals_ascii(name, f.name)) return &f;
  return nullptr;
}

std::string field_names_for_hint() {
  std::string out;
  for (const auto& f : field_table()) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  out += ", attributes.<key>";
  return out;
}

std::string closest_field(std::string_view name) {
  std::string lower = ascii_lower(name);
  std::string best;
  size_t best_distance = 3;  // suggest only close misspellings
  for (const auto& f : field_table()) {
    size_t d = edit_distance(lower, f.name);
    if (d < best_distance) {
      best_distance = d;
      best = f.name;
    }
  }
  if (best.empty() && edit_distance(lower, "attributes") < 3) best = "attributes.<key>";
  return best;
}

const char* field_type_name(FieldType t) {
  switch (t) {
    case FieldType::Text:
      return "text";
    case FieldType::Number:
      return "number";
    case FieldType::Boolean:
      return "boolean";
    case FieldType::TextArray:
      return "text[]";
    case FieldType::Dynamic:
      return "attribute";
  }
  return "?";
}

uint32_t AttributeRegistry::intern(const std::vector<std::string>& path) {
  std::string key;
  for (const auto& p : path) {
    key += p;
    key += '\0';
  }
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  uint32_t slot = static_cast<uint32_t>(paths_.size());
  paths_.push_back(path);
  index_.emplace(std::move(key), slot);
  return slot;
}

std::string AttributeRegistry::display(uint32_t slot) const {
  std::string out = "attributes";
  for (const auto& p : paths_[slot]) {
    out += '.';
    out += p;
  }
  return out;
}

}  // namespace leadroute
