// Renders a decision trace (the JSON recorded in leadroute.decisions) as text for a sales-ops
// person: each rule tried and why it did not match, the target, the candidates and the pick.
#pragma once
#include "core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadroute {

struct ExplainHeader {
  int64_t lead_id = 0;
  std::string email;
  std::string company;
  std::string decided_at;  // already formatted
  std::optional<int64_t> duration_us;
  std::string kind = "routed";  // routed, rerouted, escalated, preview
};

std::string render_explain(const ExplainHeader& header, std::string_view trace_json);

}  // namespace leadroute
