#include "router.h"

#include <algorithm>
#include <vector>

#include "wrr.h"

namespace leadroute {

namespace {

// Where a rule's target sent the lead.
struct Placement {
  bool placed = false;  // false: nobody eligible (the caller overflows to the default queue)
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  RoutingModel model = RoutingModel::Queue;
  std::string reason;  // why nobody was placed
};

class RouteRun {
 public:
  RouteRun(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
           RoutingEnv& env, const RouteOptions& options)
      : config_(config), lead_(lead), match_(match), env_(env), options_(options) {}

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
    for (const Rule& rule : config_.rules) {
      Tri result = rule.condition.evaluate(lead_);
      if (result != Tri::True) {
        if (full() && traced_rules_ < kMaxTracedRules) {
          trace_rule_miss(rule);
          ++traced_rules_;
        } else {
          ++not_listed;
        }
        continue;
      }
      if (tracing()) begin_rule_hit(rule);
      fell_through_.clear();
      Placement placement = apply(rule);
      if (tracing()) end_rule_hit(placement);
      if (!placement.placed && placement.reason == kFellThrough) continue;
      finish(decision, rule, placement);
      close_trace(decision, not_listed);
      return decision;
    }
    // No rule matched: the default queue, counted as fallback.
    to_default_queue(decision, "no rule matched");
    close_trace(decision, not_listed);
    return decision;
  }

 private:
  static constexpr const char* kFellThrough = "fell through";

  bool tracing() const { return options_.trace != TraceLevel::Off; }

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
  bool full() const { return options_.trace == TraceLevel::Full; }

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
    d.rule_id = rule.id;
    d.model = p.model;
    d.fallback = rule.catch_all;
  }

  void to_default_queue(Decision& d, const std::string& reason) {
    d.status = LeadStatus::Queued;
    d.owner_id.reset();
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
    trace_.end_object();
    d.trace = trace_.take();
  }

  // ---- actions ---------------------------------------------------------------------------------

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
        return place_in_pool(rule.pool_id.value_or(0));
      case Action::AccountOwner:
        return place_with_account_rep(false);
      case Action::AccountCsm:
        return place_with_account_rep(true);
      default: {
        Placement p;
        p.reason = kFellThrough;
        if (tracing())
          trace_.begin_object()
              .key("unsupported_action")
              .value(action_name(rule.action))
              .end_object();
        return p;
      }
    }
  }

  // Why a rep cannot take a lead now, or "" when the rep can.
  std::string ineligibility(const Rep& rep) const {
    if (!rep.active) return "inactive";
    return "";
  }

  Placement assigned(const Rep& rep, RoutingModel model) {
    Placement p;
    p.placed = true;
    p.status = LeadStatus::Assigned;
    p.owner_id = rep.id;
    p.model = model;
    return p;
  }

  // The matched account's owner (or CSM). No account, no such rep, or a rep who left: the rule
  // does not apply and the next rule is tried.
  Placement place_with_account_rep(bool csm) {
    Placement p;
    p.reason = kFellThrough;
    const char* role = csm ? "CSM" : "owner";
    if (!match_.account) {
      fell_through_ = "no account matched";
      if (tracing()) trace_.begin_object().key("account").value("no account matched").end_object();
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
      fell_through_ = "account " + a.name + " is owned by " +
                      (rep ? rep->name : "rep " + std::to_string(*rep_id)) + ", who is " +
                      (rep ? "inactive" : "not a rep any more");
      if (csm)
        fell_through_ = "account " + a.name + "'s CSM " +
                        (rep ? rep->name : "rep " + std::to_string(*rep_id)) + " is " +
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

  // A named rep, else the rep's backup, else nobody.
  Placement place_with_rep(int64_t rep_id, RoutingModel model) {
    const Rep* rep = config_.rep(rep_id);
    if (tracing()) trace_.begin_object().key("rep").value(rep_id);
    if (!rep) {
      if (tracing()) trace_.key("skip").value("rep does not exist").end_object();
      Placement p;
      p.reason = "rep " + std::to_string(rep_id) + " does not exist";
      return p;
    }
    std::string why = ineligibility(*rep);
    if (why.empty()) {
      if (tracing()) trace_.key("pick").value(true).end_object();
      return assigned(*rep, model);
    }
    if (tracing()) trace_.key("skip").value(why).end_object();
    if (rep->backup_id) {
      const Rep* backup = config_.rep(*rep->backup_id);
      if (backup) {
        std::string backup_why = ineligibility(*backup);
        if (tracing()) {
          trace_.begin_object().key("rep").value(backup->id).key("backup_for").value(rep->id);
          backup_why.empty() ? trace_.key("pick").value(true)
                             : trace_.key("skip").value(backup_why);
          trace_.end_object();
        }
        if (backup_why.empty()) return assigned(*backup, model);
      }
    }
    Placement p;
    p.reason = rep->name + " is " + why +
               (rep->backup_id ? " and so is the backup" : " and has no backup");
    return p;
  }

  // A pool by its strategy, then its overflow chain.
  Placement place_in_pool(int64_t pool_id) {
    std::vector<int64_t> visited;
    std::string reasons;
    for (int64_t current = pool_id; current;) {
      for (int64_t seen : visited)
        if (seen == current) {
          Placement p;
          p.reason = reasons + "; overflow chain loops back to pool " + std::to_string(current);
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
      if (p.placed) return p;
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
    Placement p = pick_round_robin(pool);
    if (tracing()) {
      trace_.end_array();
      if (!p.placed) trace_.key("none").value(p.reason);
      trace_.end_object();
    }
    return p;
  }

  void trace_skip(int64_t rep_id, const std::string& why) {
    if (!full() || traced_candidates_ >= kMaxTracedCandidates) return;
    ++traced_candidates_;
    trace_.begin_object().key("rep").value(rep_id).key("skip").value(why).end_object();
  }

  Placement pick_round_robin(const Pool& pool) {
    traced_candidates_ = 0;
    // Members outside the rotation (inactive) are listed first, so explain shows why.
    for (const auto& m : pool.members) {
      const Rep* r = config_.rep(m.rep_id);
      std::string why = r ? ineligibility(*r) : "rep does not exist";
      if (!why.empty()) trace_skip(m.rep_id, why);
    }
    Placement p;
    if (pool.schedule.empty()) {
      p.reason = pool.members.empty() ? "the pool has no members" : "no member is active";
      return p;
    }
    const uint64_t period = pool.schedule.size();
    int64_t ticket = env_.take_ticket(pool);
    uint64_t slot = ticket_slot(ticket, period);
    const PoolMember& member = pool.members[pool.schedule[slot]];
    const Rep* rep = config_.rep(member.rep_id);
    if (tracing()) {
      trace_.begin_object().key("rep").value(member.rep_id).key("pick").value(true);
      trace_.key("ticket").value(ticket);
      trace_.key("slot").value(static_cast<int64_t>(slot + 1)).key("period").value(period);
      if (pool.weighted) trace_.key("weight").value(member.weight);
      trace_.end_object();
    }
    return assigned(*rep,
                    pool.weighted ? RoutingModel::WeightedRoundRobin : RoutingModel::RoundRobin);
  }

  const RoutingConfig& config_;
  const LeadValues& lead_;
  const AccountMatch& match_;
  RoutingEnv& env_;
  std::string fell_through_;
  const RouteOptions& options_;
  JsonWriter trace_;
  size_t traced_rules_ = 0;
  size_t traced_candidates_ = 0;
  std::string default_reason_;
};

}  // namespace

Decision route_lead(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
                    RoutingEnv& env, const RouteOptions& options) {
  return RouteRun(config, lead, match, env, options).run();
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
