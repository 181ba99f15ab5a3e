#include "core/matching/matching.h"

#include <algorithm>

namespace leadroute {

int account_status_rank(std::string_view status) {
  if (status == "customer") return 0;
  if (status == "prospect") return 1;
  return 2;
}

namespace {

// Deterministic order: customers before prospects, parent accounts before subsidiaries, then the
// oldest (lowest id). The same lead always matches the same account.
bool better(const AccountRecord& a, const AccountRecord& b) {
  if (a.similarity != b.similarity) return a.similarity > b.similarity;
  int ra = account_status_rank(a.status), rb = account_status_rank(b.status);
  if (ra != rb) return ra < rb;
  bool a_top = !a.parent_id, b_top = !b.parent_id;
  if (a_top != b_top) return a_top;
  return a.id < b.id;
}

std::string explain_tie(const std::vector<AccountRecord>& c) {
  const AccountRecord& first = c[0];
  const AccountRecord& second = c[1];
  std::string why;
  if (first.similarity != second.similarity)
    why = "the most similar name";
  else if (account_status_rank(first.status) != account_status_rank(second.status))
    why = "customers before prospects";
  else if (!first.parent_id != !second.parent_id)
    why = "the parent account before its subsidiaries";
  else
    why = "the first added (lowest id)";
  return std::to_string(c.size()) + " accounts match; picked " + why;
}

bool try_tier(AccountSource& source, AccountLookup lookup, const char* tier, std::string_view key,
              double threshold, AccountMatch* m) {
  std::vector<AccountRecord> found;
  source.find_accounts(lookup, key, threshold, &found);
  m->tried.push_back(std::string(tier) + " " + std::string(key));
  if (found.empty()) return false;
  // The same account can arrive twice (its main domain and an extra domain): keep one.
  std::sort(found.begin(), found.end(), better);
  found.erase(
      std::unique(found.begin(), found.end(),
                  [](const AccountRecord& a, const AccountRecord& b) { return a.id == b.id; }),
      found.end());
  std::sort(found.begin(), found.end(), better);
  m->candidates = found.size();
  if (found.size() > 1) m->tie_break = explain_tie(found);
  m->account = std::move(found.front());
  m->tier = tier;
  m->key = std::string(key);
  return true;
}

}  // namespace

AccountMatch match_account(const MatchInputs& in, double fuzzy_threshold, AccountSource& source) {
  AccountMatch m;
  // Tiers 1 and 2: domains, never for free-mail addresses (gmail.com is nobody's account).
  if (!in.email_domain.empty()) {
    if (in.email_is_freemail)
      m.skipped.push_back("email_domain " + std::string(in.email_domain) + " is free-mail");
    else if (try_tier(source, AccountLookup::Domain, "email_domain", in.email_domain, 0, &m))
      return m;
  }
  if (!in.website_domain.empty() && in.website_domain != in.email_domain) {
    if (in.website_is_freemail)
      m.skipped.push_back("website " + std::string(in.website_domain) + " is free-mail");
    else if (try_tier(source, AccountLookup::Domain, "website", in.website_domain, 0, &m))
      return m;
  }
  // Tier 3: the normalized company name, exactly.
  if (!in.company.empty()) {
    if (try_tier(source, AccountLookup::Company, "company", in.company, 0, &m)) return m;
    // Tier 4: similar names, when switched on.
    if (fuzzy_threshold > 0 &&
        try_tier(source, AccountLookup::FuzzyCompany, "fuzzy", in.company, fuzzy_threshold, &m))
      return m;
  }
  return m;
}

void set_account_fields(const AccountMatch& match, LeadValues* lead) {
  if (!match.account) return;
  const AccountRecord& a = *match.account;
  lead->set(FieldId::AccountId, ValueView::of_number(static_cast<double>(a.id)));
  lead->set(FieldId::AccountStatus, ValueView::of_text(a.status));
  if (a.owner_id)
    lead->set(FieldId::AccountOwnerId, ValueView::of_number(static_cast<double>(*a.owner_id)));
  lead->set(FieldId::MatchTier, ValueView::of_text(match.tier));
}

}  // namespace leadroute
