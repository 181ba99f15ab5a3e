// The routing configuration in compiled form: what the shim loads from the config tables and
// caches per backend until a config table changes.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/condition/condition.h"
#include "core/condition/points.h"
#include "core/lead/fields.h"
#include "core/lead/normalize.h"
#include "core/config/skills.h"
#include "core/sla/sla.h"
#include "core/config/working_hours.h"

namespace leadroute {

enum class Action : uint8_t { AccountOwner, AccountCsm, Rep, Pool, Territory, Queue, Nurture };
enum class Strategy : uint8_t { RoundRobin, LeastLoaded, Skills, Performance, Points };
enum class RoutingModel : uint8_t {
  RoundRobin,
  WeightedRoundRobin,
  Territory,
  Skills,
  Capacity,
  Performance,
  Points,
  Account,
  Queue,
  Nurture,
  Fallback
};
enum class LeadStatus : uint8_t { Assigned, Queued, Nurture };

const char* action_name(Action a);
const char* strategy_name(Strategy s);
const char* routing_model_name(RoutingModel m);
const char* lead_status_name(LeadStatus s);
std::optional<Action> parse_action(std::string_view s);
std::optional<Strategy> parse_strategy(std::string_view s);
std::optional<RoutingModel> parse_routing_model(std::string_view s);

// Every SQL name of the enumerations above: (kind, name), kind one of action, strategy,
// routing_model, routing_status (the statuses routing sets). leadroute._vocabulary() returns it.
struct VocabularyEntry {
  const char* kind;
  const char* name;
};
std::vector<VocabularyEntry> vocabulary();

// An absence, in unix microseconds; an open end is nullopt.
struct TimeOff {
  std::optional<int64_t> start_us;
  std::optional<int64_t> end_us;
  bool start_inclusive = true;
  bool end_inclusive = false;
  std::optional<int64_t> backup_id;
  std::string until;  // the end, formatted for people; "" when open-ended
  bool contains(int64_t now_us) const {
    if (start_us && (start_inclusive ? now_us < *start_us : now_us <= *start_us)) return false;
    if (end_us && (end_inclusive ? now_us > *end_us : now_us >= *end_us)) return false;
    return true;
  }
};

struct Rep {
  int64_t id = 0;
  std::string name;
  std::string email;
  bool active = true;
  std::optional<int64_t> manager_id;
  std::optional<int64_t> backup_id;
  std::string timezone = "UTC";
  std::optional<int32_t> max_open_leads;
  std::optional<int32_t> max_daily_leads;
  std::vector<std::string> skills;
  std::optional<WorkingHours> working_hours;  // nullopt: always available
  std::vector<TimeOff> time_off;
  std::string notify_channel = "email";  // email, slack, webhook, none
  std::string notify_address;            // for slack and webhook; overrides email for email
  // Set by the configuration loader when the stored row cannot be used (a condition the current
  // language refuses, a value it cannot read): a lead whose routing reaches it fails alone
  // (ConfigFault: the routing_error queue, with this message); every other lead routes.
  std::string broken;
};

// A configuration row marked `broken` was reached while routing a lead.
class ConfigFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class AbsencePolicy : uint8_t { Skip, CatchUp };

struct PoolMember {
  int64_t rep_id = 0;
  double weight = 1;
};

struct Pool {
  int64_t id = 0;
  std::string name;
  Strategy strategy = Strategy::RoundRobin;
  std::optional<int64_t> overflow_pool_id;
  bool respect_working_hours = false;
  AbsencePolicy absence_policy = AbsencePolicy::Skip;
  std::vector<PoolMember> members;  // ordered by rep id
  // points pools: what a lead is worth (pools.points; none: 1 point each).
  std::shared_ptr<const PointsExpression> points;
  std::string broken;  // why pools.points cannot be used (ConfigFault when the pool is picked)
  // Derived by RoutingConfig::finalize():
  std::vector<uint32_t> schedule;  // one period of the smooth WRR rotation, indexes into members
  bool weighted = false;           // members' weights are not all equal
  // Opaque to the core: the shim's handle of the pool's turn counter (a sequence).
  uint64_t cursor_handle = 0;
  uint64_t shadow_cursor_handle = 0;  // the shadow rulesets' turn counter
};

struct Rule {
  int64_t id = 0;
  std::string name;
  int32_t priority = 0;
  Condition condition;
  Action action = Action::Queue;
  std::optional<int64_t> rep_id;
  std::optional<int64_t> pool_id;
  std::optional<std::string> queue;
  std::vector<std::string> required_skills;
  std::vector<SkillTemplate> skill_templates;  // parsed required_skills
  bool catch_all = false;  // condition is statically TRUE: what it places counts as fallback
  // Set by the configuration loader when the stored row cannot be used (a condition the current
  // language refuses, a value it cannot read): a lead whose routing reaches it fails alone
  // (ConfigFault: the routing_error queue, with this message); every other lead routes.
  std::string broken;
};

struct Territory {
  int64_t id = 0;
  std::string name;
  int32_t priority = 0;
  Condition condition;
  std::optional<int64_t> pool_id;
  std::optional<int64_t> rep_id;
  // Set by the configuration loader when the stored row cannot be used (a condition the current
  // language refuses, a value it cannot read): a lead whose routing reaches it fails alone
  // (ConfigFault: the routing_error queue, with this message); every other lead routes.
  std::string broken;
};

// Rules by their necessary equalities: a lead can only match the rules listed under its own
// values of the indexed fields, plus the rules nothing indexes (catch-alls, ranges, patterns).
// A rule is keyed by up to three of its equality fields at once (`country = 'US' AND state =
// 'TX' AND industry = 'Retail'` under the key US/TX/Retail), so a bucket holds the few rules for
// exactly that combination. Built by RoutingConfig::finalize(); cost per lead then follows the
// rules that could match, not all of them. Positions are indexes into RoutingConfig::rules.
struct RuleIndex {
  // Rules keyed by the same fields, in that order.
  struct Group {
    std::vector<FieldId> fields;
    std::unordered_map<std::string, std::vector<uint32_t>> rules_by_key;  // ascending positions
  };
  std::vector<Group> groups;
  std::vector<uint32_t> unindexed;  // ascending positions
  size_t indexed_rules = 0;

  void build(const std::vector<Rule>& rules);
  // The positions of the rules that can match `lead`, ascending (priority order).
  void candidates(const LeadValues& lead, std::vector<uint32_t>* out) const;
};

// A shadow ruleset (rulesets.mode = 'shadow'): evaluated on every live lead beside the live rules;
// its decision is recorded, never applied.
struct ShadowRuleset {
  std::string name;
  std::vector<Rule> rules;  // enabled rules, ascending priority
  RuleIndex rule_index;
};

struct RoutingConfig {
  std::vector<Rule> rules;              // the live ruleset's enabled rules, ascending priority
  std::vector<Territory> territories;   // enabled territories, ascending priority
  std::vector<SlaPolicy> sla_policies;  // enabled policies, ascending priority
  std::unordered_map<int64_t, Rep> reps;
  std::unordered_map<int64_t, Pool> pools;
  DomainSet freemail_domains;
  AttributeRegistry attributes;
  RuleIndex rule_index;  // used when there are more rules than explain lists one by one
  std::vector<ShadowRuleset> shadow_rulesets;  // by name

  const Rep* rep(int64_t id) const {
    auto it = reps.find(id);
    return it == reps.end() ? nullptr : &it->second;
  }
  const Pool* pool(int64_t id) const {
    auto it = pools.find(id);
    return it == pools.end() ? nullptr : &it->second;
  }
  // Sorts rules and members and precomputes rotation schedules. Call once after loading.
  void finalize();
};

// The largest rotation period kept per pool; pools whose weights would need more are scaled.
uint64_t max_rotation_period(size_t members);

}  // namespace leadroute
