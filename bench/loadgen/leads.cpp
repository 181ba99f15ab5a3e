#include "leads.h"

#include "rng.h"

namespace leadroute::bench {

namespace {

enum Column : size_t {
  kEmail,
  kFirstName,
  kLastName,
  kCompany,
  kWebsite,
  kPhone,
  kTitle,
  kCountry,
  kState,
  kCity,
  kEmployees,
  kIndustry,
  kSource,
  kProductInterest,
  kScore,
  kLanguage,
  kAttributes,
  kQueue
};

// Company sizes of inbound leads: mostly small companies, a long tail of large ones.
int employees_of(Rng& rng) {
  static const double kWeights[] = {25, 20, 20, 14, 8, 5};
  static const int kLo[] = {1, 11, 50, 200, 1000, 5000};
  static const int kHi[] = {10, 49, 199, 999, 4999, 100000};
  size_t band = pick_weighted(rng, kWeights, 6);
  return static_cast<int>(rng.between(kLo[band], kHi[band]));
}

const char* pick_of(Rng& rng, const std::vector<const char*>& v) {
  return v[rng.below(v.size())];
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

// A company that is not in the accounts table: its name and slug never carry an account number.
std::string new_company_slug(Rng& rng, uint64_t n, std::string* name) {
  const auto& words = company_words();
  std::string w1 = words[rng.below(words.size())], w2 = words[rng.below(words.size())];
  *name = w1 + " " + w2 + " Group " + std::to_string(n);
  return lower(w1 + w2) + "-g" + std::to_string(n);
}

}  // namespace

const char* lead_set_name(LeadSet s) {
  switch (s) {
    case LeadSet::Mix:
      return "mix";
    case LeadSet::Early:
      return "early";
    case LeadSet::Late:
      return "late";
    case LeadSet::Warmup:
      return "warmup";
  }
  return "?";
}

Lead LeadGenerator::make(LeadSet set, uint64_t n) const {
  Rng rng(stream_seed(org_.spec().seed, static_cast<uint64_t>(set), n));
  Lead lead;
  fill_common(rng, lead, n);
  if (set == LeadSet::Early || set == LeadSet::Late) {
    fill_probe(rng, lead, n, set == LeadSet::Early);
  } else {
    fill_mix(rng, lead, n);
  }
  // A form submission id: lets the harness compare the routers' decisions lead by lead.
  std::string attributes = "{\"submission\": " + std::to_string(n);
  if (rng.chance(0.3))
    attributes += ", \"utm_source\": \"google\", \"utm_campaign\": \"q4-launch\"";
  lead.values[kAttributes] = attributes + "}";
  lead.values[kQueue] = "unrouted";
  return lead;
}

void LeadGenerator::fill_common(Rng& rng, Lead& lead, uint64_t n) const {
  std::string first = pick_of(rng, first_names()), last = pick_of(rng, last_names());
  lead.values[kFirstName] = first;
  lead.values[kLastName] = last;
  lead.values[kEmail] = first + "." + last;  // the domain is added by the kind of lead
  lead.values[kTitle] = pick_of(rng, titles());
  lead.values[kPhone] = "+1 555 01" + std::to_string(10 + n % 90);
  lead.values[kScore] = std::to_string(rng.below(101));
  if (rng.chance(0.5)) {
    const auto& p = products();
    std::string a = p[rng.below(p.size())], b = p[rng.below(p.size())];
    lead.values[kProductInterest] = a == b ? "{" + a + "}" : "{" + a + "," + b + "}";
  }
}

void LeadGenerator::fill_mix(Rng& rng, Lead& lead, uint64_t n) const {
  // Where and who.
  if (!rng.chance(0.04)) {
    const auto& cs = countries();
    std::vector<double> w;
    for (const Country& c : cs) w.push_back(c.weight);
    const Country& c = cs[pick_weighted(rng, w.data(), w.size())];
    double how = rng.unit();
    if (how < 0.10 && c.written_as) {
      lead.values[kCountry] = c.written_as;
    } else if (how < 0.13) {
      lead.values[kCountry] = lower(c.code);
    } else {
      lead.values[kCountry] = c.code;
    }
    lead.values[kLanguage] = c.language;
    if (!c.states.empty() && rng.chance(0.9)) {
      std::vector<double> sw;
      for (const State& s : c.states) sw.push_back(s.weight);
      lead.values[kState] = c.states[pick_weighted(rng, sw.data(), sw.size())].code;
    }
    lead.values[kCity] = std::string(c.code) + " city " + std::to_string(rng.below(40));
  }
  if (!rng.chance(0.08)) lead.values[kEmployees] = std::to_string(employees_of(rng));
  if (!rng.chance(0.12)) lead.values[kIndustry] = pick(rng, industries());
  lead.values[kSource] = pick(rng, sources());

  // Which company: 30 % from an existing account's domain, 22 % free-mail (some giving an
  // existing account's name as the company), 3 % students, the rest new companies.
  double kind = rng.unit();
  std::string& email = *lead.values[kEmail];
  int64_t accounts = org_.spec().accounts;
  if (kind < 0.30 && accounts > 0) {
    AccountRow a =
        org_.account(static_cast<int64_t>(rng.below(static_cast<uint64_t>(accounts))) + 1);
    double d = rng.unit();
    if (a.extra_domain && d < 0.2) {
      email += "@" + *a.extra_domain;
    } else if (d < 0.3) {
      email += "@eu." + a.domain;  // a subdomain: matched by its registrable domain
    } else {
      email += "@" + a.domain;
    }
    if (rng.chance(0.7)) lead.values[kCompany] = a.name;
    if (rng.chance(0.3)) lead.values[kWebsite] = "www." + a.domain;
    lead.kind = "account";
  } else if (kind < 0.52) {
    email += std::to_string(rng.below(1000)) + "@" + pick_of(rng, freemail_domains());
    if (accounts > 0 && rng.chance(0.4)) {
      // "Acme Robotics 17, Inc." for "Acme Robotics 17 Inc": a company-name match.
      AccountRow a =
          org_.account(static_cast<int64_t>(rng.below(static_cast<uint64_t>(accounts))) + 1);
      lead.values[kCompany] = rng.chance(0.5) ? a.name : lower(a.name);
    } else if (rng.chance(0.6)) {
      std::string name;
      new_company_slug(rng, n, &name);
      lead.values[kCompany] = name;
    }
    lead.kind = "freemail";
  } else if (kind < 0.55) {
    email += "@state-u" + std::to_string(rng.below(200)) + ".edu";
    lead.values[kTitle] = "Student";
    lead.kind = "edu";
  } else {
    std::string name;
    std::string slug = new_company_slug(rng, n, &name);
    std::string domain = slug + "." + pick(rng, company_tlds());
    email += "@" + domain;
    lead.values[kCompany] = name + (rng.chance(0.5) ? " Inc" : "");
    if (rng.chance(0.4)) lead.values[kWebsite] = "https://" + domain + "/";
    lead.kind = "new";
  }
}

void LeadGenerator::fill_probe(Rng& rng, Lead& lead, uint64_t n, bool early) const {
  std::string name;
  std::string slug = new_company_slug(rng, n, &name);
  *lead.values[kEmail] += "@" + slug + ".com";
  lead.values[kCompany] = name;
  lead.values[kIndustry] = pick(rng, industries());
  if (early) {
    // Matched by the head rule "Enterprise demo and pricing requests" (the 5th rule).
    lead.values[kCountry] = "US";
    lead.values[kState] = "TX";
    lead.values[kEmployees] = std::to_string(rng.between(1000, 20000));
    lead.values[kSource] = rng.chance(0.5) ? "demo_request" : "pricing_page";
    lead.kind = "early";
  } else {
    // A country no rule and no territory covers: every rule fails at its first predicate, the
    // territory rule finds no territory, and only the catch-all matches.
    lead.values[kCountry] = "KE";
    lead.values[kEmployees] = std::to_string(rng.between(5, 40));
    lead.values[kSource] = "organic";
    lead.kind = "late";
  }
}

std::string lead_column_list() {
  std::string out;
  for (const char* c : kLeadColumns) {
    if (!out.empty()) out += ", ";
    out += c;
  }
  return out;
}

void append_copy_line(const Lead& lead, std::string* out) {
  for (size_t i = 0; i < kLeadColumnCount; ++i) {
    if (i) out->push_back('\t');
    const auto& v = lead.values[i];
    if (!v) {
      out->append("\\N");
      continue;
    }
    for (char c : *v) {
      switch (c) {
        case '\\':
          out->append("\\\\");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        default:
          out->push_back(c);
      }
    }
  }
  out->push_back('\n');
}

}  // namespace leadroute::bench
