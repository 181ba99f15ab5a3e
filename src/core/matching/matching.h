// Step 2 of routing: lead-to-account matching (docs/architecture.md). Tiers, most reliable first;
// the first tier that finds an account wins; several accounts for one key are ordered
// deterministically.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lead/fields.h"

namespace leadroute {

struct AccountRecord {
  int64_t id = 0;
  std::string name;
  std::string status;
  std::optional<int64_t> owner_id;
  std::optional<int64_t> csm_id;
  std::optional<int64_t> parent_id;
  double similarity = 1.0;  // fuzzy tier only
};

enum class AccountLookup { Domain, Company, FuzzyCompany };

// Where accounts come from: index lookups in the database, or a test's fixture.
class AccountSource {
 public:
  virtual ~AccountSource() = default;
  // Appends every account whose domains (for Domain), normalized name (Company) or name similar
  // above `threshold` (FuzzyCompany) matches `key`.
  // The default knows no accounts.
  virtual void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                             std::vector<AccountRecord>* out) {
    (void)lookup, (void)key, (void)threshold, (void)out;
  }
};

// What matching needs from the normalized lead.
struct MatchInputs {
  std::string_view email_domain;  // "" when none
  bool email_is_freemail = false;
  std::string_view website_domain;  // "" when none
  bool website_is_freemail = false;
  std::string_view company;  // normalized; "" when none
};

struct AccountMatch {
  std::optional<AccountRecord> account;
  std::string tier;  // email_domain, website, company, fuzzy; "" when nothing matched
  std::string key;   // the value that matched
  size_t candidates = 0;
  std::string tie_break;             // why this account among several, "" when alone
  std::vector<std::string> tried;    // "email_domain acme.com", ... in order
  std::vector<std::string> skipped;  // tiers skipped and why (free-mail)
};

// Customers first, then prospects, then anything else.
int account_status_rank(std::string_view status);

// Runs the tiers. `fuzzy_threshold` <= 0 switches the fuzzy tier off.
AccountMatch match_account(const MatchInputs& in, double fuzzy_threshold, AccountSource& source);

// Sets the derived fields account_id, account_status, account_owner_id and match_tier of `lead`;
// the views point into `match`.
void set_account_fields(const AccountMatch& match, LeadValues* lead);

}  // namespace leadroute
