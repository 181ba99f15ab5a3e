// Step 1 of routing: normalize the lead's inputs before any decision (docs/architecture.md).
#pragma once
#include "core/util/core_guard.h"

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/lead/fields.h"
#include "core/matching/matching.h"

namespace leadroute {

// A set of domains looked up by string_view without allocating.
class DomainSet {
 public:
  void insert(std::string_view domain) {
    if (contains(domain)) return;
    storage_.emplace_back(domain);
    index_.insert(storage_.back());
  }
  bool contains(std::string_view domain) const { return index_.count(domain) > 0; }
  size_t size() const { return index_.size(); }
  void reserve(size_t n) { index_.reserve(n); }

 private:
  std::deque<std::string> storage_;  // stable addresses for the views in index_
  std::unordered_set<std::string_view> index_;
};

// ISO 3166-1 alpha-2 code for a country name, alias or code ("Deutschland", "usa", "U.K."),
// or nullopt when the value is not recognised.
std::optional<std::string> country_code(std::string_view country);

// Owned storage for the values normalization computes; LeadValues views point into it.
struct NormalizedStrings {
  std::string email;
  std::string email_domain;
  std::string country;
  std::string website_domain;  // for account matching; "" when none
  std::string company;         // normalize_company(company); "" when none
};

// What normalization changed, so the shim writes back only those columns.
struct NormalizationResult {
  bool text_changed[kFieldCount] = {};  // input text fields trimmed or emptied
  bool has_email_domain = false;
  std::optional<bool> is_freemail;
  bool website_is_freemail = false;
};

// Normalizes `lead` in place: trims text inputs (empty → NULL), lower-cases the email, derives
// email_domain and is_freemail, maps country to its ISO code. Views in `lead` afterwards point into
// `storage` or into the caller's original strings.
NormalizationResult normalize_lead(LeadValues& lead, NormalizedStrings& storage,
                                   const DomainSet& freemail_domains);

// What account matching needs, from a lead normalize_lead() has processed.
MatchInputs match_inputs(const LeadValues& lead, const NormalizedStrings& storage,
                         const NormalizationResult& result);

// True when the email's host or its registrable domain is a free-mail domain.
bool is_freemail_domain(std::string_view host, std::string_view registrable,
                        const DomainSet& freemail_domains);

}  // namespace leadroute
