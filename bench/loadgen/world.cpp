#include "world.h"

#include "rng.h"

namespace leadroute::bench {

const char* region_name(Region r) {
  switch (r) {
    case Region::NorthAmerica:
      return "North America";
    case Region::Emea:
      return "EMEA";
    case Region::Apac:
      return "APAC";
    case Region::Latam:
      return "LATAM";
  }
  return "?";
}

const char* region_timezone(Region r) {
  switch (r) {
    case Region::NorthAmerica:
      return "America/Chicago";
    case Region::Emea:
      return "Europe/Berlin";
    case Region::Apac:
      return "Asia/Singapore";
    case Region::Latam:
      return "America/Sao_Paulo";
  }
  return "UTC";
}

const std::vector<Country>& countries() {
  // US states by rough share of US B2B leads; the long tail gets 1 each.
  static const std::vector<Country> kCountries = {
      {"US",
       "United States",
       40,
       Region::NorthAmerica,
       "en",
       {{"CA", 12}, {"TX", 9}, {"NY", 8}, {"FL", 6}, {"IL", 5}, {"WA", 4}, {"MA", 4}, {"GA", 3},
        {"NC", 3},  {"NJ", 3}, {"PA", 3}, {"OH", 3}, {"VA", 3}, {"CO", 3}, {"MI", 2}, {"AZ", 2},
        {"MN", 2},  {"OR", 2}, {"UT", 2}, {"TN", 2}, {"MD", 2}, {"WI", 1}, {"MO", 1}, {"IN", 1},
        {"SC", 1},  {"AL", 1}, {"LA", 1}, {"KY", 1}, {"OK", 1}, {"CT", 1}, {"IA", 1}, {"NV", 1},
        {"AR", 1},  {"MS", 1}, {"KS", 1}, {"NM", 1}, {"NE", 1}, {"ID", 1}, {"WV", 1}, {"HI", 1},
        {"NH", 1},  {"ME", 1}, {"RI", 1}, {"MT", 1}, {"DE", 1}, {"SD", 1}, {"ND", 1}, {"AK", 1},
        {"VT", 1},  {"WY", 1}}},
      {"CA",
       "Canada",
       5,
       Region::NorthAmerica,
       "en",
       {{"ON", 40},
        {"QC", 22},
        {"BC", 14},
        {"AB", 12},
        {"MB", 3},
        {"SK", 3},
        {"NS", 2},
        {"NB", 1},
        {"NL", 1},
        {"PE", 1},
        {"NT", 1},
        {"YT", 1},
        {"NU", 1}}},
      {"GB", "United Kingdom", 8, Region::Emea, "en", {}},
      {"DE", "Deutschland", 6, Region::Emea, "de", {}},
      {"FR", "France", 4, Region::Emea, "fr", {}},
      {"NL", "Netherlands", 2, Region::Emea, "nl", {}},
      {"ES", "España", 2, Region::Emea, "es", {}},
      {"IT", "Italia", 2, Region::Emea, "it", {}},
      {"SE", "Sweden", 1, Region::Emea, "sv", {}},
      {"CH", "Schweiz", 1, Region::Emea, "de", {}},
      {"AT", "Österreich", 1, Region::Emea, "de", {}},
      {"IE", "Ireland", 1, Region::Emea, "en", {}},
      {"BE", "Belgium", 1, Region::Emea, "nl", {}},
      {"DK", nullptr, 0.5, Region::Emea, "da", {}},
      {"NO", nullptr, 0.5, Region::Emea, "no", {}},
      {"FI", nullptr, 0.5, Region::Emea, "fi", {}},
      {"PL", "Poland", 1, Region::Emea, "pl", {}},
      {"ZA", "South Africa", 1, Region::Emea, "en", {}},
      {"AE", "United Arab Emirates", 1, Region::Emea, "en", {}},
      {"IL", "Israel", 1, Region::Emea, "en", {}},
      {"AU",
       "Australia",
       3,
       Region::Apac,
       "en",
       {{"NSW", 32},
        {"VIC", 26},
        {"QLD", 20},
        {"WA", 10},
        {"SA", 7},
        {"TAS", 2},
        {"ACT", 2},
        {"NT", 1}}},
      {"NZ", nullptr, 0.5, Region::Apac, "en", {}},
      {"IN", "India", 4, Region::Apac, "en", {}},
      {"JP", "Japan", 2, Region::Apac, "ja", {}},
      {"SG", "Singapore", 1, Region::Apac, "en", {}},
      {"KR", nullptr, 1, Region::Apac, "ko", {}},
      {"BR", "Brasil", 3, Region::Latam, "pt", {}},
      {"MX", "México", 2, Region::Latam, "es", {}},
      {"AR", "Argentina", 1, Region::Latam, "es", {}},
      {"CL", "Chile", 0.5, Region::Latam, "es", {}},
      {"CO", "Colombia", 0.5, Region::Latam, "es", {}},
  };
  return kCountries;
}

std::vector<const Country*> countries_in(Region r) {
  std::vector<const Country*> out;
  for (const Country& c : countries())
    if (c.region == r) out.push_back(&c);
  return out;
}

const std::vector<Geo>& geos() {
  static const std::vector<Geo> kGeos = [] {
    std::vector<Geo> g;
    for (const Country& c : countries()) {
      if (c.states.empty()) {
        g.push_back({&c, nullptr});
      } else {
        for (const State& s : c.states) g.push_back({&c, s.code});
      }
    }
    return g;
  }();
  return kGeos;
}

const std::vector<Segment>& segments() {
  static const std::vector<Segment> kSegments = {{"SMB", 1, 49},
                                                 {"Mid-market", 50, 199},
                                                 {"Upper mid-market", 200, 999},
                                                 {"Enterprise", 1000, -1}};
  return kSegments;
}

const std::vector<Weighted>& industries() {
  static const std::vector<Weighted> k = {{"Software", 18},   {"Financial Services", 11},
                                          {"Healthcare", 10}, {"Manufacturing", 10},
                                          {"Retail", 8},      {"Education", 6},
                                          {"Media", 5},       {"Telecommunications", 4},
                                          {"Energy", 4},      {"Government", 3},
                                          {"Logistics", 5},   {"Professional Services", 8}};
  return k;
}

const std::vector<Weighted>& sources() {
  static const std::vector<Weighted> k = {
      {"demo_request", 12}, {"pricing_page", 6}, {"trial", 3},  {"chat", 5},
      {"content", 18},      {"webinar", 12},     {"event", 8},  {"paid_search", 14},
      {"organic", 10},      {"referral", 5},     {"partner", 7}};
  return k;
}

const std::vector<std::vector<const char*>>& source_groups() {
  static const std::vector<std::vector<const char*>> k = {
      {"demo_request", "pricing_page", "trial", "chat"},
      {"content", "webinar", "event"},
      {"paid_search", "organic", "referral"}};
  return k;
}

const std::vector<Weighted>& company_tlds() {
  static const std::vector<Weighted> k = {{"com", 66},  {"io", 5},     {"co.uk", 7}, {"de", 6},
                                          {"fr", 3},    {"com.au", 3}, {"ca", 3},    {"nl", 1},
                                          {"co.jp", 1}, {"com.br", 2}, {"co", 1},    {"net", 2}};
  return k;
}

const std::vector<const char*>& freemail_domains() {
  // Every one of these is in leadroute's shipped free-mail list.
  static const std::vector<const char*> k = {
      "gmail.com",   "gmail.com",  "gmail.com", "gmail.com",     "yahoo.com", "outlook.com",
      "hotmail.com", "icloud.com", "aol.com",   "gmx.de",        "web.de",    "yahoo.co.uk",
      "proton.me",   "live.com",   "mail.ru",   "hotmail.co.uk", "qq.com",    "yandex.ru"};
  return k;
}

const std::vector<const char*>& company_words() {
  static const std::vector<const char*> k = {
      "Acme",      "Northwind", "Blue",     "River",   "Summit",    "Atlas",     "Nova",
      "Pioneer",   "Vertex",    "Harbor",   "Granite", "Cedar",     "Orbit",     "Lumen",
      "Crescent",  "Falcon",    "Silver",   "Quantum", "Apex",      "Evergreen", "Prairie",
      "Beacon",    "Sterling",  "Horizon",  "Polar",   "Redwood",   "Tidal",     "Copper",
      "Iron",      "Meridian",  "Keystone", "Bright",  "Analytics", "Robotics",  "Health",
      "Logistics", "Systems",   "Labs",     "Foods",   "Energy",    "Capital",   "Networks",
      "Software",  "Media",     "Partners", "Works",   "Dynamics",  "Bank"};
  return k;
}

const std::vector<const char*>& legal_suffixes() {
  static const std::vector<const char*> k = {"Inc",  "Inc.", "LLC", "Ltd",     "GmbH", "Corp",
                                             "S.A.", "AG",   "BV",  "Pty Ltd", "K.K.", ""};
  return k;
}

const std::vector<const char*>& first_names() {
  static const std::vector<const char*> k = {
      "maya",  "diego",  "priya", "sam",  "claire", "oliver", "jonas", "rachel", "tom",
      "grace", "liam",   "emma",  "noah", "sofia",  "lucas",  "mia",   "arjun",  "yuki",
      "chen",  "fatima", "omar",  "lena", "pedro",  "ana",    "kofi",  "ines",   "mateo"};
  return k;
}

const std::vector<const char*>& last_names() {
  static const std::vector<const char*> k = {
      "chen",  "alvarez", "nair",   "okafor", "dubois", "hughes", "becker", "stein",
      "smith", "johnson", "garcia", "muller", "rossi",  "tanaka", "kim",    "silva",
      "novak", "jensen",  "khan",   "patel",  "martin", "lopez",  "brown",  "wilson"};
  return k;
}

const std::vector<const char*>& titles() {
  static const std::vector<const char*> k = {
      "VP Sales",          "Head of Operations", "CTO",
      "Software Engineer", "Marketing Manager",  "CFO",
      "IT Director",       "Procurement Lead",   "Student",
      "Founder",           "Data Analyst",       "Product Manager"};
  return k;
}

const std::vector<const char*>& products() {
  static const std::vector<const char*> k = {"crm", "analytics", "billing", "support", "api"};
  return k;
}

const char* pick(Rng& rng, const std::vector<Weighted>& values) {
  std::vector<double> w;
  w.reserve(values.size());
  for (const Weighted& v : values) w.push_back(v.weight);
  return values[pick_weighted(rng, w.data(), w.size())].value;
}

std::string sql_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace leadroute::bench
