#include "core/routing/router.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "core/routing/wrr.h"

namespace leadroute {

namespace {

// Where a rule's target sent the lead.
struct Placement {
  bool placed = false;  // false: nobody eligible (default queue) or the rule does not apply
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  std::optional<int64_t> pool_id;
  RoutingModel model = RoutingModel::Queue;
  std::string reason;  // why nobody was placed
};

// Can a rep take this lead now? Why not, and who covers.
struct Eligibility {
  bool ok = true;
  std::string why;
  std::optional<int64_t> cover;  // time-off backup, else the rep's backup
};

// Context of one eligibility check: the pool (working hours) and the rule (skills).
struct Demand {
  const Pool* pool = nullptr;
  const std::vector<std::string>* skills = nullptr;  // expanded required skills
};

constexpr const char* kFellThrough = "fell through";
// Turns drawn from a rotation before the remaining members are scanned in schedule order.
constexpr int kMaxDraws = 16;

class RouteRun {
 public:
  RouteRun(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
           RoutingEnv& env, const RouteOptions& options)
      : RouteRun(config, config.rules, config.rule_index, lead, match, env, options) {}
  RouteRun(const RoutingConfig& config, const std::vector<Rule>& rules, const RuleIndex& index,
           const LeadValues& lead, const AccountMatch& match, RoutingEnv& env,
           const RouteOptions& options)
      : config_(config),
        rules_(rules),
        rule_index_(index),
        lead_(lead),
        match_(match),
        env_(env),
        options_(options) {}

  Decision run() {
    Decision decision;
    if (match_.account) {
      decision.account_id = match_.account->id;
      decision.match_tier = match_.tier;
    }
    if (tracing()) {
      trace_.begin_object().key("v").value(int64_t{1});
      trace_account();
      trace_.key("rules").begin_array();
    }
    size_t not_listed = 0;
    // Up to kMaxTracedRules rules, every rule is tried (explain lists each one); beyond, only the
    // rules the index says can match: the others are counted with the unlisted misses.
    if (rules_.size() <= kMaxTracedRules) {
      for (const Rule& rule : rules_)
        if (try_rule(rule, decision, not_listed)) return decision;
    } else {
      std::vector<uint32_t> candidates;
      rule_index_.candidates(lead_, &candidates);
      for (size_t k = 0; k < candidates.size(); ++k) {
        // The rules before this one that the index ruled out are misses too, as a linear scan
        // would count them.
        size_t skipped = candidates[k] - k;
        size_t count = not_listed + skipped;
        if (try_rule(rules_[candidates[k]], decision, count)) return decision;
        not_listed = count - skipped;
      }
      not_listed += rules_.size() - candidates.size();
    }
    to_default_queue(decision, "no rule matched");
    close_trace(decision, not_listed);
    return decision;
  }

  // True when the rule placed the lead (the decision is complete).
  bool try_rule(const Rule& rule, Decision& decision, size_t& not_listed) {
    if (!rule.broken.empty()) throw ConfigFault(rule.broken);
    Tri result = rule.condition.evaluate(lead_);
    if (result != Tri::True) {
      if (full() && traced_rules_ < kMaxTracedRules) {
        trace_rule_miss(rule);
        ++traced_rules_;
      } else {
        ++not_listed;
      }
      return false;
    }
    if (tracing()) begin_rule_hit(rule);
    fell_through_.clear();
    expand_skills(rule);
    Placement placement = apply(rule);
    if (tracing()) end_rule_hit(placement);
    if (!placement.placed && placement.reason == kFellThrough) return false;
    finish(decision, rule, placement);
    apply_sla(decision);
    close_trace(decision, not_listed);
    return true;
  }

  // Escalation: no rules; the owner's cover, the pool's next member, or the manager's queue.
  Decision escalate(const EscalationInput& in) {
    Decision d;
    d.rule_id = in.rule_id;
    if (match_.account) {
      d.account_id = match_.account->id;
      d.match_tier = match_.tier;
    }
    excluded_ = in.owner_id;
    const Rep* owner = config_.rep(in.owner_id);
    if (tracing()) {
      trace_.begin_object().key("v").value(int64_t{1});
      trace_.key("escalation").begin_object();
      trace_.key("from")
          .value(in.owner_id)
          .key("breach")
          .value(static_cast<int64_t>(in.escalations + 1));
      trace_.key("steps").begin_array();
    }
    Placement p;
    if (in.escalations >= in.max_escalations) {
      p.reason = "escalated " + std::to_string(in.escalations) +
                 " times already (leadroute.max_escalations)";
    } else {
      // The owner's backup first (time-off backup, then backup_id), then the pool's next member.
      if (owner) {
        Demand demand = demand_for(nullptr);
        Eligibility away{false, "did not make first contact in time", std::nullopt};
        away.cover = owner->backup_id;
        for (const TimeOff& t : owner->time_off)
          if (t.contains(now()) && t.backup_id) away.cover = t.backup_id;
        if (const Rep* cover = eligible_cover(*owner, away, demand)) {
          if (tracing())
            trace_.begin_object()
                .key("rep")
                .value(cover->id)
                .key("backup_for")
                .value(owner->id)
                .key("pick")
                .value(true)
                .end_object();
          p = assigned(*cover, RoutingModel::Territory);
        }
      }
      if (!p.placed && in.pool_id) {
        const Pool* pool = config_.pool(*in.pool_id);
        if (pool) {
          p = pick_from_pool(*pool, false);
          if (!p.placed) p.reason = "nobody else is eligible in pool " + pool->name;
        }
      }
      if (!p.placed && p.reason.empty()) p.reason = "no backup and no pool to escalate to";
    }
    if (p.placed) {
      d.status = p.status;
      d.owner_id = p.owner_id;
      d.pool_id = p.pool_id ? p.pool_id : in.pool_id;
      d.model = p.model;
      d.fallback = false;
      apply_sla(d);
    } else {
      const Rep* manager = owner && owner->manager_id ? config_.rep(*owner->manager_id) : nullptr;
      d.status = LeadStatus::Queued;
      d.queue = manager ? "manager:" + manager->email : std::string("escalations");
      d.model = RoutingModel::Queue;
      d.fallback = false;
      if (tracing())
        trace_.begin_object().key("queue").value(*d.queue).key("why").value(p.reason).end_object();
    }
    if (tracing()) {
      trace_.end_array().end_object();
      if (d.sla_policy_id) trace_sla(d);
      trace_.end_object();
      d.trace = trace_.take();
    }
    return d;
  }

 private:
  void apply_sla(Decision& d) {
    if (d.status != LeadStatus::Assigned || !d.owner_id) return;
    const Rep* rep = config_.rep(*d.owner_id);
    if (!rep) return;
    auto due = sla_due(config_, lead_, *rep, now(), env_);
    if (!due) return;
    d.sla_policy_id = due->policy_id;
    d.sla_due_us = due->due_us;
  }

  void trace_sla(const Decision& d) {
    trace_.key("sla").begin_object().key("policy").value(*d.sla_policy_id);
    trace_.key("due_us")
        .value(*d.sla_due_us)
        .key("minutes")
        .value((*d.sla_due_us - now()) / kMicrosPerMinute);
    trace_.end_object();
  }

 public:
 private:
  bool tracing() const { return options_.trace != TraceLevel::Off; }
  bool full() const { return options_.trace == TraceLevel::Full; }

  // ---- trace ----------------------------------------------------------------------------------

  void trace_account() {
    trace_.key("account").begin_object();
    if (match_.account) {
      const AccountRecord& a = *match_.account;
      trace_.key("id").value(a.id).key("name").value(a.name).key("status").value(a.status);
      trace_.key("tier").value(match_.tier).key("key").value(match_.key);
      if (match_.tier == "fuzzy") trace_.key("similarity").value(a.similarity);
      if (!match_.tie_break.empty()) trace_.key("tie_break").value(match_.tie_break);
    } else {
      trace_.key("none").value(true);
    }
    if (full() && !match_.tried.empty()) {
      trace_.key("tried").begin_array();
      for (const auto& t : match_.tried) trace_.value(t);
      trace_.end_array();
    }
    if (!match_.skipped.empty()) {
      trace_.key("skipped").begin_array();
      for (const auto& t : match_.skipped) trace_.value(t);
      trace_.end_array();
    }
    trace_.end_object();
  }

  // A rule that did not match: the deciding predicate as written, and the lead's values in it.
  void trace_rule_miss(const Rule& rule) {
    Explanation e = rule.condition.explain(lead_, config_.attributes);
    trace_.begin_object();
    trace_.key("id").value(rule.id);
    trace_.key(e.result == Tri::Unknown ? "unknown" : "miss").value(e.predicate);
    trace_.key("values").begin_object();
    for (const auto& kv : e.values) {
      trace_.key(kv.first);
      write_value(kv.second);
    }
    trace_.end_object();
    trace_.end_object();
  }

  void write_value(const ValueView& v) {
    switch (v.kind) {
      case ValueKind::Null:
        trace_.null();
        break;
      case ValueKind::Text: {
        size_t cut = std::min<size_t>(v.text.size(), 200);
        // Never inside a UTF-8 sequence: jsonb rejects invalid UTF-8.
        while (cut > 0 && cut < v.text.size() &&
               (static_cast<unsigned char>(v.text[cut]) & 0xC0) == 0x80)
          --cut;
        trace_.value(v.text.substr(0, cut));
        break;
      }
      case ValueKind::Number:
        trace_.value(v.number);
        break;
      case ValueKind::Boolean:
        trace_.value(v.boolean);
        break;
      case ValueKind::TextArray:
        trace_.begin_array();
        for (uint32_t i = 0; i < v.item_count; ++i)
          v.items[i].data() ? trace_.value(v.items[i]) : trace_.null();
        trace_.end_array();
        break;
    }
  }

  void begin_rule_hit(const Rule& rule) {
    trace_.begin_object();
    trace_.key("id").value(rule.id).key("match").value(true);
    trace_.key("steps").begin_array();
  }

  void end_rule_hit(const Placement& p) {
    trace_.end_array();
    if (!skills_note_.empty()) trace_.key("skills").value(skills_note_);
    // fell_through: the rule does not apply after all (next rule); no_target: it applies but
    // nobody can take the lead (default queue).
    if (!p.placed && p.reason == kFellThrough)
      trace_.key("fell_through")
          .value(fell_through_.empty() ? "the action does not apply" : fell_through_);
    else if (!p.placed)
      trace_.key("no_target").value(p.reason);
    trace_.end_object();
  }

  void finish(Decision& d, const Rule& rule, const Placement& p) {
    if (!p.placed) {
      to_default_queue(d, p.reason);
      d.rule_id = rule.id;
      return;
    }
    d.status = p.status;
    d.owner_id = p.owner_id;
    d.queue = p.queue;
    d.pool_id = p.pool_id;
    d.rule_id = rule.id;
    d.model = p.model;
    d.fallback = rule.catch_all;
  }

  void to_default_queue(Decision& d, const std::string& reason) {
    d.status = LeadStatus::Queued;
    d.owner_id.reset();
    d.pool_id.reset();
    d.queue = options_.default_queue;
    d.model = RoutingModel::Fallback;
    d.fallback = true;
    default_reason_ = reason;
  }

  // The outcome itself (status, owner, queue, rule, model, fallback) is in the decision's columns;
  // the trace holds how it was reached.
  void close_trace(Decision& d, size_t not_listed) {
    if (!tracing()) return;
    trace_.end_array();
    if (not_listed) trace_.key("more_rules").value(static_cast<int64_t>(not_listed));
    if (!default_reason_.empty()) trace_.key("default_queue").value(default_reason_);
    if (d.sla_policy_id) trace_sla(d);
    trace_.end_object();
    d.trace = trace_.take();
  }

  // ---- skills ---------------------------------------------------------------------------------

  void expand_skills(const Rule& rule) {
    skills_.clear();
    skills_note_.clear();
    for (const auto& t : rule.skill_templates) {
      auto skill = t.expand(lead_);
      if (skill) {
        skills_.push_back(*skill);
      } else {
        if (!skills_note_.empty()) skills_note_ += "; ";
        skills_note_ += t.text() + " dropped: its field is NULL";
      }
    }
  }

  // ---- eligibility ----------------------------------------------------------------------------

  const LocalTime& local_time(const std::string& tz) {
    auto it = local_times_.find(tz);
    if (it == local_times_.end()) it = local_times_.emplace(tz, env_.local_time(tz)).first;
    return it->second;
  }

  int64_t now() {
    if (!now_) now_ = env_.now_us();
    return *now_;
  }

  // Why a rep cannot take the lead now, cheapest checks first; caps last (they read the database
  // and, with `claim`, take the rep for this transaction).
  Eligibility check(const Rep& rep, const Demand& demand, bool claim) {
    Eligibility e;
    if (!rep.active) return {false, "inactive", std::nullopt};
    if (!rep.broken.empty()) throw ConfigFault(rep.broken);
    for (const TimeOff& t : rep.time_off) {
      if (!t.contains(now())) continue;
      e.ok = false;
      e.why = "on time off" + (t.until.empty() ? std::string() : " until " + t.until);
      e.cover = t.backup_id ? t.backup_id : rep.backup_id;
      if (e.cover) {
        const Rep* cover = config_.rep(*e.cover);
        e.why += " (backup: " + (cover ? cover->name : "rep " + std::to_string(*e.cover)) + ")";
      }
      return e;
    }
    if (demand.pool && demand.pool->respect_working_hours && rep.working_hours) {
      const LocalTime& lt = local_time(rep.timezone);
      if (!rep.working_hours->contains(lt.weekday, lt.minute))
        return {false,
                "outside working hours (" + rep.working_hours->describe() + " " + rep.timezone +
                    "; now " + lt.text + ")",
                rep.backup_id};
    }
    // Any other reason: the rep's backup covers (docs/architecture.md), if the backup can take the
    // lead.
    if (demand.skills)
      for (const auto& skill : *demand.skills)
        if (!has_skill(rep.skills, skill)) return {false, "missing skill " + skill, rep.backup_id};
    if (rep.max_open_leads || rep.max_daily_leads) {
      RepLoad load = env_.rep_load(rep, claim);
      if (load.busy)
        return {false, "another open transaction is assigning leads to this rep", rep.backup_id};
      if (rep.max_open_leads && load.open >= *rep.max_open_leads)
        return {false,
                "at capacity " + std::to_string(load.open) + "/" +
                    std::to_string(*rep.max_open_leads) + " open",
                rep.backup_id};
      if (rep.max_daily_leads && load.today >= *rep.max_daily_leads)
        return {false,
                "daily cap reached " + std::to_string(load.today) + "/" +
                    std::to_string(*rep.max_daily_leads) + " today",
                rep.backup_id};
    }
    return e;
  }

  Demand demand_for(const Pool* pool) const {
    return Demand{pool, skills_.empty() ? nullptr : &skills_};
  }

  Placement assigned(const Rep& rep, RoutingModel model, const Pool* pool = nullptr) {
    Placement p;
    p.placed = true;
    p.status = LeadStatus::Assigned;
    p.owner_id = rep.id;
    p.model = model;
    if (pool) p.pool_id = pool->id;
    return p;
  }

  void trace_skip(int64_t rep_id, const std::string& why, std::optional<int64_t> backup_for = {}) {
    if (!full() || traced_candidates_ >= kMaxTracedCandidates) return;
    ++traced_candidates_;
    trace_.begin_object().key("rep").value(rep_id);
    if (backup_for) trace_.key("backup_for").value(*backup_for);
    trace_.key("skip").value(why).end_object();
  }

  // The rep who covers for an unavailable rep, when that one can take the lead.
  const Rep* eligible_cover(const Rep& rep, const Eligibility& e, const Demand& demand) {
    if (!e.cover || *e.cover == rep.id) return nullptr;
    const Rep* cover = config_.rep(*e.cover);
    if (!cover) return nullptr;
    Eligibility ce = check(*cover, demand, true);
    if (ce.ok) return cover;
    if (tracing()) trace_skip(cover->id, ce.why, rep.id);
    return nullptr;
  }

  // ---- actions --------------------------------------------------------------------------------

  Placement apply(const Rule& rule) {
    switch (rule.action) {
      case Action::Queue: {
        Placement p;
        p.placed = true;
        p.status = LeadStatus::Queued;
        p.queue = rule.queue.value_or(options_.default_queue);
        p.model = RoutingModel::Queue;
        if (full()) trace_.begin_object().key("queue").value(*p.queue).end_object();
        return p;
      }
      case Action::Nurture: {
        Placement p;
        p.placed = true;
        p.status = LeadStatus::Nurture;
        p.queue = rule.queue;
        p.model = RoutingModel::Nurture;
        if (full()) {
          trace_.begin_object().key("nurture");
          rule.queue ? trace_.value(*rule.queue) : trace_.null();
          trace_.end_object();
        }
        return p;
      }
      case Action::Rep:
        return place_with_rep(rule.rep_id.value_or(0), RoutingModel::Territory);
      case Action::Pool:
        return place_in_pool(rule.pool_id.value_or(0), std::nullopt);
      case Action::AccountOwner:
        return place_with_account_rep(false);
      case Action::AccountCsm:
        return place_with_account_rep(true);
      case Action::Territory:
        return place_in_territory();
    }
    Placement p;
    p.reason = kFellThrough;
    return p;
  }

  // The first territory whose condition matches; none → the next rule.
  Placement place_in_territory() {
    for (const Territory& t : config_.territories) {
      if (!t.broken.empty()) throw ConfigFault(t.broken);
      if (t.condition.evaluate(lead_) != Tri::True) continue;
      if (tracing())
        trace_.begin_object().key("territory").value(t.id).key("name").value(t.name).end_object();
      if (t.rep_id) return place_with_rep(*t.rep_id, RoutingModel::Territory);
      return place_in_pool(t.pool_id.value_or(0), RoutingModel::Territory);
    }
    fell_through_ = "no territory matches the lead";
    if (tracing()) trace_.begin_object().key("territory").value(fell_through_).end_object();
    Placement p;
    p.reason = kFellThrough;
    return p;
  }

  // The matched account's owner (or CSM). No account, no such rep, or a rep who left: the rule
  // does not apply and the next rule is tried. A rep who is away: the backup, else the next rule.
  Placement place_with_account_rep(bool csm) {
    Placement p;
    p.reason = kFellThrough;
    const char* role = csm ? "CSM" : "owner";
    if (!match_.account) {
      fell_through_ = "no account matched";
      if (tracing()) trace_.begin_object().key("account").value(fell_through_).end_object();
      return p;
    }
    const AccountRecord& a = *match_.account;
    std::optional<int64_t> rep_id = csm ? a.csm_id : a.owner_id;
    if (!rep_id) {
      fell_through_ = "account " + a.name + " has no " + role;
      if (tracing()) trace_.begin_object().key("account").value(fell_through_).end_object();
      return p;
    }
    const Rep* rep = config_.rep(*rep_id);
    if (!rep || !rep->active) {
      std::string who = rep ? rep->name : "rep " + std::to_string(*rep_id);
      fell_through_ = csm ? "the CSM of account " + a.name + ", " + who + ", is " +
                                (rep ? "inactive" : "not a rep any more")
                          : "account " + a.name + " is owned by " + who + ", who is " +
                                (rep ? "inactive" : "not a rep any more");
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(*rep_id)
            .key("skip")
            .value(rep ? "inactive" : "rep does not exist")
            .end_object();
      return p;
    }
    Demand demand = demand_for(nullptr);
    Eligibility e = check(*rep, demand, true);
    if (e.ok) {
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(rep->id)
            .key(csm ? "csm_of" : "owner_of")
            .value(a.id)
            .key("pick")
            .value(true)
            .end_object();
      return assigned(*rep, RoutingModel::Account);
    }
    if (tracing())
      trace_.begin_object().key("rep").value(rep->id).key("skip").value(e.why).end_object();
    if (const Rep* cover = eligible_cover(*rep, e, demand)) {
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(cover->id)
            .key("backup_for")
            .value(rep->id)
            .key("pick")
            .value(true)
            .end_object();
      return assigned(*cover, RoutingModel::Account);
    }
    fell_through_ =
        std::string("the ") + role + " of account " + a.name + ", " + rep->name + ", is " + e.why;
    return p;
  }

  // A named rep, else the rep's backup (or time-off backup), else nobody.
  Placement place_with_rep(int64_t rep_id, RoutingModel model) {
    const Rep* rep = config_.rep(rep_id);
    if (!rep) {
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(rep_id)
            .key("skip")
            .value("rep does not exist")
            .end_object();
      Placement p;
      p.reason = "rep " + std::to_string(rep_id) + " does not exist";
      return p;
    }
    Demand demand = demand_for(nullptr);
    Eligibility e = check(*rep, demand, true);
    if (e.ok) {
      if (tracing())
        trace_.begin_object().key("rep").value(rep_id).key("pick").value(true).end_object();
      return assigned(*rep, model);
    }
    if (tracing())
      trace_.begin_object().key("rep").value(rep_id).key("skip").value(e.why).end_object();
    std::optional<int64_t> cover_id = e.cover ? e.cover : rep->backup_id;
    Eligibility with_backup = e;
    with_backup.cover = cover_id;
    if (const Rep* cover = eligible_cover(*rep, with_backup, demand)) {
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(cover->id)
            .key("backup_for")
            .value(rep->id)
            .key("pick")
            .value(true)
            .end_object();
      return assigned(*cover, model);
    }
    Placement p;
    p.reason =
        rep->name + " is " + e.why + (cover_id ? " and so is the backup" : " and has no backup");
    return p;
  }

  // A pool by its strategy, then its overflow chain.
  Placement place_in_pool(int64_t pool_id, std::optional<RoutingModel> model) {
    std::vector<int64_t> visited;
    std::string reasons;
    for (int64_t current = pool_id; current;) {
      if (std::find(visited.begin(), visited.end(), current) != visited.end()) {
        Placement p;
        p.reason = reasons + "; the overflow chain loops back to pool " + std::to_string(current);
        return p;
      }
      visited.push_back(current);
      const Pool* pool = config_.pool(current);
      if (!pool) {
        Placement p;
        p.reason = reasons + (reasons.empty() ? "" : "; ") + "pool " + std::to_string(current) +
                   " does not exist";
        return p;
      }
      Placement p = pick_from_pool(*pool, visited.size() > 1);
      if (p.placed) {
        if (model) p.model = *model;
        return p;
      }
      if (!reasons.empty()) reasons += "; ";
      reasons += "nobody eligible in pool " + pool->name + " (" + p.reason + ")";
      current = pool->overflow_pool_id.value_or(0);
    }
    Placement p;
    p.reason = reasons;
    return p;
  }

  Placement pick_from_pool(const Pool& pool, bool is_overflow) {
    if (tracing()) {
      trace_.begin_object().key("pool").value(pool.id);
      trace_.key("strategy").value(strategy_name(pool.strategy));
      if (is_overflow) trace_.key("overflow").value(true);
      trace_.key("candidates").begin_array();
    }
    traced_candidates_ = 0;
    // Members outside the rotation (inactive) are listed first, so explain shows why.
    for (const auto& m : pool.members) {
      const Rep* r = config_.rep(m.rep_id);
      if (!r)
        trace_skip(m.rep_id, "rep does not exist");
      else if (!r->active)
        trace_skip(m.rep_id, "inactive");
    }
    Placement p;
    if (pool.schedule.empty()) {
      p.reason = pool.members.empty() ? "the pool has no members" : "no member is active";
    } else {
      switch (pool.strategy) {
        case Strategy::RoundRobin:
          p = pick_round_robin(pool);
          break;
        case Strategy::LeastLoaded:
          p = pick_least_loaded(pool);
          break;
        case Strategy::Skills:
          p = pick_skills(pool);
          break;
        case Strategy::Performance:
          p = pick_performance(pool);
          break;
      }
    }
    if (tracing()) {
      trace_.end_array();
      if (!p.placed) trace_.key("none").value(p.reason);
      trace_.end_object();
    }
    return p;
  }

  // Active members in member order, each once.
  std::vector<const Rep*> active_members(const Pool& pool) const {
    std::vector<const Rep*> out;
    for (const auto& m : pool.members)
      if (const Rep* r = config_.rep(m.rep_id); r && r->active && r->id != excluded_)
        out.push_back(r);
    return out;
  }

  double weight_of(const Pool& pool, int64_t rep_id) const {
    for (const auto& m : pool.members)
      if (m.rep_id == rep_id) return m.weight;
    return 1.0;
  }

  // Smooth weighted round-robin. An unavailable rep loses the turn (catch_up pools owe it back);
  // the lead goes to the rep's backup if available, else to the next turn's rep.
  Placement pick_round_robin(const Pool& pool) {
    const uint64_t period = pool.schedule.size();
    Demand demand = demand_for(&pool);
    RoutingModel model =
        pool.weighted ? RoutingModel::WeightedRoundRobin : RoutingModel::RoundRobin;
    std::unordered_map<int64_t, Eligibility> seen;
    size_t distinct_members = active_members(pool).size() + (excluded_ ? 1 : 0);
    int64_t ticket = 0;
    uint64_t slot = 0;
    for (int draw = 0; draw < kMaxDraws && seen.size() < distinct_members; ++draw) {
      ticket = env_.take_ticket(pool);
      slot = ticket_slot(ticket, period);
      const PoolMember& member = pool.members[pool.schedule[slot]];
      const Rep& rep = *config_.rep(member.rep_id);
      // catch_up pools pay owed turns back out of other reps' turns, at most about every other
      // turn (a coin from the ticket: not aligned with the rotation's period).
      if (pool.absence_policy == AbsencePolicy::CatchUp &&
          (Rng(static_cast<uint64_t>(ticket)).next() & 1)) {
        if (const Rep* owed = pay_owed_turn(pool, demand, ticket, rep.id))
          return assigned(*owed, model, &pool);
      }
      auto it = seen.find(rep.id);
      if (it == seen.end())
        it = seen.emplace(rep.id, rep.id == excluded_
                                      ? Eligibility{false, "the rep the lead is escalated from",
                                                    std::nullopt}
                                      : check(rep, demand, true))
                 .first;
      const Eligibility& e = it->second;
      if (e.ok) {
        trace_pick(rep.id, ticket, slot, period, pool.weighted ? member.weight : 0);
        return assigned(rep, model, &pool);
      }
      trace_skip(rep.id, e.why + " (turn " + std::to_string(ticket) + ")");
      if (pool.absence_policy == AbsencePolicy::CatchUp) env_.owe_turn(pool, rep.id);
      if (const Rep* cover = eligible_cover(rep, e, demand)) {
        if (tracing())
          trace_.begin_object()
              .key("rep")
              .value(cover->id)
              .key("backup_for")
              .value(rep.id)
              .key("pick")
              .value(true)
              .key("ticket")
              .value(ticket)
              .end_object();
        return assigned(*cover, model, &pool);
      }
    }
    // Many turns lost: take the remaining members in schedule order from the last turn.
    for (uint64_t k = 1; k <= period && seen.size() < distinct_members; ++k) {
      const PoolMember& member = pool.members[pool.schedule[(slot + k) % period]];
      const Rep& rep = *config_.rep(member.rep_id);
      if (seen.count(rep.id) || rep.id == excluded_) continue;
      Eligibility e = check(rep, demand, true);
      seen.emplace(rep.id, e);
      if (e.ok) {
        trace_pick(rep.id, ticket, (slot + k) % period, period, pool.weighted ? member.weight : 0);
        return assigned(rep, model, &pool);
      }
      trace_skip(rep.id, e.why);
    }
    Placement p;
    p.reason = "no member can take the lead now";
    return p;
  }

  const Rep* pay_owed_turn(const Pool& pool, const Demand& demand, int64_t ticket,
                           int64_t slot_rep) {
    for (const Rep* rep : active_members(pool)) {
      if (rep->id == slot_rep) continue;  // the turn is this rep's anyway
      if (!check(*rep, demand, false).ok) continue;
      if (!env_.claim_owed_turn(pool, rep->id)) continue;
      if (!check(*rep, demand, true).ok) continue;
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(rep->id)
            .key("pick")
            .value(true)
            .key("catch_up")
            .value(true)
            .key("ticket")
            .value(ticket)
            .end_object();
      return rep;
    }
    return nullptr;
  }

  void trace_pick(int64_t rep_id, int64_t ticket, uint64_t slot, uint64_t period, double weight) {
    if (!tracing()) return;
    trace_.begin_object().key("rep").value(rep_id).key("pick").value(true);
    trace_.key("ticket").value(ticket);
    trace_.key("slot").value(static_cast<int64_t>(slot + 1)).key("period").value(period);
    if (weight > 0) trace_.key("weight").value(weight);
    trace_.end_object();
  }

  // Capacity-based: the member with the fewest open leads relative to weight and cap; ties to the
  // lowest rep id. Concurrent sessions may see the same counts; capped reps are claimed.
  Placement pick_least_loaded(const Pool& pool) {
    Demand demand = demand_for(&pool);
    struct Candidate {
      const Rep* rep;
      double score;
      int32_t open;
    };
    std::vector<Candidate> candidates;
    for (const Rep* rep : active_members(pool)) {
      Eligibility e = check(*rep, demand, false);
      if (!e.ok) {
        trace_skip(rep->id, e.why);
        continue;
      }
      RepLoad load = env_.rep_load(*rep, false);
      candidates.push_back(
          {rep, load_score(load.open, weight_of(pool, rep->id), rep->max_open_leads), load.open});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score < b.score : a.rep->id < b.rep->id;
    });
    for (const Candidate& c : candidates) {
      if (c.rep->max_open_leads || c.rep->max_daily_leads) {
        Eligibility e = check(*c.rep, demand, true);  // claim, and count again
        if (!e.ok) {
          trace_skip(c.rep->id, e.why);
          continue;
        }
      }
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(c.rep->id)
            .key("pick")
            .value(true)
            .key("open")
            .value(static_cast<int64_t>(c.open))
            .key("load")
            .value(c.score)
            .end_object();
      return assigned(*c.rep, RoutingModel::Capacity, &pool);
    }
    Placement p;
    p.reason = "no member can take the lead now";
    return p;
  }

  // Skills-based: members holding every required skill; the best match (most of the rep's skills
  // the lead calls for) wins, and equals rotate by the pool's turns.
  Placement pick_skills(const Pool& pool) {
    Demand demand = demand_for(&pool);
    std::vector<std::string> tokens = lead_skill_tokens(lead_);
    struct Candidate {
      const Rep* rep;
      int score;
    };
    std::vector<Candidate> candidates;
    for (const Rep* rep : active_members(pool)) {
      Eligibility e = check(*rep, demand, false);
      if (!e.ok) {
        trace_skip(rep->id, e.why);
        continue;
      }
      candidates.push_back({rep, skill_match_score(rep->skills, tokens)});
    }
    while (!candidates.empty()) {
      int best = 0;
      for (const auto& c : candidates) best = std::max(best, c.score);
      std::vector<size_t> equals;
      for (size_t i = 0; i < candidates.size(); ++i)
        if (candidates[i].score == best) equals.push_back(i);
      int64_t ticket = env_.take_ticket(pool);
      size_t chosen = equals[static_cast<size_t>(ticket - 1) % equals.size()];
      const Rep* rep = candidates[chosen].rep;
      Eligibility e = check(*rep, demand, true);
      if (e.ok) {
        if (tracing())
          trace_.begin_object()
              .key("rep")
              .value(rep->id)
              .key("pick")
              .value(true)
              .key("skill_match")
              .value(static_cast<int64_t>(best))
              .key("among")
              .value(static_cast<int64_t>(equals.size()))
              .key("ticket")
              .value(ticket)
              .end_object();
        return assigned(*rep, RoutingModel::Skills, &pool);
      }
      trace_skip(rep->id, e.why);
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(chosen));
    }
    Placement p;
    p.reason = skills_.empty() ? "no member can take the lead now"
                               : "no available member holds every required skill";
    return p;
  }

  // Performance-based: Thompson sampling of each member's conversion rate, shrunk toward the
  // pool's rate (selection.h); new and unlucky reps keep getting leads.
  Placement pick_performance(const Pool& pool) {
    Demand demand = demand_for(&pool);
    auto outcomes = env_.outcomes(pool);
    int64_t converted = 0, decided = 0;
    for (const auto& [id, o] : outcomes) {
      converted += o.converted;
      decided += o.converted + o.lost;
    }
    double base = pool_rate(converted, decided);
    int64_t ticket = env_.take_ticket(pool);
    uint64_t seed = env_.performance_seed();
    Rng rng((seed ? seed : static_cast<uint64_t>(now())) ^
            (static_cast<uint64_t>(ticket) * 0x9E3779B97F4A7C15ull));
    struct Candidate {
      const Rep* rep;
      double sample;
      double rate;
      RepOutcomes o;
    };
    std::vector<Candidate> candidates;
    for (const Rep* rep : active_members(pool)) {
      Eligibility e = check(*rep, demand, false);
      if (!e.ok) {
        trace_skip(rep->id, e.why);
        continue;
      }
      RepOutcomes o = outcomes.count(rep->id) ? outcomes.at(rep->id) : RepOutcomes{};
      candidates.push_back({rep, sample_rate(o, base, rng), shrunk_rate(o, base), o});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return a.sample != b.sample ? a.sample > b.sample : a.rep->id < b.rep->id;
    });
    bool explore = !candidates.empty() && rng.uniform() < kPerformanceExploration;
    if (explore) {
      size_t pick = static_cast<size_t>(rng.next() % candidates.size());
      std::swap(candidates[0], candidates[pick]);
    }
    for (const Candidate& c : candidates) {
      if (c.rep->max_open_leads || c.rep->max_daily_leads) {
        Eligibility e = check(*c.rep, demand, true);
        if (!e.ok) {
          trace_skip(c.rep->id, e.why);
          continue;
        }
      }
      if (tracing())
        trace_.begin_object()
            .key("rep")
            .value(c.rep->id)
            .key("pick")
            .value(true)
            .key("converted")
            .value(c.o.converted)
            .key("lost")
            .value(c.o.lost)
            .key("rate")
            .value(c.rate)
            .key("sample")
            .value(c.sample)
            .key("pool_rate")
            .value(base)
            .key("explore")
            .value(explore && &c == &candidates.front())
            .end_object();
      return assigned(*c.rep, RoutingModel::Performance, &pool);
    }
    Placement p;
    p.reason = "no member can take the lead now";
    return p;
  }

  const RoutingConfig& config_;
  const std::vector<Rule>& rules_;
  const RuleIndex& rule_index_;
  const LeadValues& lead_;
  const AccountMatch& match_;
  RoutingEnv& env_;
  const RouteOptions& options_;
  JsonWriter trace_;
  size_t traced_rules_ = 0;
  size_t traced_candidates_ = 0;
  std::string default_reason_;
  std::string fell_through_;
  std::vector<std::string> skills_;
  std::string skills_note_;
  std::unordered_map<std::string, LocalTime> local_times_;
  std::optional<int64_t> now_;
  int64_t excluded_ = 0;  // escalation: the rep the lead is taken from
};

}  // namespace

Decision route_lead(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
                    RoutingEnv& env, const RouteOptions& options) {
  return RouteRun(config, lead, match, env, options).run();
}

Decision route_lead_shadow(const RoutingConfig& config, const ShadowRuleset& shadow,
                           const LeadValues& lead, const AccountMatch& match, RoutingEnv& env,
                           const RouteOptions& options) {
  return RouteRun(config, shadow.rules, shadow.rule_index, lead, match, env, options).run();
}

Decision escalate_lead(const RoutingConfig& config, const LeadValues& lead,
                       const EscalationInput& in, RoutingEnv& env, const RouteOptions& options) {
  AccountMatch none;
  return RouteRun(config, lead, none, env, options).escalate(in);
}

std::optional<SlaDue> sla_due(const RoutingConfig& config, const LeadValues& lead, const Rep& rep,
                              int64_t assigned_us, ZoneClock& clock) {
  for (const SlaPolicy& p : config.sla_policies) {
    if (!p.broken.empty()) throw ConfigFault(p.broken);
    if (p.condition.evaluate(lead) != Tri::True) continue;
    int64_t due = p.business_hours && rep.working_hours
                      ? add_business_minutes(assigned_us, p.response_minutes, *rep.working_hours,
                                             rep.timezone, clock)
                      : assigned_us + p.response_minutes * kMicrosPerMinute;
    return SlaDue{p.id, due};
  }
  return std::nullopt;
}

Decision routing_error_decision(std::string_view message) {
  Decision d;
  d.status = LeadStatus::Queued;
  d.queue = "routing_error";
  d.model = RoutingModel::Fallback;
  d.fallback = true;
  JsonWriter w;
  w.begin_object().key("v").value(int64_t{1}).key("error").value(message).end_object();
  d.trace = w.take();
  return d;
}

Decision conflict_decision(const RouteOptions& options) {
  Decision d;
  d.status = LeadStatus::Queued;
  d.queue = options.default_queue;
  d.model = RoutingModel::Fallback;
  d.fallback = true;
  if (options.trace == TraceLevel::Off) return d;
  JsonWriter w;
  w.begin_object().key("v").value(int64_t{1});
  w.key("default_queue")
      .value("not routed: a lead with the same unique key existed when this one was inserted");
  w.end_object();
  d.trace = w.take();
  return d;
}

Decision disabled_decision(const RouteOptions& options) {
  Decision d;
  d.status = LeadStatus::Queued;
  d.queue = options.default_queue;
  d.model = RoutingModel::Fallback;
  d.fallback = true;
  if (options.trace == TraceLevel::Off) return d;
  JsonWriter w;
  w.begin_object().key("v").value(int64_t{1});
  w.key("default_queue").value("routing is switched off (leadroute.enabled = off)");
  w.end_object();
  d.trace = w.take();
  return d;
}

}  // namespace leadroute
