// The world the generated leads come from: countries and their regions, states, industries, lead
// sources, company-size bands, name parts. Weights are rough shares of B2B inbound leads for a
// US-headquartered software vendor, taken from the routing guide's examples where it gives any.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace leadroute::bench {

enum class Region { NorthAmerica, Emea, Apac, Latam };
constexpr size_t kRegionCount = 4;
const char* region_name(Region r);
const char* region_timezone(Region r);

struct State {
  const char* code;
  double weight;
};

struct Country {
  const char* code;        // ISO 3166-1 alpha-2, as leadroute stores it
  const char* written_as;  // how some forms spell it ("Deutschland"); nullptr: only the code
  double weight;           // share of leads
  Region region;
  const char* language;
  std::vector<State> states;  // empty: routed by country only
};

const std::vector<Country>& countries();
std::vector<const Country*> countries_in(Region r);

// A place rules can carve: a state of a country with states, or a whole country.
struct Geo {
  const Country* country;
  const char* state;  // nullptr for a whole country
};
const std::vector<Geo>& geos();

// Company size bands used by rules (employees BETWEEN lo AND hi; hi < 0: no upper bound).
struct Segment {
  const char* name;
  int lo, hi;
};
const std::vector<Segment>& segments();

struct Weighted {
  const char* value;
  double weight;
};
const std::vector<Weighted>& industries();
const std::vector<Weighted>& sources();
// Lead sources grouped as rules group them (high intent, content, other); partner is routed by
// a rule of its own.
const std::vector<std::vector<const char*>>& source_groups();
const std::vector<Weighted>& company_tlds();
const std::vector<const char*>& freemail_domains();
const std::vector<const char*>& company_words();
const std::vector<const char*>& legal_suffixes();
const std::vector<const char*>& first_names();
const std::vector<const char*>& last_names();
const std::vector<const char*>& titles();
const std::vector<const char*>& products();

// Picks one value by weight.
const char* pick(class Rng& rng, const std::vector<Weighted>& values);

// SQL string literal of `s` ('' doubled).
std::string sql_literal(const std::string& s);

}  // namespace leadroute::bench
