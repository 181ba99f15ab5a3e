// The keys of a decision trace (leadroute.decisions.trace), in one place: TraceRecorder writes
// them, explain and the backtest judge read them, and docs/sql-reference.md ("The trace") documents
// them. SQL reads two paths as well: resync_rotations() takes `pool` → `candidates` → `ticket`.
#pragma once
#include "core/util/core_guard.h"

#include <string_view>

namespace leadroute::trace_key {

// The document.
inline constexpr std::string_view v = "v";  // trace format version (1)
inline constexpr std::string_view account = "account";
inline constexpr std::string_view rules = "rules";
inline constexpr std::string_view more_rules = "more_rules";        // misses not listed
inline constexpr std::string_view default_queue = "default_queue";  // why the lead went there
inline constexpr std::string_view sla = "sla";
inline constexpr std::string_view error = "error";  // routing failed (routing_error queue)
inline constexpr std::string_view escalation = "escalation";

// The account match.
inline constexpr std::string_view id = "id";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view status = "status";
inline constexpr std::string_view tier = "tier";
inline constexpr std::string_view key = "key";
inline constexpr std::string_view similarity = "similarity";
inline constexpr std::string_view tie_break = "tie_break";
inline constexpr std::string_view none = "none";
inline constexpr std::string_view tried = "tried";
inline constexpr std::string_view skipped = "skipped";

// A rule: missed (the deciding predicate and the lead's values) or matched (its steps).
inline constexpr std::string_view miss = "miss";
inline constexpr std::string_view unknown = "unknown";
inline constexpr std::string_view values = "values";
inline constexpr std::string_view match = "match";
inline constexpr std::string_view steps = "steps";
inline constexpr std::string_view skills = "skills";
inline constexpr std::string_view fell_through = "fell_through";
inline constexpr std::string_view no_target = "no_target";
// Read only: written by traces of earlier versions.
inline constexpr std::string_view unsupported_action = "unsupported_action";

// Steps of a rule's action.
inline constexpr std::string_view queue = "queue";
inline constexpr std::string_view nurture = "nurture";
inline constexpr std::string_view territory = "territory";
inline constexpr std::string_view pool = "pool";
inline constexpr std::string_view strategy = "strategy";
inline constexpr std::string_view overflow = "overflow";
inline constexpr std::string_view candidates = "candidates";

// A candidate: skipped (why) or picked (how).
inline constexpr std::string_view rep = "rep";
inline constexpr std::string_view skip = "skip";
inline constexpr std::string_view pick = "pick";
inline constexpr std::string_view backup_for = "backup_for";
inline constexpr std::string_view owner_of = "owner_of";
inline constexpr std::string_view csm_of = "csm_of";
inline constexpr std::string_view ticket = "ticket";
inline constexpr std::string_view slot = "slot";
inline constexpr std::string_view period = "period";
inline constexpr std::string_view weight = "weight";
inline constexpr std::string_view catch_up = "catch_up";
inline constexpr std::string_view open = "open";
inline constexpr std::string_view load = "load";
inline constexpr std::string_view skill_match = "skill_match";
inline constexpr std::string_view among = "among";
inline constexpr std::string_view converted = "converted";
inline constexpr std::string_view lost = "lost";
inline constexpr std::string_view rate = "rate";
inline constexpr std::string_view sample = "sample";
inline constexpr std::string_view pool_rate = "pool_rate";
inline constexpr std::string_view explore = "explore";
inline constexpr std::string_view points = "points";                // what the lead is worth
inline constexpr std::string_view points_so_far = "points_so_far";  // the rep's, before it

// The SLA clock.
inline constexpr std::string_view policy = "policy";
inline constexpr std::string_view due_us = "due_us";
inline constexpr std::string_view minutes = "minutes";

// An escalation.
inline constexpr std::string_view from = "from";
inline constexpr std::string_view breach = "breach";
inline constexpr std::string_view why = "why";

}  // namespace leadroute::trace_key
