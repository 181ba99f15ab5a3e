// Step 3 of routing (docs/architecture.md): the rule walk. Rules in priority order, first match
// wins; up to kMaxTracedRules every rule is tried (explain lists each one), beyond that only the
// rules the index says can match. The matched rule's action (actions.cpp) places the lead, else
// the lead goes to the default queue; the SLA clock starts when a rep got it.
#include "core/routing/router.h"

#include <vector>

#include "core/routing/actions.h"
#include "core/routing/route_context.h"
#include "core/routing/sla_clock.h"

namespace leadroute {

namespace {

class RuleWalk {
 public:
  RuleWalk(const RoutingConfig& config, const std::vector<Rule>& rules, const RuleIndex& index,
           const LeadValues& lead, const AccountMatch& match, RoutingEnv& env,
           const RouteOptions& options)
      : rules_(rules), rule_index_(index), ctx_(config, lead, match, env, options) {}

  Decision run() {
    Decision decision;
    if (ctx_.match.account) {
      decision.account_id = ctx_.match.account->id;
      decision.match_tier = ctx_.match.tier;
    }
    ctx_.trace.begin();
    ctx_.trace.account(ctx_.match);
    ctx_.trace.begin_rules();
    size_t not_listed = 0;
    if (rules_.size() <= kMaxTracedRules) {
      for (const Rule& rule : rules_)
        if (try_rule(rule, decision, not_listed)) return decision;
    } else {
      std::vector<uint32_t> candidates;
      rule_index_.candidates(ctx_.lead, &candidates);
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
    close(decision, not_listed);
    return decision;
  }

 private:
  // True when the rule placed the lead (the decision is complete).
  bool try_rule(const Rule& rule, Decision& decision, size_t& not_listed) {
    if (!rule.broken.empty()) throw ConfigFault(rule.broken);
    if (rule.condition.evaluate(ctx_.lead) != Tri::True) {
      if (ctx_.trace.lists_rule_miss())
        ctx_.trace.rule_miss(rule.id, rule.condition.explain(ctx_.lead, ctx_.config.attributes));
      else
        ++not_listed;
      return false;
    }
    ctx_.trace.begin_rule_hit(rule.id);
    ctx_.fell_through.clear();
    expand_skills(rule);
    Placement placement = apply_action(ctx_, rule);
    bool fell = !placement.placed && placement.reason == kFellThrough;
    if (ctx_.trace.on()) {
      std::optional<std::string_view> fell_through, no_target;
      if (fell)
        fell_through = ctx_.fell_through.empty() ? std::string_view("the action does not apply")
                                                 : std::string_view(ctx_.fell_through);
      else if (!placement.placed)
        no_target = placement.reason;
      ctx_.trace.end_rule_hit(ctx_.skills_note, fell_through, no_target);
    }
    if (fell) return false;
    finish(decision, rule, placement);
    start_sla_clock(ctx_, decision);
    close(decision, not_listed);
    return true;
  }

  void expand_skills(const Rule& rule) {
    ctx_.skills.clear();
    ctx_.skills_note.clear();
    for (const auto& t : rule.skill_templates) {
      auto skill = t.expand(ctx_.lead);
      if (skill) {
        ctx_.skills.push_back(*skill);
      } else {
        if (!ctx_.skills_note.empty()) ctx_.skills_note += "; ";
        ctx_.skills_note += t.text() + " dropped: its field is NULL";
      }
    }
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
    d.points = p.points;
    d.rule_id = rule.id;
    d.model = p.model;
    d.fallback = rule.catch_all;
  }

  void to_default_queue(Decision& d, const std::string& reason) {
    d.status = LeadStatus::Queued;
    d.owner_id.reset();
    d.pool_id.reset();
    d.queue = ctx_.options.default_queue;
    d.model = RoutingModel::Fallback;
    d.fallback = true;
    default_reason_ = reason;
  }

  // The outcome itself (status, owner, queue, rule, model, fallback) is in the decision's
  // columns; the trace holds how it was reached.
  void close(Decision& d, size_t not_listed) {
    if (!ctx_.trace.on()) return;
    ctx_.trace.end_rules(not_listed, default_reason_);
    trace_sla_clock(ctx_, d);
    d.trace = ctx_.trace.finish();
  }

  const std::vector<Rule>& rules_;
  const RuleIndex& rule_index_;
  RouteContext ctx_;
  std::string default_reason_;
};

// A decision made without rules: the default queue (or another), and why.
Decision queued(std::string queue, const RouteOptions& options, std::string_view why) {
  Decision d;
  d.status = LeadStatus::Queued;
  d.queue = std::move(queue);
  d.model = RoutingModel::Fallback;
  d.fallback = true;
  TraceRecorder trace(options.trace);
  trace.begin();
  trace.default_queue(why);
  d.trace = trace.finish();
  return d;
}

}  // namespace

Decision route_lead(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
                    RoutingEnv& env, const RouteOptions& options) {
  return RuleWalk(config, config.rules, config.rule_index, lead, match, env, options).run();
}

Decision route_lead_shadow(const RoutingConfig& config, const ShadowRuleset& shadow,
                           const LeadValues& lead, const AccountMatch& match, RoutingEnv& env,
                           const RouteOptions& options) {
  return RuleWalk(config, shadow.rules, shadow.rule_index, lead, match, env, options).run();
}

Decision routing_error_decision(std::string_view message) {
  Decision d;
  d.status = LeadStatus::Queued;
  d.queue = "routing_error";
  d.model = RoutingModel::Fallback;
  d.fallback = true;
  TraceRecorder trace(TraceLevel::Full);  // traced whatever leadroute.trace says
  trace.begin();
  trace.error(message);
  d.trace = trace.finish();
  return d;
}

Decision conflict_decision(const RouteOptions& options) {
  return queued(options.default_queue, options,
                "not routed: a lead with the same unique key existed when this one was inserted");
}

Decision disabled_decision(const RouteOptions& options) {
  return queued(options.default_queue, options,
                "routing is switched off (leadroute.enabled = off)");
}

}  // namespace leadroute
