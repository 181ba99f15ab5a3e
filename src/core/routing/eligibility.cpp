#include "core/routing/eligibility.h"

#include "core/config/skills.h"

namespace leadroute {

Eligibility check(RouteContext& ctx, const Rep& rep, const Demand& demand, bool claim) {
  Eligibility e;
  if (!rep.active) return {false, "inactive", std::nullopt};
  if (!rep.broken.empty()) throw ConfigFault(rep.broken);
  for (const TimeOff& t : rep.time_off) {
    if (!t.contains(ctx.now())) continue;
    e.ok = false;
    e.why = "on time off" + (t.until.empty() ? std::string() : " until " + t.until);
    e.cover = t.backup_id ? t.backup_id : rep.backup_id;
    if (e.cover) {
      const Rep* cover = ctx.config.rep(*e.cover);
      e.why += " (backup: " + (cover ? cover->name : "rep " + std::to_string(*e.cover)) + ")";
    }
    return e;
  }
  if (demand.pool && demand.pool->respect_working_hours && rep.working_hours) {
    const LocalTime& lt = ctx.local_time(rep.timezone);
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
  if (capped(rep)) {
    RepLoad load = ctx.loads.rep_load(rep, claim);
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

const Rep* eligible_cover(RouteContext& ctx, const Rep& rep, const Eligibility& e,
                          const Demand& demand) {
  if (!e.cover || *e.cover == rep.id) return nullptr;
  const Rep* cover = ctx.config.rep(*e.cover);
  if (!cover) return nullptr;
  Eligibility ce = check(ctx, *cover, demand, true);
  if (ce.ok) return cover;
  ctx.trace.candidate_skip(cover->id, ce.why, rep.id);
  return nullptr;
}

std::vector<const Rep*> active_members(const RouteContext& ctx, const Pool& pool) {
  std::vector<const Rep*> out;
  for (const auto& m : pool.members)
    if (const Rep* r = ctx.config.rep(m.rep_id); r && r->active && r->id != ctx.excluded)
      out.push_back(r);
  return out;
}

double weight_of(const Pool& pool, int64_t rep_id) {
  for (const auto& m : pool.members)
    if (m.rep_id == rep_id) return m.weight;
  return 1.0;
}

}  // namespace leadroute
