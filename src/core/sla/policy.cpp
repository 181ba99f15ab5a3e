#include "core/sla/policy.h"

namespace leadroute {

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

}  // namespace leadroute
