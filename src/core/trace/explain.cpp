#include "core/trace/explain.h"

#include <cmath>

#include "core/lead/value.h"
#include "core/trace/trace_keys.h"
#include "core/util/json.h"

namespace leadroute {

namespace k = trace_key;

std::string ExplainNames::rep(int64_t id) const {
  auto it = reps.find(id);
  std::string label = it == reps.end() ? "a deleted rep" : it->second;
  return label + " (rep " + std::to_string(id) + ")";
}

std::string ExplainNames::pool(int64_t id) const {
  auto it = pools.find(id);
  return it == pools.end() ? "pool " + std::to_string(id) + " (deleted)" : "\"" + it->second + "\"";
}

namespace {

int64_t id_of(const JsonValue& v, std::string_view key) {
  return static_cast<int64_t>(v.num(key, 0));
}

std::string json_literal(const JsonValue& v) {
  switch (v.type) {
    case JsonValue::Type::Null:
      return "NULL";
    case JsonValue::Type::String: {
      std::string out = "'";
      for (char c : v.string) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case JsonValue::Type::Number:
      return format_number(v.number);
    case JsonValue::Type::Bool:
      return v.boolean ? "true" : "false";
    case JsonValue::Type::Array: {
      std::string out = "{";
      for (size_t i = 0; i < v.array.size(); ++i) {
        if (i) out += ",";
        out += json_literal(v.array[i]);
      }
      return out + "}";
    }
    default:
      return "(object)";
  }
}

void render_values(std::string& out, const JsonValue& rule) {
  const JsonValue* values = rule.get(k::values);
  if (!values || values->object.empty()) return;
  out += "  (";
  bool first = true;
  for (const auto& kv : values->object) {
    if (!first) out += ", ";
    first = false;
    out += kv.first + (kv.second.is_null() ? " is NULL" : " is " + json_literal(kv.second));
  }
  out += ")";
}

void render_candidate(std::string& out, const JsonValue& c, const ExplainNames& names,
                      const char* indent) {
  out += indent;
  out += names.rep(id_of(c, k::rep)) + ": ";
  if (c.flag(k::pick)) {
    out += "picked";
    if (c.has(k::owner_of)) out += ", owner of the matched account";
    if (c.has(k::csm_of)) out += ", customer success manager of the matched account";
    if (c.flag(k::catch_up)) out += ", paying back a turn missed while unavailable";
    if (c.has(k::load))
      out += ", least loaded with " + c.str(k::open) + " open leads (load " + c.str(k::load) + ")";
    if (c.has(k::skill_match))
      out += ", best skill match (" + c.str(k::skill_match) + " of the lead's skills) among " +
             c.str(k::among) + (c.num(k::among) == 1 ? " rep" : " equal reps, by rotation");
    if (c.flag(k::explore))
      out += ", by exploration (a random eligible rep, one lead in ten)";
    else if (c.has(k::sample))
      out += ", best draw " + format_number(std::round(c.num(k::sample) * 1000) / 1000) +
             " (conversion " + c.str(k::converted) + " won / " + c.str(k::lost) +
             " lost, estimated rate " + format_number(std::round(c.num(k::rate) * 1000) / 1000) +
             ", pool rate " + format_number(std::round(c.num(k::pool_rate) * 1000) / 1000) + ")";
    if (c.has(k::points)) {
      out += ", fewest points for its share: " + c.str(k::points_so_far) + " so far, " +
             c.str(k::points) + " for this lead";
      if (c.has(k::weight)) out += " (weight " + c.str(k::weight) + ")";
    }
    if (c.has(k::backup_for)) out += " as backup for " + names.rep(id_of(c, k::backup_for));
    if (c.has(k::ticket)) {
      // Weighted rotations place the turn on a slot of the period; skill ties and backups
      // rotate by the turn alone.
      out += ", turn " + c.str(k::ticket);
      if (c.has(k::slot) && c.has(k::period))
        out += " lands on slot " + c.str(k::slot) + " of " + c.str(k::period) + " in the rotation";
      else
        out += " of the rotation";
      if (c.has(k::weight)) out += " (weight " + c.str(k::weight) + ")";
    }
  } else {
    out += "skipped, " + c.str(k::skip);
    if (c.has(k::backup_for)) out += " (as backup for " + names.rep(id_of(c, k::backup_for)) + ")";
  }
  out += "\n";
}

void render_step(std::string& out, const JsonValue& step, const ExplainNames& names) {
  if (step.has(k::pool)) {
    out += "    Pool " + names.pool(id_of(step, k::pool)) + " (" + step.str(k::strategy) +
           (step.flag(k::overflow) ? ", overflow" : "") + "):\n";
    if (const JsonValue* cands = step.get(k::candidates))
      for (const auto& c : cands->array) render_candidate(out, c, names, "      - ");
    if (step.has(k::none)) out += "      nobody eligible: " + step.str(k::none) + "\n";
    return;
  }
  if (step.has(k::rep)) {
    render_candidate(out, step, names, "    Rep ");
    return;
  }
  if (step.has(k::account)) {
    out += "    Account: " + step.str(k::account) + "\n";
    return;
  }
  if (const JsonValue* t = step.get(k::territory)) {
    if (t->type == JsonValue::Type::String)
      out += "    Territory: " + t->string + "\n";
    else
      out += "    Territory \"" + step.str(k::name) + "\" (territory " + step.str(k::territory) +
             ")\n";
    return;
  }
  if (step.has(k::queue)) {
    out += "    Queue \"" + step.str(k::queue) + "\"\n";
    return;
  }
  if (step.get(k::nurture)) {
    out += "    Nurture";
    if (step.has(k::nurture)) out += " track \"" + step.str(k::nurture) + "\"";
    out += "\n";
    return;
  }
  if (step.has(k::unsupported_action))
    out += "    Action " + step.str(k::unsupported_action) + " is not available; next rule\n";
}

std::string rule_label(int64_t id, const ExplainNames& names) {
  auto it = names.rules.find(id);
  if (it == names.rules.end()) return "rule " + std::to_string(id) + " (deleted)";
  return "\"" + it->second.name + "\" (priority " + std::to_string(it->second.priority) + ")";
}

std::string outcome_sentence(const ExplainDecision& d, const ExplainNames& names) {
  std::string s;
  if (d.status == "assigned" && d.owner_id) {
    s = "assigned to " + names.rep(*d.owner_id);
  } else if (d.status == "nurture") {
    s = "sent to nurture" + (d.queue ? " track \"" + *d.queue + "\"" : std::string());
  } else {
    s = "placed in queue \"" + d.queue.value_or("") + "\"";
  }
  if (d.rule_id && d.kind != "Escalated") s += " by rule " + rule_label(*d.rule_id, names);
  s += ", routing model " + d.routing_model;
  if (d.fallback) s += " (counted as fallback)";
  return s;
}

}  // namespace

std::string render_explain(const ExplainDecision& d, const ExplainNames& names) {
  std::string out = "Lead " + std::to_string(d.lead_id);
  if (!d.email.empty() || !d.company.empty()) {
    out += " <" + d.email;
    if (!d.email.empty() && !d.company.empty()) out += ", ";
    out += d.company + ">";
  }
  out += "\n" + d.kind;
  if (!d.decided_at.empty()) out += " " + d.decided_at;
  if (d.duration_us) out += " in " + std::to_string(*d.duration_us) + " µs";
  out += ": " + outcome_sentence(d, names) + ".\n";

  if (d.error) {
    out += "\nRouting failed with an error, so the lead was kept in queue \"routing_error\":\n  " +
           *d.error + "\nFix the cause, then call leadroute.reroute(" + std::to_string(d.lead_id) +
           ").\n";
    return out;
  }
  if (d.trace.empty()) return out + "No trace was recorded (leadroute.trace was off).\n";
  JsonValue trace;
  try {
    trace = parse_json(d.trace);
  } catch (const JsonParseError&) {
    return out + "The recorded trace is not valid JSON.\n";
  }
  if (const JsonValue* account = trace.get(k::account)) {
    out += "\nAccount: ";
    if (account->flag(k::none)) {
      out += "no account matched";
    } else {
      out += "\"" + account->str(k::name) + "\" (account " + account->str(k::id) + ", " +
             account->str(k::status) + "), matched by " + account->str(k::tier) + " " +
             account->str(k::key);
      if (account->has(k::similarity)) out += " (similarity " + account->str(k::similarity) + ")";
      if (account->has(k::tie_break)) out += "; " + account->str(k::tie_break);
    }
    if (const JsonValue* tried = account->get(k::tried); tried && account->flag(k::none)) {
      out += tried->array.empty() ? "" : " (tried";
      for (size_t i = 0; i < tried->array.size(); ++i)
        out += (i ? ", " : " ") + tried->array[i].string;
      out += tried->array.empty() ? "" : ")";
    }
    if (const JsonValue* skipped = account->get(k::skipped))
      for (const auto& sk : skipped->array) out += "; skipped " + sk.string;
    out += ".\n";
  }
  if (const JsonValue* esc = trace.get(k::escalation)) {
    out += "\nEscalation " + esc->str(k::breach) + ": " + names.rep(id_of(*esc, k::from)) +
           " did not make first contact in time.\n";
    if (const JsonValue* steps = esc->get(k::steps))
      for (const auto& step : steps->array) {
        if (step.has(k::why)) {
          out += "    Queue \"" + step.str(k::queue) + "\": " + step.str(k::why) + "\n";
          continue;
        }
        render_step(out, step, names);
      }
  }
  const JsonValue* rules = trace.get(k::rules);
  if (rules && !rules->array.empty()) {
    out += "\nRules tried, in priority order:\n";
    for (const auto& r : rules->array) {
      out += "  " + rule_label(id_of(r, k::id), names) + ": ";
      if (r.has(k::miss) || r.has(k::unknown)) {
        out += r.has(k::unknown) ? "cannot match, unknown: " + r.str(k::unknown)
                                 : "no: " + r.str(k::miss);
        render_values(out, r);
        out += "\n";
        continue;
      }
      out += "MATCHED";
      auto it = names.rules.find(id_of(r, k::id));
      if (it != names.rules.end()) out += ", action " + it->second.action;
      out += "\n";
      if (const JsonValue* steps = r.get(k::steps))
        for (const auto& step : steps->array) render_step(out, step, names);
      if (r.has(k::skills)) out += "    Required skills: " + r.str(k::skills) + "\n";
      if (r.has(k::fell_through)) out += "    → " + r.str(k::fell_through) + "; next rule\n";
      if (r.has(k::no_target))
        out += "    → nobody can take the lead, so it goes to the default queue\n";
    }
  } else if (!d.rule_id) {
    out += "\nNo rule applies.\n";
  }
  if (trace.has(k::more_rules))
    out += "  ... and " + trace.str(k::more_rules) + " more rules that did not match\n";
  bool overflowed = false;
  if (rules)
    for (const auto& r : rules->array) overflowed = overflowed || r.has(k::no_target);
  if (trace.has(k::default_queue) && !overflowed)
    out +=
        "\nDefault queue \"" + d.queue.value_or("") + "\": " + trace.str(k::default_queue) + ".\n";
  return out;
}

}  // namespace leadroute
