// Generated leads: a realistic inbound mix (sources, countries written as codes or names, company
// sizes, free-mail, students, leads from existing accounts) and two probe sets for the rules
// sweep: "early" leads matched by the 5th rule, "late" leads matched only by the catch-all.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "org.h"

namespace leadroute::bench {

enum class LeadSet : uint64_t { Mix = 11, Early = 12, Late = 13, Warmup = 14 };
const char* lead_set_name(LeadSet s);

// The columns every contender inserts, in this order. `queue` is 'unrouted' in every row: the
// plain contender has no router, and leads_queued_has_queue needs a queue for a queued lead; the
// routers overwrite it.
constexpr std::array<const char*, 18> kLeadColumns = {
    "email",  "first_name",       "last_name", "company",  "website",    "phone",
    "title",  "country",          "state",     "city",     "employees",  "industry",
    "source", "product_interest", "score",     "language", "attributes", "queue"};
constexpr size_t kLeadColumnCount = kLeadColumns.size();

struct Lead {
  std::array<std::optional<std::string>, kLeadColumnCount> values;
  // What the generator meant (for the summary): account, freemail, edu, new, early, late.
  const char* kind = "";
};

class LeadGenerator {
 public:
  explicit LeadGenerator(const Org& org) : org_(org) {}
  // Lead `n` of a set: a pure function of (seed, set, n, the org's account count).
  Lead make(LeadSet set, uint64_t n) const;

 private:
  void fill_common(class Rng& rng, Lead& lead, uint64_t n) const;
  void fill_mix(class Rng& rng, Lead& lead, uint64_t n) const;
  void fill_probe(class Rng& rng, Lead& lead, uint64_t n, bool early) const;

  const Org& org_;
};

// The column list for SQL: "email, first_name, ...".
std::string lead_column_list();
// One line of COPY text format (tab separated, \N for NULL, newline terminated).
void append_copy_line(const Lead& lead, std::string* out);

}  // namespace leadroute::bench
