#include "explain.h"

#include "json.h"
#include "value.h"

namespace leadroute {

namespace {

std::string rep_label(const JsonValue& v) {
  std::string name = v.str("rep");
  std::string id = v.str("rep_id");
  if (name.empty()) return "rep " + id;
  return name + " (rep " + id + ")";
}

void render_values(std::string& out, const JsonValue& rule) {
  const JsonValue* values = rule.get("values");
  if (!values || values->object.empty()) return;
  out += "  (";
  bool first = true;
  for (const auto& kv : values->object) {
    if (!first) out += ", ";
    first = false;
    std::string v = kv.second.type == JsonValue::Type::String ? kv.second.string : "NULL";
    out += kv.first + (v == "NULL" ? " is NULL" : " is " + v);
  }
  out += ")";
}

void render_candidate(std::string& out, const JsonValue& c) {
  out += "      - " + rep_label(c) + ": ";
  if (c.flag("picked")) {
    out += "picked";
    if (c.has("backup_for")) out += " as backup for " + c.str("backup_for");
    if (c.has("ticket")) {
      out += ", turn " + c.str("ticket") + " lands on slot " + c.str("slot") + " of " +
             c.str("period") + " in the rotation";
      if (c.has("weight")) out += " (weight " + c.str("weight") + ")";
    }
  } else {
    out += "skipped, " + c.str("skipped");
    if (c.has("backup_for")) out += " (backup for " + c.str("backup_for") + ")";
  }
  out += "\n";
}

void render_step(std::string& out, const JsonValue& step) {
  if (step.has("pool_id")) {
    out += "    Pool \"" + step.str("pool") + "\" (" + step.str("strategy") +
           (step.flag("overflow") ? ", overflow" : "") + "):\n";
    if (const JsonValue* cands = step.get("candidates"))
      for (const auto& c : cands->array) render_candidate(out, c);
    if (step.has("result")) out += "      nobody eligible: " + step.str("result") + "\n";
    return;
  }
  if (step.has("rep_id")) {
    out += "    Rep ";
    std::string line;
    render_candidate(line, step);
    out += line.substr(line.find("- ") + 2);
    return;
  }
  if (step.has("queue")) {
    out += "    Queue \"" + step.str("queue") + "\"\n";
    return;
  }
  if (step.get("nurture")) {
    out += "    Nurture" + (step.has("nurture") ? " track \"" + step.str("nurture") + "\"" : "") + "\n";
    return;
  }
  if (step.has("unsupported_action"))
    out += "    Action " + step.str("unsupported_action") + " is not available; next rule\n";
}

std::string outcome_sentence(const JsonValue& result, const JsonValue* matched_rule) {
  std::string status = result.str("status");
  std::string s;
  if (status == "assigned") {
    std::string owner = result.str("owner");
    s = "assigned to " + (owner.empty() ? "rep " + result.str("owner_id")
                                        : owner + " (rep " + result.str("owner_id") + ")");
  } else if (status == "nurture") {
    s = "sent to nurture" + (result.has("queue") ? " track \"" + result.str("queue") + "\"" : "");
  } else {
    s = "placed in queue \"" + result.str("queue") + "\"";
  }
  if (matched_rule)
    s += " by rule \"" + matched_rule->str("name") + "\" (priority " +
         matched_rule->str("priority") + ")";
  s += ", routing model " + result.str("routing_model");
  if (result.flag("fallback")) s += " (counted as fallback)";
  return s;
}

}  // namespace

std::string render_explain(const ExplainHeader& h, std::string_view trace_json) {
  std::string out = "Lead " + std::to_string(h.lead_id);
  if (!h.email.empty() || !h.company.empty()) {
    out += " <";
    out += h.email;
    if (!h.email.empty() && !h.company.empty()) out += ", ";
    out += h.company + ">";
  }
  out += "\n";
  if (trace_json.empty()) {
    out += h.kind + " " + h.decided_at + "; no trace was recorded (leadroute.trace = off)\n";
    return out;
  }
  JsonValue trace;
  try {
    trace = parse_json(trace_json);
  } catch (const JsonParseError&) {
    return out + "the recorded trace is not valid JSON\n";
  }
  const JsonValue* result = trace.get("result");
  const JsonValue* rules = trace.get("rules");
  const JsonValue* matched = nullptr;
  if (rules)
    for (const auto& r : rules->array)
      if (r.flag("matched") && !r.has("fell_through")) matched = &r;

  std::string when = h.decided_at.empty() ? "" : " " + h.decided_at;
  std::string took = h.duration_us ? " in " + std::to_string(*h.duration_us) + " µs" : "";
  out += h.kind + when + took + ": ";
  out += result ? outcome_sentence(*result, matched) : "no outcome recorded";
  out += ".\n";

  if (trace.has("error")) {
    out += "\nRouting failed with an error, so the lead was kept in queue \"routing_error\":\n  " +
           trace.str("error") + "\nFix the cause, then call leadroute.reroute(" +
           std::to_string(h.lead_id) + ").\n";
    return out;
  }

  if (rules && !rules->array.empty()) {
    out += "\nRules tried, in priority order:\n";
    for (const auto& r : rules->array) {
      out += "  " + r.str("priority") + "  \"" + r.str("name") + "\": ";
      if (!r.flag("matched")) {
        out += r.flag("unknown") ? "unknown, cannot match: " : "no: ";
        out += r.str("predicate");
        render_values(out, r);
        out += "\n";
        continue;
      }
      out += "MATCHED";
      if (r.has("condition")) out += " (" + r.str("condition") + ")";
      out += ", action " + r.str("action") + "\n";
      if (const JsonValue* steps = r.get("steps"))
        for (const auto& s : steps->array) render_step(out, s);
      if (r.has("fell_through")) out += "    → " + r.str("fell_through") + "; next rule\n";
    }
  }
  if (trace.has("rules_not_listed"))
    out += "  ... and " + trace.str("rules_not_listed") + " more rules that did not match\n";
  if (const JsonValue* dq = trace.get("default_queue"))
    out += "\nDefault queue \"" + dq->str("queue") + "\": " + dq->str("reason") + ".\n";
  return out;
}

}  // namespace leadroute
