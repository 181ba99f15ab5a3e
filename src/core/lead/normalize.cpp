#include "core/lead/normalize.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <unicode/uchar.h>

#include "core/lead/company.h"
#include "core/lead/domain.h"
#include "core/lead/text.h"

namespace leadroute {

namespace {

struct CountryAlias {
  const char* alias;
  const char* code;
};

const CountryAlias kCountryAliases[] = {
#include "core/lead/country_data.inc"
};

// Lower-case, accents removed, every run of other characters one space: the form of the aliases.
std::string country_key(std::string_view s) {
  std::string folded = fold_accents_and_case(s);
  std::string key;
  bool pending_space = false;
  for (size_t i = 0; i < folded.size();) {
    size_t start = i;
    char32_t c = utf8_next(folded, &i);
    // Letters and digits of any script count; punctuation of any script (’ « » ·) separates.
    bool alnum = c < 0x80 ? ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                          : u_isalnum(static_cast<UChar32>(c)) != 0;
    if (!alnum) {
      pending_space = !key.empty();
      continue;
    }
    if (pending_space) key += ' ';
    pending_space = false;
    key.append(folded, start, i - start);
  }
  return key;
}

}  // namespace

std::optional<std::string> country_code(std::string_view country) {
  std::string key = country_key(country);
  if (key.empty()) return std::nullopt;
  const CountryAlias* begin = std::begin(kCountryAliases);
  const CountryAlias* end = std::end(kCountryAliases);
  auto it = std::lower_bound(begin, end, key, [](const CountryAlias& a, const std::string& k) {
    return std::string_view(a.alias) < k;
  });
  if (it != end && key == it->alias) return std::string(it->code);
  return std::nullopt;
}

bool is_freemail_domain(std::string_view host, std::string_view registrable,
                        const DomainSet& freemail_domains) {
  if (freemail_domains.size() == 0) return false;
  if (!host.empty() && freemail_domains.contains(host)) return true;
  return !registrable.empty() && freemail_domains.contains(registrable);
}

MatchInputs match_inputs(const LeadValues& lead, const NormalizedStrings& storage,
                         const NormalizationResult& result) {
  MatchInputs in;
  const ValueView& domain = lead.get(FieldId::EmailDomain);
  if (domain.kind == ValueKind::Text) in.email_domain = domain.text;
  in.email_is_freemail = result.is_freemail.value_or(false);
  in.website_domain = storage.website_domain;
  in.website_is_freemail = result.website_is_freemail;
  in.company = storage.company;
  return in;
}

NormalizationResult normalize_lead(LeadValues& lead, NormalizedStrings& storage,
                                   const DomainSet& freemail_domains) {
  NormalizationResult result;
  for (const auto& f : all_fields()) {
    if (f.derived || f.type != FieldType::Text) continue;
    ValueView v = lead.get(f.id);
    if (v.kind != ValueKind::Text) continue;
    std::string_view trimmed = trim(v.text);
    // Trimmed, or empty and so stored as NULL.
    if (trimmed.size() != v.text.size() || trimmed.empty())
      result.text_changed[static_cast<size_t>(f.id)] = true;
    lead.set(f.id, trimmed.empty() ? ValueView::null() : ValueView::of_text(trimmed));
  }

  storage.email_domain.clear();
  const ValueView email = lead.get(FieldId::Email);
  if (email.kind == ValueKind::Text) {
    storage.email = normalize_email(email.text);
    if (storage.email != email.text)
      result.text_changed[static_cast<size_t>(FieldId::Email)] = true;
    lead.set(FieldId::Email,
             storage.email.empty() ? ValueView::null() : ValueView::of_text(storage.email));
    auto host = email_host(storage.email);
    std::optional<std::string> registrable;
    if (host) registrable = registrable_domain(*host);
    if (registrable) {
      storage.email_domain = std::move(*registrable);
      result.has_email_domain = true;
      lead.set(FieldId::EmailDomain, ValueView::of_text(storage.email_domain));
      result.is_freemail = is_freemail_domain(*host, storage.email_domain, freemail_domains);
      lead.set(FieldId::IsFreemail, ValueView::of_boolean(*result.is_freemail));
    }
  }

  storage.website_domain.clear();
  const ValueView website = lead.get(FieldId::Website);
  if (website.kind == ValueKind::Text) {
    auto host = url_host(website.text);
    std::optional<std::string> registrable;
    if (host) registrable = registrable_domain(*host);
    if (registrable) {
      storage.website_domain = std::move(*registrable);
      result.website_is_freemail =
          is_freemail_domain(*host, storage.website_domain, freemail_domains);
    }
  }
  storage.company.clear();
  const ValueView company = lead.get(FieldId::Company);
  if (company.kind == ValueKind::Text) storage.company = normalize_company(company.text);

  const ValueView country = lead.get(FieldId::Country);
  if (country.kind == ValueKind::Text) {
    auto code = country_code(country.text);
    if (code && *code != country.text) {
      storage.country = std::move(*code);
      result.text_changed[static_cast<size_t>(FieldId::Country)] = true;
      lead.set(FieldId::Country, ValueView::of_text(storage.country));
    }
  }
  return result;
}

}  // namespace leadroute
