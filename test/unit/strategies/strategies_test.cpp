// Step 4 of routing (docs/architecture.md): eligibility (time off, working hours, skills, caps,
// busy reps), backups, and the pool strategies (round robin, least loaded, skills, performance,
// catch-up), territories, and the reasons the trace gives for skipped candidates.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/util/json.h"
#include "core/routing/router.h"
#include "fake_env.h"
#include "test_config.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::FakeEnv;
using testing::TestLead;

class Strategies : public ::testing::Test {
 protected:
  Strategies() {
    lead.text(FieldId::Country, "US")
        .number(FieldId::Employees, 500)
        .text(FieldId::Source, "webinar");
    env.seed = 12345;  // performance draws repeatable
  }

  Rep& add_rep(int64_t id, std::string name, std::optional<int64_t> backup = std::nullopt) {
    Rep& r = testing::add_rep(config, id, std::move(name));
    r.backup_id = backup;
    return r;
  }
  // Reps 1..n named rep1..repn.
  void add_reps(int64_t n) {
    for (int64_t i = 1; i <= n; ++i) add_rep(i, "rep" + std::to_string(i));
  }

  Pool& add_pool(int64_t id, std::vector<int64_t> reps, Strategy strategy = Strategy::RoundRobin) {
    Pool& p = config.pools[id];
    p.id = id;
    p.name = "pool" + std::to_string(id);
    p.strategy = strategy;
    for (int64_t r : reps) p.members.push_back({r, 1});
    return p;
  }

  Rule& add_rule(int64_t id, int32_t priority, std::string_view condition, Action action) {
    return testing::add_rule(config, id, priority, condition, action);
  }
  Rule& pool_rule(int64_t pool, std::string_view condition = "country = 'US'") {
    Rule& r = add_rule(static_cast<int64_t>(config.rules.size()) + 1,
                       static_cast<int32_t>(config.rules.size()) + 1, condition, Action::Pool);
    r.pool_id = pool;
    return r;
  }
  Rule& rep_rule(int64_t rep, std::string_view condition = "country = 'US'") {
    Rule& r = add_rule(static_cast<int64_t>(config.rules.size()) + 1,
                       static_cast<int32_t>(config.rules.size()) + 1, condition, Action::Rep);
    r.rep_id = rep;
    return r;
  }
  Rule& queue_rule(std::string queue, std::string_view condition = "TRUE") {
    Rule& r = add_rule(static_cast<int64_t>(config.rules.size()) + 1,
                       static_cast<int32_t>(config.rules.size()) + 1, condition, Action::Queue);
    r.queue = std::move(queue);
    return r;
  }
  static void require_skills(Rule& rule, std::vector<std::string> skills) {
    for (const auto& s : skills) {
      rule.required_skills.push_back(s);
      rule.skill_templates.push_back(SkillTemplate::parse(s));
    }
  }
  Territory& add_territory(int64_t id, int32_t priority, std::string_view condition) {
    Territory t;
    t.id = id;
    t.name = "territory " + std::to_string(id);
    t.priority = priority;
    t.condition = Condition::compile(condition, config.attributes);
    config.territories.push_back(std::move(t));
    return config.territories.back();
  }

  Decision route() {
    lead.values.attributes.resize(config.attributes.size());
    return route_lead(config, lead.values, match, env, options);
  }
  std::vector<int64_t> owners(int n) {
    std::vector<int64_t> out;
    for (int i = 0; i < n; ++i) {
      Decision d = route();
      EXPECT_TRUE(d.owner_id.has_value()) << d.trace;
      out.push_back(d.owner_id.value_or(-1));
    }
    return out;
  }

  static JsonValue trace_of(const Decision& d) {
    JsonValue v;
    EXPECT_NO_THROW(v = parse_json(d.trace)) << d.trace;
    return v;
  }
  // The steps of the rule that matched last (the deciding rule).
  static std::vector<JsonValue> steps_of(const Decision& d) {
    JsonValue t = trace_of(d);
    const JsonValue* rules = t.get("rules");
    if (!rules || rules->array.empty()) return {};
    const JsonValue* steps = rules->array.back().get("steps");
    return steps ? steps->array : std::vector<JsonValue>{};
  }
  // The candidates of the first pool step of the deciding rule.
  static std::vector<JsonValue> candidates_of(const Decision& d) {
    for (const JsonValue& step : steps_of(d))
      if (step.has("pool") && step.get("candidates")) return step.get("candidates")->array;
    ADD_FAILURE() << "no pool step in " << d.trace;
    return {};
  }
  // The skip reason given for `rep` among `entries`, "" when not skipped.
  static std::string skip_reason(const std::vector<JsonValue>& entries, int64_t rep) {
    for (const JsonValue& e : entries)
      if (e.num("rep") == static_cast<double>(rep) && e.has("skip")) return e.str("skip");
    return "";
  }
  static std::optional<JsonValue> pick_of(const std::vector<JsonValue>& entries) {
    for (const JsonValue& e : entries)
      if (e.flag("pick")) return e;
    return std::nullopt;
  }
  static bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
  }

  RoutingConfig config;
  FakeEnv env;
  RouteOptions options;
  TestLead lead;
  AccountMatch match;
};

// ---- eligibility: inactive, time off ----------------------------------------------------------

TEST_F(Strategies, InactiveMemberNeverPicked) {
  add_reps(3);
  config.reps[2].active = false;
  add_pool(1, {1, 2, 3});
  pool_rule(1);
  config.finalize();
  EXPECT_EQ(owners(6), (std::vector<int64_t>{1, 3, 1, 3, 1, 3}));
  EXPECT_EQ(skip_reason(candidates_of(route()), 2), "inactive");
}

TEST_F(Strategies, TimeOffGoesToTheTimeOffBackup) {
  add_reps(3);
  add_rep(8, "usual backup");
  add_rep(9, "holiday cover");
  Rep& one = config.reps[1];
  one.backup_id = 8;
  one.time_off.push_back({1000, 2000, true, false, 9, "June 2"});
  add_pool(1, {1, 2, 3});
  pool_rule(1);
  config.finalize();
  env.now = 1500;
  Decision d = route();  // ticket 1: rep 1's turn
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 9);
  EXPECT_EQ(d.pool_id, 1);
  EXPECT_EQ(d.model, RoutingModel::RoundRobin);
  auto candidates = candidates_of(d);
  EXPECT_EQ(skip_reason(candidates, 1),
            "on time off until June 2 (backup: holiday cover) (turn 1)");
  auto pick = pick_of(candidates);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->num("rep"), 9);
  EXPECT_EQ(pick->num("backup_for"), 1);
  EXPECT_EQ(env.taken(1), 1);  // the backup takes the turn: no further draw
}

TEST_F(Strategies, TimeOffWithoutItsOwnBackupGoesToTheRepsBackup) {
  add_reps(3);
  add_rep(8, "usual backup");
  config.reps[1].backup_id = 8;
  config.reps[1].time_off.push_back({1000, std::nullopt, true, false, std::nullopt, ""});
  add_pool(1, {1, 2, 3});
  pool_rule(1);
  config.finalize();
  env.now = 5000;
  Decision d = route();
  EXPECT_EQ(d.owner_id, 8);
  EXPECT_EQ(skip_reason(candidates_of(d), 1), "on time off (backup: usual backup) (turn 1)");
}

TEST_F(Strategies, TimeOffWithoutAnyBackupGoesToTheNextMember) {
  add_reps(3);
  config.reps[1].time_off.push_back({std::nullopt, 2000, true, false, std::nullopt, ""});
  add_pool(1, {1, 2, 3});
  pool_rule(1);
  config.finalize();
  env.now = 1500;
  Decision d = route();
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(env.taken(1), 2);  // rep 1's turn is lost
  auto candidates = candidates_of(d);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_TRUE(starts_with(candidates[0].str("skip"), "on time off")) << d.trace;
  EXPECT_EQ(candidates[1].num("rep"), 2);
  EXPECT_EQ(candidates[1].num("ticket"), 2);
}

TEST_F(Strategies, TimeOffIsHalfOpen) {
  add_rep(1, "alice", 2);
  add_rep(2, "bob");
  config.reps[1].time_off.push_back({1000, 2000, true, false, std::nullopt, ""});
  rep_rule(1);
  config.finalize();
  for (auto [now, owner] : std::vector<std::pair<int64_t, int64_t>>{
           {0, 1}, {999, 1}, {1000, 2}, {1500, 2}, {1999, 2}, {2000, 1}, {1'000'000, 1}}) {
    env.now = now;
    EXPECT_EQ(route().owner_id, owner) << "now " << now;
  }
}

TEST_F(Strategies, OnlyTheCurrentTimeOffCounts) {
  add_rep(1, "alice", 2);
  add_rep(2, "bob");
  add_rep(3, "carol");
  config.reps[1].time_off.push_back({100, 200, true, false, 3, ""});
  config.reps[1].time_off.push_back({500, 600, true, false, std::nullopt, ""});
  rep_rule(1);
  config.finalize();
  env.now = 150;
  EXPECT_EQ(route().owner_id, 3);
  env.now = 300;
  EXPECT_EQ(route().owner_id, 1);
  env.now = 550;
  EXPECT_EQ(route().owner_id, 2);
}

// ---- eligibility: working hours ---------------------------------------------------------------

class WorkingHoursStrategies : public Strategies {
 protected:
  void SetUp() override {
    add_reps(2);
    auto hours = WorkingHours::parse(R"({"mon": [["09:00","17:00"]]})");
    config.reps[1].timezone = "Europe/Berlin";
    config.reps[1].working_hours = hours;
    config.reps[2].timezone = "America/New_York";
    config.reps[2].working_hours = hours;
    env.local_times["Europe/Berlin"] = {0, 18 * 60 + 30, "Mon 18:30"};
    env.local_times["America/New_York"] = {0, 12 * 60 + 30, "Mon 12:30"};
    add_pool(1, {1, 2});
    pool_rule(1);
  }
};

TEST_F(WorkingHoursStrategies, OutsideHoursSkippedWhenThePoolRespectsThem) {
  config.pools[1].respect_working_hours = true;
  config.finalize();
  EXPECT_EQ(owners(4), (std::vector<int64_t>{2, 2, 2, 2}));
  Decision d = route();  // ticket: rep 1's turn again
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(skip_reason(candidates_of(d), 1),
            "outside working hours (Mon 09:00-17:00 Europe/Berlin; now Mon 18:30) (turn 9)");
  EXPECT_NE(std::find(env.timezones_asked.begin(), env.timezones_asked.end(), "Europe/Berlin"),
            env.timezones_asked.end());
  EXPECT_NE(std::find(env.timezones_asked.begin(), env.timezones_asked.end(), "America/New_York"),
            env.timezones_asked.end());
}

TEST_F(WorkingHoursStrategies, JudgedInTheRepsOwnTimeZone) {
  config.pools[1].respect_working_hours = true;
  config.finalize();
  // The same hours; now Berlin is inside and New York outside.
  env.local_times["Europe/Berlin"] = {0, 10 * 60, "Mon 10:00"};
  env.local_times["America/New_York"] = {0, 4 * 60, "Mon 04:00"};
  EXPECT_EQ(owners(3), (std::vector<int64_t>{1, 1, 1}));
  // Another weekday: nobody works on Tuesday, the lead goes to the default queue.
  env.local_times["Europe/Berlin"] = {1, 10 * 60, "Tue 10:00"};
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");
}

TEST_F(WorkingHoursStrategies, IgnoredWhenThePoolDoesNotRespectThem) {
  config.pools[1].respect_working_hours = false;
  config.finalize();
  EXPECT_EQ(owners(4), (std::vector<int64_t>{1, 2, 1, 2}));
  EXPECT_TRUE(env.timezones_asked.empty());
}

TEST_F(WorkingHoursStrategies, OutsideHoursGoesToTheBackup) {
  add_rep(3, "night shift");
  config.reps[1].backup_id = 3;
  config.pools[1].respect_working_hours = true;
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 3);
}

// ---- eligibility: skills, caps, busy ----------------------------------------------------------

TEST_F(Strategies, MissingRequiredSkillIsSkipped) {
  add_reps(3);
  config.reps[2].skills = {"Lang:ES", "crm"};
  config.reps[3].skills = {"lang:de"};
  add_pool(1, {1, 2, 3});
  require_skills(pool_rule(1), {"lang:{language}"});
  config.finalize();
  lead.text(FieldId::Language, "ES");
  EXPECT_EQ(owners(5), (std::vector<int64_t>{2, 2, 2, 2, 2}));
  Decision d = route();
  auto candidates = candidates_of(d);
  EXPECT_EQ(skip_reason(candidates, 1).rfind("missing skill lang:es", 0), 0u) << d.trace;

  // A NULL language drops the requirement: everybody is back in the rotation.
  lead.null(FieldId::Language);
  std::set<int64_t> seen;
  for (int64_t o : owners(3)) seen.insert(o);
  EXPECT_EQ(seen, (std::set<int64_t>{1, 2, 3}));
  JsonValue t = trace_of(route());
  EXPECT_NE(t.get("rules")->array.back().str("skills").find("dropped"), std::string::npos);
}

TEST_F(Strategies, NobodyWithTheSkillGoesToTheDefaultQueue) {
  add_reps(2);
  add_pool(1, {1, 2});
  require_skills(pool_rule(1), {"crm"});
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_FALSE(d.owner_id);
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_EQ(d.rule_id, 1);
}

TEST_F(Strategies, OpenLeadCap) {
  add_reps(2);
  config.reps[1].max_open_leads = 3;
  add_pool(1, {1, 2});
  pool_rule(1);
  config.finalize();
  env.loads[1] = {false, 3, 0};
  Decision d = route();  // rep 1's turn, but at capacity
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(skip_reason(candidates_of(d), 1), "at capacity 3/3 open (turn 1)");
  env.loads[1] = {false, 2, 0};
  EXPECT_EQ(route().owner_id, 1);  // ticket 3
  env.loads[1] = {false, 7, 0};    // over the cap (lowered meanwhile)
  EXPECT_EQ(owners(2), (std::vector<int64_t>{2, 2}));
}

TEST_F(Strategies, DailyCap) {
  add_reps(2);
  config.reps[1].max_daily_leads = 5;
  add_pool(1, {1, 2});
  pool_rule(1);
  config.finalize();
  env.loads[1] = {false, 100, 5};  // open leads do not matter without an open cap
  Decision d = route();
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(skip_reason(candidates_of(d), 1), "daily cap reached 5/5 today (turn 1)");
  env.loads[1] = {false, 100, 4};
  EXPECT_EQ(route().owner_id, 1);
}

TEST_F(Strategies, BusyRepIsSkippedAndClaimed) {
  add_reps(2);
  config.reps[1].max_open_leads = 10;
  config.reps[2].max_open_leads = 10;
  add_pool(1, {1, 2});
  pool_rule(1);
  config.finalize();
  env.loads[1] = {true, 0, 0};
  Decision d = route();
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_NE(skip_reason(candidates_of(d), 1).find("another open transaction"), std::string::npos);
  // Round robin claims the rep it assigns (so that caps hold under concurrency).
  ASSERT_FALSE(env.load_calls.empty());
  EXPECT_EQ(env.load_calls.back(), std::make_pair(int64_t{2}, true));
  env.loads[1].busy = false;
  EXPECT_EQ(route().owner_id, 1);
}

// ---- named rep and account owner --------------------------------------------------------------

TEST_F(Strategies, NamedRepOnTimeOffGoesToTheBackup) {
  add_rep(1, "alice", 2);
  add_rep(2, "bob");
  add_rep(3, "carol");
  config.reps[1].time_off.push_back({0, 100, true, false, 3, ""});
  rep_rule(1);
  config.finalize();
  env.now = 50;
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 3);  // the time-off backup, not the usual one
  EXPECT_EQ(d.rule_id, 1);
  auto steps = steps_of(d);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].num("rep"), 1);
  EXPECT_EQ(steps[0].str("skip"), "on time off (backup: carol)");
  EXPECT_EQ(steps[1].num("rep"), 3);
  EXPECT_EQ(steps[1].num("backup_for"), 1);
}

TEST_F(Strategies, NamedRepAwayWithTheBackupAwayToo) {
  add_rep(1, "alice", 2);
  add_rep(2, "bob");
  config.reps[1].time_off.push_back({0, 100, true, false, std::nullopt, ""});
  config.reps[2].time_off.push_back({0, 100, true, false, std::nullopt, ""});
  rep_rule(1);
  config.finalize();
  env.now = 50;
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_EQ(skip_reason(steps_of(d), 2), "on time off");
}

class AccountOwnerStrategies : public Strategies {
 protected:
  void SetUp() override {
    add_rep(1, "alice");
    add_rep(2, "bob");
    AccountRecord a;
    a.id = 77;
    a.name = "Acme";
    a.status = "customer";
    a.owner_id = 1;
    match.account = a;
    match.tier = "email_domain";
    match.key = "acme.com";
    add_rule(1, 1, "country = 'US'", Action::AccountOwner);
    queue_rule("next");
    env.now = 50;
  }
};

TEST_F(AccountOwnerStrategies, OwnerAwayGoesToTheBackup) {
  config.reps[1].time_off.push_back({0, 100, true, false, 2, ""});
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(d.rule_id, 1);
  EXPECT_EQ(d.model, RoutingModel::Account);
  EXPECT_EQ(d.account_id, 77);
  EXPECT_EQ(skip_reason(steps_of(d), 1), "on time off (backup: bob)");
}

TEST_F(AccountOwnerStrategies, OwnersOwnBackupCoversToo) {
  config.reps[1].backup_id = 2;
  config.reps[1].time_off.push_back({0, 100, true, false, std::nullopt, ""});
  config.finalize();
  EXPECT_EQ(route().owner_id, 2);
}

TEST_F(AccountOwnerStrategies, OwnerAwayWithoutBackupFallsThrough) {
  config.reps[1].time_off.push_back({0, 100, true, false, std::nullopt, ""});
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "next");
  EXPECT_EQ(d.rule_id, 2);
  EXPECT_FALSE(d.owner_id);
  JsonValue t = trace_of(d);
  const auto& rules = t.get("rules")->array;
  ASSERT_EQ(rules.size(), 2u);
  std::string why = rules[0].str("fell_through");
  EXPECT_NE(why.find("alice"), std::string::npos) << why;
  EXPECT_NE(why.find("on time off"), std::string::npos) << why;
}

TEST_F(AccountOwnerStrategies, OwnerAvailable) {
  config.finalize();
  env.now = 500;
  Decision d = route();
  EXPECT_EQ(d.owner_id, 1);
  EXPECT_EQ(d.model, RoutingModel::Account);
}

// ---- round robin ------------------------------------------------------------------------------

TEST_F(Strategies, RoundRobinWithOneMemberAwaySharesEvenly) {
  add_reps(4);
  config.reps[3].time_off.push_back({0, 1000, true, false, std::nullopt, ""});
  add_pool(1, {1, 2, 3, 4});
  pool_rule(1);
  config.finalize();
  env.now = 10;
  auto picked = owners(30);
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  EXPECT_EQ(counts[1], 10);
  EXPECT_EQ(counts[2], 10);
  EXPECT_EQ(counts[4], 10);
  EXPECT_EQ(counts.count(3), 0u);
  for (size_t i = 1; i < picked.size(); ++i) EXPECT_NE(picked[i], picked[i - 1]) << i;
  EXPECT_EQ(env.taken(1), 40);  // rep 3's turn is drawn and lost every period

  // Back from time off: plain rotation again, no catch-up burst.
  env.now = 1000;
  auto after = owners(8);
  std::map<int64_t, int> again;
  for (int64_t o : after) ++again[o];
  for (int64_t r = 1; r <= 4; ++r) EXPECT_EQ(again[r], 2) << r;
}

TEST_F(Strategies, WeightedRoundRobinWithOneMemberAway) {
  add_reps(3);
  add_pool(1, {1, 2, 3});
  config.pools[1].members[0].weight = 2;  // rep 1 has twice the share
  config.reps[2].time_off.push_back({0, 1000, true, false, std::nullopt, ""});
  pool_rule(1);
  config.finalize();
  env.now = 10;
  auto picked = owners(30);
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  EXPECT_EQ(counts[1], 20);
  EXPECT_EQ(counts[3], 10);
  EXPECT_EQ(route().model, RoutingModel::WeightedRoundRobin);
}

TEST_F(Strategies, TwentyRepsNineteenBusyStillFindsTheFreeOne) {
  add_reps(20);
  std::vector<int64_t> ids;
  for (int64_t i = 1; i <= 20; ++i) {
    ids.push_back(i);
    config.reps[i].max_open_leads = 50;
    env.loads[i] = {true, 0, 0};
  }
  env.loads[20].busy = false;  // the last slot: beyond any short run of draws
  add_pool(1, ids);
  pool_rule(1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 20);
  EXPECT_LE(env.taken(1), 20);
  EXPECT_EQ(skip_reason(candidates_of(d), 7).find("another open transaction"), 0u);
  // Each rep is asked once per lead, not once per draw.
  std::map<int64_t, int> asked;
  for (const auto& call : env.load_calls) ++asked[call.first];
  for (int64_t i = 1; i <= 20; ++i) EXPECT_EQ(asked[i], 1) << i;

  // Any rep in the middle is found as well.
  for (int64_t free_rep : {3, 11, 17, 19}) {
    for (int64_t i = 1; i <= 20; ++i) env.loads[i].busy = i != free_rep;
    EXPECT_EQ(route().owner_id, free_rep);
  }
  // Everybody busy: the default queue, after a bounded number of draws.
  for (int64_t i = 1; i <= 20; ++i) env.loads[i].busy = true;
  int64_t before = env.taken(1);
  Decision none = route();
  EXPECT_EQ(none.status, LeadStatus::Queued);
  EXPECT_EQ(none.queue, "unrouted");
  EXPECT_LE(env.taken(1) - before, 20);
}

// ---- least loaded -----------------------------------------------------------------------------

TEST_F(Strategies, LeastLoadedPicksTheLowestRelativeLoad) {
  add_reps(3);
  config.reps[1].max_open_leads = 10;  // 5 / (1 · 10) = 0.5
  config.reps[2].max_open_leads = 4;   // 3 / (1 · 4) = 0.75
  config.reps[3].max_open_leads = 10;  // 8 / (2 · 10) = 0.4
  env.loads[1] = {false, 5, 0};
  env.loads[2] = {false, 3, 0};
  env.loads[3] = {false, 8, 0};
  add_pool(1, {1, 2, 3}, Strategy::LeastLoaded);
  config.pools[1].members[2].weight = 2;
  pool_rule(1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 3);
  EXPECT_EQ(d.model, RoutingModel::Capacity);
  EXPECT_EQ(d.pool_id, 1);
  auto pick = pick_of(candidates_of(d));
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->num("open"), 8);
  EXPECT_DOUBLE_EQ(pick->num("load"), 0.4);
  EXPECT_EQ(env.taken(1), 0);  // no rotation involved

  env.loads[3].open = 9;  // 0.45: still the least loaded
  EXPECT_EQ(route().owner_id, 3);
  env.loads[3].open = 12;  // 0.6: rep 1 now
  EXPECT_EQ(route().owner_id, 1);
}

TEST_F(Strategies, LeastLoadedTiesGoToTheLowestId) {
  add_reps(3);
  add_pool(1, {3, 1, 2}, Strategy::LeastLoaded);
  pool_rule(1);
  config.finalize();
  for (int64_t r = 1; r <= 3; ++r) env.loads[r] = {false, 2, 0};
  EXPECT_EQ(owners(3), (std::vector<int64_t>{1, 1, 1}));
  env.loads[1].open = 3;
  EXPECT_EQ(route().owner_id, 2);
  env.loads[2].open = 1;
  env.loads[3].open = 0;
  EXPECT_EQ(route().owner_id, 3);
}

TEST_F(Strategies, LeastLoadedSkipsBusyAndFullReps) {
  add_reps(3);
  for (int64_t r = 1; r <= 3; ++r) config.reps[r].max_open_leads = 10;
  env.loads[1] = {true, 0, 0};    // least loaded, but another transaction has it
  env.loads[2] = {false, 10, 0};  // full
  env.loads[3] = {false, 6, 0};
  add_pool(1, {1, 2, 3}, Strategy::LeastLoaded);
  pool_rule(1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 3);
  auto candidates = candidates_of(d);
  EXPECT_NE(skip_reason(candidates, 1).find("another open transaction"), std::string::npos);
  EXPECT_EQ(skip_reason(candidates, 2), "at capacity 10/10 open");
  // The pick is claimed before it is assigned.
  EXPECT_NE(
      std::find(env.load_calls.begin(), env.load_calls.end(), std::make_pair(int64_t{3}, true)),
      env.load_calls.end());

  // Busy only at the moment of the claim: the next candidate gets the lead.
  class ClaimBusyEnv : public FakeEnv {
   public:
    RepLoad rep_load(const Rep& rep, bool claim) override {
      RepLoad l = FakeEnv::rep_load(rep, claim);
      if (claim && rep.id == 1) l.busy = true;
      return l;
    }
  } racing;
  racing.loads[1] = {false, 1, 0};
  racing.loads[2] = {false, 2, 0};
  racing.loads[3] = {false, 3, 0};
  Decision raced = route_lead(config, lead.values, match, racing, options);
  EXPECT_EQ(raced.owner_id, 2);
}

TEST_F(Strategies, LeastLoadedNobodyAvailable) {
  add_reps(2);
  for (int64_t r = 1; r <= 2; ++r) {
    config.reps[r].max_open_leads = 1;
    env.loads[r] = {false, 1, 0};
  }
  add_pool(1, {1, 2}, Strategy::LeastLoaded);
  pool_rule(1);
  queue_rule("overflow");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");  // the pool rule applies; nobody can take the lead
  EXPECT_EQ(d.rule_id, 1);
}

// ---- skills -----------------------------------------------------------------------------------

class SkillsStrategies : public Strategies {
 protected:
  void SetUp() override {
    lead.text(FieldId::Language, "DE")
        .text(FieldId::Country, "DE")
        .array(FieldId::ProductInterest, {"crm"});
    add_reps(4);
    config.reps[1].skills = {"lang:de"};                               // score 1
    config.reps[2].skills = {"lang:de", "product:crm", "country:de"};  // score 3
    config.reps[3].skills = {"lang:fr", "product:crm", "country:de"};  // lacks lang:de
    config.reps[4].skills = {"LANG:DE", "Country:DE", "Product:CRM"};  // score 3
    add_pool(1, {1, 2, 3, 4}, Strategy::Skills);
    require_skills(pool_rule(1, "TRUE AND language = 'DE'"), {"lang:{language}"});
  }
};

TEST_F(SkillsStrategies, BestMatchWinsAndEqualsRotate) {
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.model, RoutingModel::Skills);
  auto candidates = candidates_of(d);
  EXPECT_EQ(skip_reason(candidates, 3), "missing skill lang:de");
  EXPECT_EQ(skip_reason(candidates, 1), "");  // eligible, just a weaker match
  auto pick = pick_of(candidates);
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->num("skill_match"), 3);
  EXPECT_EQ(pick->num("among"), 2);

  std::vector<int64_t> picked = {d.owner_id.value_or(-1)};
  for (int64_t o : owners(7)) picked.push_back(o);
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  EXPECT_EQ(counts[2], 4);
  EXPECT_EQ(counts[4], 4);
  for (size_t i = 1; i < picked.size(); ++i) EXPECT_NE(picked[i], picked[i - 1]) << i;
}

TEST_F(SkillsStrategies, UnavailableBestMatchGoesToTheNextBest) {
  config.reps[2].active = false;
  config.reps[4].max_open_leads = 1;
  env.loads[4] = {false, 1, 0};
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 1);
  EXPECT_EQ(d.model, RoutingModel::Skills);
  EXPECT_EQ(skip_reason(candidates_of(d), 4), "at capacity 1/1 open");
}

TEST_F(SkillsStrategies, WithoutRequiredSkillsTheBestMatchStillWins) {
  config.rules.clear();
  pool_rule(1, "TRUE AND employees > 0");
  config.reps[4].skills = {"lang:de", "country:de", "product:crm", "source:webinar"};  // score 4
  config.finalize();
  EXPECT_EQ(owners(4), (std::vector<int64_t>{4, 4, 4, 4}));
  // A lead that calls for none of their skills: every member is an equal, rep 3 included, and
  // they rotate.
  lead.text(FieldId::Language, "IT")
      .text(FieldId::Country, "JP")
      .null(FieldId::Source)
      .null(FieldId::ProductInterest);
  auto picked = owners(8);
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  for (int64_t r = 1; r <= 4; ++r) EXPECT_EQ(counts[r], 2) << r;
}

// ---- performance ------------------------------------------------------------------------------

class PerformanceStrategies : public Strategies {
 protected:
  void SetUp() override {
    add_rep(1, "D");
    add_rep(2, "E");
    add_rep(3, "F");
    add_pool(1, {1, 2, 3}, Strategy::Performance);
    pool_rule(1);
    config.finalize();
    env.pool_outcomes[1] = {{1, {300, 100}}, {2, {20, 180}}};
    options.trace = TraceLevel::Off;
  }
  std::vector<int64_t> run(FakeEnv& e, int n) {
    std::vector<int64_t> out;
    for (int i = 0; i < n; ++i)
      out.push_back(route_lead(config, lead.values, match, e, options).owner_id.value_or(-1));
    return out;
  }
};

TEST_F(PerformanceStrategies, FixedSeedIsReproducible) {
  FakeEnv a, b, c;
  a.pool_outcomes = b.pool_outcomes = c.pool_outcomes = env.pool_outcomes;
  a.seed = b.seed = 99;
  c.seed = 100;
  auto first = run(a, 300);
  EXPECT_EQ(first, run(b, 300));
  EXPECT_NE(first, run(c, 300));
}

TEST_F(PerformanceStrategies, ConvertersGetMostButNobodyStarves) {
  const int n = 2000;
  std::map<int64_t, int> counts;
  for (int64_t o : run(env, n)) ++counts[o];
  EXPECT_EQ(counts[1] + counts[2] + counts[3], n);
  EXPECT_GT(counts[1], counts[2]);
  EXPECT_GT(counts[1], counts[3]);
  EXPECT_GT(counts[1], n / 2);
  EXPECT_GT(counts[3], n * 5 / 100) << "a rep without history keeps getting leads";
  EXPECT_GT(counts[2], n * 1 / 100) << "exploration keeps a poor record improvable";
  EXPECT_LT(counts[2], counts[3]);
}

TEST_F(PerformanceStrategies, ModelAndTrace) {
  options.trace = TraceLevel::Full;
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.model, RoutingModel::Performance);
  EXPECT_EQ(d.pool_id, 1);
  auto pick = pick_of(candidates_of(d));
  ASSERT_TRUE(pick.has_value());
  EXPECT_NEAR(pick->num("pool_rate"), 321.0 / 602.0, 1e-9);
  ASSERT_TRUE(pick->has("sample"));
  ASSERT_TRUE(pick->has("explore"));
}

TEST_F(PerformanceStrategies, IneligibleMembersAreNotSampled) {
  env.now = 50;
  config.reps[1].time_off.push_back({0, 100, true, false, std::nullopt, ""});
  config.reps[2].max_open_leads = 2;
  env.loads[2] = {false, 2, 0};
  std::map<int64_t, int> counts;
  for (int64_t o : run(env, 200)) ++counts[o];
  EXPECT_EQ(counts[3], 200);
  options.trace = TraceLevel::Full;
  auto candidates = candidates_of(route());
  EXPECT_EQ(skip_reason(candidates, 1), "on time off");
  EXPECT_EQ(skip_reason(candidates, 2), "at capacity 2/2 open");
}

// ---- catch_up ---------------------------------------------------------------------------------

TEST_F(Strategies, CatchUpOwesAndPaysBackAMissedTurn) {
  add_reps(3);
  config.reps[1].time_off.push_back({0, 1000, true, false, std::nullopt, ""});
  add_pool(1, {1, 2, 3});
  config.pools[1].absence_policy = AbsencePolicy::CatchUp;
  pool_rule(1);
  config.finalize();
  env.now = 10;
  Decision first = route();  // ticket 1 is rep 1's turn: lost, and owed
  EXPECT_EQ(first.owner_id, 2);
  ASSERT_FALSE(env.owes.empty());
  EXPECT_EQ(env.owes.front(), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(skip_reason(candidates_of(first), 1).rfind("on time off", 0), 0u);
  // Nobody else is owed a turn while rep 1 is away.
  for (int64_t o : owners(8)) EXPECT_NE(o, 1);
  for (const auto& owe : env.owes) EXPECT_EQ(owe.second, 1);
  int owed_while_away = env.owed[{1, 1}];
  EXPECT_GE(owed_while_away, 3);

  // Back: the owed turns are paid out of the others' turns, and traced as catch-up.
  env.now = 2000;
  size_t claims_before = env.claims.size();
  int catch_ups = 0;
  std::map<int64_t, int> counts;
  for (int i = 0; i < 60; ++i) {
    Decision d = route();
    ASSERT_TRUE(d.owner_id.has_value());
    ++counts[*d.owner_id];
    auto pick = pick_of(candidates_of(d));
    ASSERT_TRUE(pick.has_value()) << d.trace;
    if (pick->flag("catch_up")) {
      ++catch_ups;
      EXPECT_EQ(pick->num("rep"), 1);
      EXPECT_EQ(d.owner_id, 1);
      EXPECT_EQ(d.pool_id, 1);
    }
  }
  EXPECT_GT(env.claims.size(), claims_before);
  EXPECT_EQ(catch_ups, owed_while_away);
  EXPECT_EQ(env.owed[std::make_pair(int64_t{1}, int64_t{1})], 0);
  EXPECT_EQ(counts[1], 20 + owed_while_away);
  EXPECT_EQ(env.owes.size(), static_cast<size_t>(owed_while_away));  // nothing new owed
}

TEST_F(Strategies, CatchUpClaimsOnlyForEligibleReps) {
  add_reps(3);
  add_pool(1, {1, 2, 3});
  config.pools[1].absence_policy = AbsencePolicy::CatchUp;
  config.reps[3].max_open_leads = 1;
  env.loads[3] = {false, 1, 0};  // at capacity: cannot be paid a turn now
  env.owed[{1, 3}] = 5;
  pool_rule(1);
  config.finalize();
  for (int i = 0; i < 30; ++i) EXPECT_NE(route().owner_id, 3);
  EXPECT_GT(env.owed[std::make_pair(int64_t{1}, int64_t{3})],
            5);  // nothing paid; its own missed turns are owed as well
  for (const auto& claim : env.claims) EXPECT_NE(claim.second, 3);
}

TEST_F(Strategies, SkipPolicyOwesNothing) {
  add_reps(3);
  config.reps[1].time_off.push_back({0, 1000, true, false, std::nullopt, ""});
  add_pool(1, {1, 2, 3});
  pool_rule(1);
  config.finalize();
  env.now = 10;
  owners(9);
  EXPECT_TRUE(env.owes.empty());
  EXPECT_TRUE(env.claims.empty());
}

// ---- territories ------------------------------------------------------------------------------

class TerritoryStrategies : public Strategies {
 protected:
  void SetUp() override {
    add_reps(3);
    add_pool(1, {2, 3});
    // Inserted out of priority order.
    add_territory(10, 30, "country = 'US'").rep_id = 1;
    add_territory(20, 10, "country = 'CA'").rep_id = 1;
    add_territory(30, 20, "employees >= 100").pool_id = 1;
    add_rule(1, 1, "TRUE AND source = 'webinar'", Action::Territory);
    queue_rule("after territories");
  }
};

TEST_F(TerritoryStrategies, FirstMatchingByPriorityWins) {
  config.finalize();
  Decision d = route();  // US, 500 employees: territories 30 (priority 20) and 10 (priority 30)
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(d.pool_id, 1);
  EXPECT_EQ(d.model, RoutingModel::Territory);
  EXPECT_EQ(d.rule_id, 1);
  auto steps = steps_of(d);
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].num("territory"), 30);
  EXPECT_EQ(route().owner_id, 3);  // the territory's pool rotates

  lead.number(FieldId::Employees, 20);  // only territory 10 now
  Decision rep = route();
  EXPECT_EQ(rep.owner_id, 1);
  EXPECT_EQ(rep.model, RoutingModel::Territory);
  EXPECT_FALSE(rep.pool_id);
}

TEST_F(TerritoryStrategies, NoTerritoryFallsThrough) {
  config.finalize();
  lead.text(FieldId::Country, "DE").number(FieldId::Employees, 5);
  Decision d = route();
  EXPECT_EQ(d.queue, "after territories");
  EXPECT_EQ(d.rule_id, 2);
  JsonValue t = trace_of(d);
  EXPECT_EQ(t.get("rules")->array.at(0).str("fell_through"), "no territory matches the lead");
}

}  // namespace
}  // namespace leadroute
