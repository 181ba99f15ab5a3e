#include "org.h"

#include <algorithm>
#include <stdexcept>

#include "rng.h"

namespace leadroute::bench {

namespace {

enum Stream : uint64_t { kRepStream = 1, kPoolStream, kRuleStream, kAccountStream, kCellStream };

const double kRegionShare[kRegionCount] = {0.45, 0.30, 0.15, 0.10};

std::string join_codes(const std::vector<const Country*>& cs) {
  std::string out;
  for (const Country* c : cs) {
    if (!out.empty()) out += ", ";
    out += sql_literal(c->code);
  }
  return out;
}

std::string region_condition(Region r) {
  return "country IN (" + join_codes(countries_in(r)) + ")";
}

std::string segment_condition(const Segment& s) {
  if (s.hi < 0) return "employees >= " + std::to_string(s.lo);
  return "employees BETWEEN " + std::to_string(s.lo) + " AND " + std::to_string(s.hi);
}

std::string geo_condition(const Geo& g) {
  std::string c = "country = " + sql_literal(g.country->code);
  if (g.state) c += " AND state = " + sql_literal(g.state);
  return c;
}

std::string source_group_condition(const std::vector<const char*>& group) {
  std::string out = "source IN (";
  for (size_t i = 0; i < group.size(); ++i) out += (i ? ", " : "") + sql_literal(group[i]);
  return out + ")";
}

const char* region_slug(Region r) {
  switch (r) {
    case Region::NorthAmerica:
      return "na";
    case Region::Emea:
      return "emea";
    case Region::Apac:
      return "apac";
    case Region::Latam:
      return "latam";
  }
  return "x";
}

}  // namespace

std::vector<std::string> rule_cells(int wanted, uint64_t seed, std::vector<Region>* regions) {
  struct Cell {
    std::string condition;
    Region region;
  };
  std::vector<Cell> cells;
  const auto& segs = segments();
  const auto& groups = source_groups();
  const auto& inds = industries();
  for (int level = 0; level <= 4 && static_cast<int>(cells.size()) < wanted; ++level) {
    cells.clear();
    if (level <= 1) {
      for (size_t r = 0; r < kRegionCount; ++r) {
        Region region = static_cast<Region>(r);
        if (level == 0) {
          cells.push_back({region_condition(region), region});
        } else {
          for (const Segment& s : segs)
            cells.push_back({region_condition(region) + " AND " + segment_condition(s), region});
        }
      }
      continue;
    }
    for (const Geo& g : geos())
      for (const Segment& s : segs) {
        std::string base = geo_condition(g) + " AND " + segment_condition(s);
        if (level == 2) {
          cells.push_back({base, g.country->region});
          continue;
        }
        for (const auto& group : groups) {
          std::string with_source = base + " AND " + source_group_condition(group);
          if (level == 3) {
            cells.push_back({with_source, g.country->region});
            continue;
          }
          for (const Weighted& ind : inds)
            cells.push_back(
                {with_source + " AND industry = " + sql_literal(ind.value), g.country->region});
        }
      }
  }
  if (static_cast<int>(cells.size()) < wanted)
    throw std::runtime_error("at most " + std::to_string(cells.size()) + " territory cells");
  // Seeded Fisher-Yates: a matching cell is anywhere in the rule list, as in a rule set that
  // grew over years.
  Rng rng(stream_seed(seed, kCellStream, static_cast<uint64_t>(wanted)));
  for (size_t i = cells.size() - 1; i > 0; --i) std::swap(cells[i], cells[rng.below(i + 1)]);
  std::vector<std::string> out;
  regions->clear();
  for (int i = 0; i < wanted; ++i) {
    out.push_back(cells[static_cast<size_t>(i)].condition);
    regions->push_back(cells[static_cast<size_t>(i)].region);
  }
  return out;
}

Org::Org(const OrgSpec& spec) : spec_(spec) {
  if (spec.reps < 4) throw std::runtime_error("the org needs at least 4 reps (one per region)");
  if (spec.rules < kHeadRules + kTailRules + 1)
    throw std::runtime_error("the rule set needs at least " +
                             std::to_string(kHeadRules + kTailRules + 1) + " rules");
  make_reps();
  make_pools();
  make_territories();
  make_rules();
}

void Org::make_reps() {
  int n = spec_.reps;
  reps_by_region_.assign(kRegionCount, {});
  for (int i = 1; i <= n; ++i) {
    Rng rng(stream_seed(spec_.seed, kRepStream, static_cast<uint64_t>(i)));
    // Regions in contiguous blocks by share: 45 % North America, 30 % EMEA, 15 % APAC, 10 % LATAM.
    double at = static_cast<double>(i - 1) / n;
    size_t r = 0;
    double upto = kRegionShare[0];
    while (r + 1 < kRegionCount && at >= upto) upto += kRegionShare[++r];
    RepRow rep;
    rep.id = i;
    rep.region = static_cast<Region>(r);
    const auto& fn = first_names();
    const auto& ln = last_names();
    std::string first = fn[rng.below(fn.size())], last = ln[rng.below(ln.size())];
    rep.name = first + " " + last + " " + std::to_string(i);
    rep.email = first + "." + last + "." + std::to_string(i) + "@vendor.example";
    rep.name[0] = static_cast<char>(rep.name[0] - 'a' + 'A');
    rep.timezone = region_timezone(rep.region);
    rep.active = !rng.chance(0.03);
    int64_t manager = i - (i - 1) % 8;
    if (manager != i) rep.manager_id = manager;
    rep.notify_channel = "email";
    if (rng.chance(0.2)) {
      rep.notify_channel = "slack";
      rep.notify_address = "U0" + std::to_string(100000 + i);
    }
    rep.on_time_off = rng.chance(0.02);
    reps_by_region_[r].push_back(i);
    reps_.push_back(rep);
  }
  // A backup in the same region for about one rep in ten, and for everyone away.
  for (RepRow& rep : reps_) {
    Rng rng(stream_seed(spec_.seed, kRepStream, static_cast<uint64_t>(rep.id) + 1000000007ULL));
    const auto& mates = reps_by_region_[static_cast<size_t>(rep.region)];
    if (mates.size() < 2 || !(rep.on_time_off || rng.chance(0.1))) continue;
    int64_t backup = mates[rng.below(mates.size())];
    if (backup == rep.id) backup = mates[0] == rep.id ? mates[1] : mates[0];
    rep.backup_id = backup;
  }
}

void Org::make_pools() {
  int n = spec_.reps;
  pools_.push_back({kEnterprisePool, "Enterprise AE", Region::NorthAmerica, {}});
  pools_.push_back({kGeneralPool, "General inbound", Region::NorthAmerica, {}});
  pools_by_region_.assign(kRegionCount, {});
  int64_t next_id = 3;
  for (size_t r = 0; r < kRegionCount; ++r) {
    int count = std::max(1, static_cast<int>(n * kRegionShare[r] / 10.0 + 0.5));
    for (int k = 0; k < count; ++k) {
      Region region = static_cast<Region>(r);
      pools_.push_back({next_id,
                        std::string(region_name(region)) + " SDR " + std::to_string(k + 1),
                        region,
                        {}});
      pools_by_region_[r].push_back(next_id++);
    }
  }
  auto weight_of = [&](int64_t pool, int64_t rep) {
    Rng rng(stream_seed(spec_.seed, kPoolStream, static_cast<uint64_t>(pool * 1000003 + rep)));
    double x = rng.unit();
    return x < 0.10 ? 0.5 : (x < 0.15 ? 2.0 : 1.0);  // ramping reps get half, seniors double
  };
  auto pool_index = [&](int64_t id) { return static_cast<size_t>(id - 1); };
  for (size_t r = 0; r < kRegionCount; ++r) {
    const auto& mates = reps_by_region_[r];
    const auto& regional = pools_by_region_[r];
    for (size_t k = 0; k < mates.size(); ++k) {
      int64_t pool = regional[k % regional.size()];
      pools_[pool_index(pool)].members.emplace_back(mates[k], weight_of(pool, mates[k]));
    }
  }
  for (const RepRow& rep : reps_) {
    if (rep.id % 5 == 0)
      pools_[pool_index(kEnterprisePool)].members.emplace_back(rep.id,
                                                               weight_of(kEnterprisePool, rep.id));
    if (rep.id % 7 == 1)
      pools_[pool_index(kGeneralPool)].members.emplace_back(rep.id,
                                                            weight_of(kGeneralPool, rep.id));
  }
  for (PoolRow& p : pools_) std::sort(p.members.begin(), p.members.end());
}

int64_t Org::regional_pool(Region r, uint64_t salt) const {
  const auto& v = pools_by_region_[static_cast<size_t>(r)];
  return v[salt % v.size()];
}

int64_t Org::regional_rep(Region r, uint64_t salt) const {
  const auto& v = reps_by_region_[static_cast<size_t>(r)];
  return v[salt % v.size()];
}

void Org::make_territories() {
  int64_t id = 1;
  for (size_t r = 0; r < kRegionCount; ++r) {
    Region region = static_cast<Region>(r);
    std::string name = region_name(region);
    territories_.push_back({id, name + " enterprise", static_cast<int>(id * 10),
                            region_condition(region) + " AND employees >= 1000", kEnterprisePool});
    ++id;
    territories_.push_back(
        {id, name, static_cast<int>(id * 10), region_condition(region), regional_pool(region, r)});
    ++id;
  }
}

void Org::make_rules() {
  auto add = [&](std::string name, std::string condition, std::string action) -> RuleRow& {
    RuleRow rule;
    rule.id = static_cast<int64_t>(rules_.size()) + 1;
    rule.priority = static_cast<int>(rule.id) * 10;
    rule.name = std::move(name);
    rule.condition = std::move(condition);
    rule.action = std::move(action);
    rules_.push_back(std::move(rule));
    return rules_.back();
  };
  add("Existing customers to their CSM", "account_status = 'customer'", "account_csm");
  add("Known accounts to their owner", "account_id IS NOT NULL", "account_owner");
  add("Students and free-mail to nurture",
      "email_domain LIKE '%.edu' OR (is_freemail AND source NOT IN ('demo_request', "
      "'pricing_page'))",
      "nurture")
      .queue = "newsletter";
  add("Partner referrals", "source = 'partner'", "queue").queue = "partner_desk";
  add("Enterprise demo and pricing requests",
      "employees >= 1000 AND source IN ('demo_request', 'pricing_page')", "pool")
      .pool_id = kEnterprisePool;

  std::vector<Region> regions;
  std::vector<std::string> cells =
      rule_cells(spec_.rules - kHeadRules - kTailRules, spec_.seed, &regions);
  for (size_t i = 0; i < cells.size(); ++i) {
    Rng rng(stream_seed(spec_.seed, kRuleStream, i));
    double x = rng.unit();
    std::string name = "Cell " + std::to_string(i + 1) + " (" + region_name(regions[i]) + ")";
    if (x < 0.80) {
      add(name, cells[i], "pool").pool_id = regional_pool(regions[i], rng.next());
    } else if (x < 0.95) {
      add(name, cells[i], "rep").rep_id = regional_rep(regions[i], rng.next());
    } else {
      add(name, cells[i], "queue").queue = std::string("review_") + region_slug(regions[i]);
    }
  }
  add("Territories", "country IS NOT NULL", "territory");
  add("Everything else", "TRUE", "pool").pool_id = kGeneralPool;
}

AccountRow Org::account(int64_t k) const {
  Rng rng(stream_seed(spec_.seed, kAccountStream, static_cast<uint64_t>(k)));
  const auto& words = company_words();
  std::string w1 = words[rng.below(words.size())], w2 = words[rng.below(words.size())];
  const auto& suffixes = legal_suffixes();
  std::string suffix = suffixes[rng.below(suffixes.size())];
  AccountRow a;
  a.id = k;
  a.name = w1 + " " + w2 + " " + std::to_string(k) + (suffix.empty() ? "" : " " + suffix);
  std::string slug = w1 + w2 + std::to_string(k);
  for (char& c : slug) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  a.domain = slug + "." + pick(rng, company_tlds());
  if (rng.chance(0.3)) a.website = "https://www." + a.domain + "/";
  if (rng.chance(0.1)) {
    static const char* const kExtra[] = {"europe.de", "global.com", "group.co.uk"};
    a.extra_domain = slug + "-" + kExtra[rng.below(3)];
  }
  double s = rng.unit();
  a.status = s < 0.25 ? "customer" : (s < 0.95 ? "prospect" : "churned");
  auto reps = static_cast<uint64_t>(spec_.reps);
  if (rng.chance(0.95)) a.owner_id = static_cast<int64_t>(rng.below(reps)) + 1;
  if (a.status == "customer" && rng.chance(0.9))
    a.csm_id = static_cast<int64_t>(rng.below(reps)) + 1;
  return a;
}

}  // namespace leadroute::bench
