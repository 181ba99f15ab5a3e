// What routing needs from PostgreSQL, as the core's RoutingEnv: rotation turns from each pool's
// sequence; and the enrichment hook.
#pragma once

#include <unordered_map>

#include "core/routing/router.h"
#include "pg/boundary/pg.h"
#include "pg/backend/state.h"

namespace leadroute::pg {

// Live routing: draws turns with nextval, which never waits for another transaction.
// Clock, local time and loads, shared by live routing and preview.
class PgEnvBase : public RoutingEnv {
 public:
  int64_t now_us() override;
  LocalTime local_time(const std::string& timezone) override;
  std::unordered_map<int64_t, RepOutcomes> outcomes(const Pool& pool) override;
  uint64_t performance_seed() override;
  LocalDateTime to_local(int64_t utc_us, const std::string& timezone) override;
  int64_t to_utc(int year, int month, int day, int minute, const std::string& timezone) override;
  void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                     std::vector<AccountRecord>* out) override;
  // Points pools: the members' points over kPointsWindowDays, read once per transaction, plus
  // the picks made since. Preview and shadow rulesets keep their picks to themselves.
  std::unordered_map<int64_t, double> points(const Pool& pool) override;
  void add_points(const Pool& pool, int64_t rep_id, double points) override;

 protected:
  RepLoad count_load(const Rep& rep);

 private:
  std::unordered_map<int64_t, std::unordered_map<int64_t, double>> own_points_;
};

// Live routing: draws turns with nextval, which never waits for another transaction; claims
// capped reps with a transaction-level advisory lock taken without waiting.
class PgRoutingEnv final : public PgEnvBase {
 public:
  int64_t take_ticket(const Pool& pool) override;
  RepLoad rep_load(const Rep& rep, bool claim) override;
  bool claim_owed_turn(const Pool& pool, int64_t rep_id) override;
  void owe_turn(const Pool& pool, int64_t rep_id) override;
  void add_points(const Pool& pool, int64_t rep_id, double points) override;  // the session's
};

// preview(): reads where each rotation stands and counts forward privately; moves nothing.
class PeekRoutingEnv final : public PgEnvBase {
 public:
  int64_t take_ticket(const Pool& pool) override;
  RepLoad rep_load(const Rep& rep, bool claim) override;  // counts, never claims

 private:
  std::unordered_map<int64_t, int64_t> next_;
};

// Shadow rulesets: turns from each pool's shadow counter (the live rotation never moves for
// them); loads are counted, never claimed (a shadow decision assigns nobody).
class ShadowRoutingEnv final : public PgEnvBase {
 public:
  int64_t take_ticket(const Pool& pool) override;
  RepLoad rep_load(const Rep& rep, bool claim) override;
};

// Calls leadroute.enrichment_function on the row, if one is set, and returns the row with the
// function's input columns (C++ style: errors arrive as PgError).
HeapTuple enrich_lead(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout);

// Time zones by PostgreSQL's rules (for SLA clocks outside routing too).
class PgZoneClock final : public ZoneClock {
 public:
  LocalDateTime to_local(int64_t utc_us, const std::string& timezone) override;
  int64_t to_utc(int year, int month, int day, int minute, const std::string& timezone) override;
};

// The time routing uses: leadroute.now when set, else the start of the current statement
// (PostgreSQL's epoch).
TimestampTz routing_now();

// Called when pg_proc changes: the enrichment function is looked up again before its next call.
void forget_enrichment_function();

}  // namespace leadroute::pg
