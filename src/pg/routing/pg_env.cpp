#include "pg/routing/pg_env.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "pg/routing/accounts.h"
#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/records/record_writer.h"
#include "pg/boundary/spi_util.h"

extern "C" {
#include "access/xlog.h"  // RecoveryInProgress
}

namespace leadroute::pg {

namespace {

Oid require_cursor(const Pool& pool) {
  Oid seq = static_cast<Oid>(pool.cursor_handle);
  if (!OidIsValid(seq))
    throw UserError(
        ERRCODE_UNDEFINED_OBJECT, "pool \"" + pool.name + "\" has no rotation counter",
        "The sequence leadroute._pool_turns_" + std::to_string(pool.id) + " is missing.",
        "Recreate it from the recorded decisions: SELECT * FROM leadroute.resync_rotation();");
  return seq;
}

// The next value nextval would return, read without moving the sequence (C style).
int64_t peek_sequence(Oid seq) {
  char* name = quote_qualified_identifier("leadroute", get_rel_name(seq));
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql, "SELECT last_value, is_called FROM %s", name);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  if (SPI_execute(sql.data, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "could not read rotation counter %s", name);
  bool isnull;
  int64_t last =
      DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  bool called =
      DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
  SPI_finish();
  return called ? last + 1 : last;
}

// On a standby the sequence shows the value the primary WAL-logged, up to 32 turns ahead of
// the turns it gave: the next turn is the one after the last turn the decisions recorded
// (leadroute._recorded_turn), as the primary would see it. 0 when none is recorded (C style).
int64_t recorded_next_turn(int64_t pool_id) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(pool_id)};
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  int ret = SPI_execute_with_args("SELECT leadroute._recorded_turn($1)", 1, types, values, nullptr,
                                  true, 1);
  if (ret != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "could not read the recorded turns of pool %lld", static_cast<long long>(pool_id));
  bool isnull;
  int64_t last =
      DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  SPI_finish();
  return isnull ? 0 : last + 1;
}

// Advisory lock class for claiming reps: pg_locks shows (classid, objid) = (1819438965, rep id).
constexpr uint32 kRepLockClass = 0x6C726F75;  // "lrou"

char g_now_text[128] = "";
TimestampTz g_now_value = 0;

}  // namespace

TimestampTz routing_now() {
  const char* text = guc_now;
  // The statement's start: one instant for everything a statement routes (routed_at, the SLA
  // clock, working hours, daily caps), as now() is one instant for a transaction.
  if (!text || text[0] == '\0') return GetCurrentStatementStartTimestamp();
  if (std::strncmp(text, g_now_text, sizeof g_now_text) != 0) {
    g_now_value = DatumGetTimestampTz(DirectFunctionCall3(
        timestamptz_in, CStringGetDatum(text), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
    strlcpy(g_now_text, text, sizeof g_now_text);
  }
  return g_now_value;
}

namespace {

pg_tz* time_zone(const char* name) {
  pg_tz* tz = pg_tzset(name);
  if (!tz)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown time zone \"%s\"", name)));
  return tz;
}

struct LocalParts {
  int year, month, day, weekday, minute;
};

LocalParts local_parts(TimestampTz ts, const char* zone) {
  pg_tz* tz = time_zone(zone);
  struct pg_tm tm;
  fsec_t fsec;
  int offset;
  if (timestamp2tm(ts, &offset, &tm, &fsec, nullptr, tz) != 0)
    ereport(ERROR,
            (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  LocalParts p;
  p.year = tm.tm_year;
  p.month = tm.tm_mon;
  p.day = tm.tm_mday;
  p.weekday = (j2day(date2j(tm.tm_year, tm.tm_mon, tm.tm_mday)) + 6) % 7;
  p.minute = tm.tm_hour * 60 + tm.tm_min;
  return p;
}

// Weekday (0 = Monday) and minute of an instant in a time zone, by PostgreSQL's rules (DST), with
// the text explanations show ("Tue 18:30").
struct LocalClock {
  int weekday, minute;
  char text[16];
};

LocalClock local_clock(TimestampTz at, const char* zone) {
  LocalParts p = local_parts(at, zone);
  static const char* const kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  LocalClock c;
  c.weekday = p.weekday;
  c.minute = p.minute;
  snprintf(c.text, sizeof c.text, "%s %02d:%02d", kDays[p.weekday], p.minute / 60, p.minute % 60);
  return c;
}

// The instant of a local date and minute (1440 = next midnight), DST-aware.
TimestampTz local_instant(int year, int month, int day, int minute, const char* zone) {
  pg_tz* tz = time_zone(zone);
  if (minute >= 1440) {
    int j = date2j(year, month, day) + minute / 1440;
    j2date(j, &year, &month, &day);
    minute %= 1440;
  }
  struct pg_tm tm = {};
  tm.tm_year = year;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = minute / 60;
  tm.tm_min = minute % 60;
  int offset = DetermineTimeZoneOffset(&tm, tz);
  TimestampTz ts;
  if (tm2timestamp(&tm, 0, &offset, &ts) != 0)
    ereport(ERROR,
            (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  return ts;
}

// Local midnight of routing_now() in a time zone, as timestamptz (DST-aware).
TimestampTz local_midnight(const char* zone) {
  pg_tz* tz = time_zone(zone);
  struct pg_tm tm;
  fsec_t fsec;
  int offset;
  if (timestamp2tm(routing_now(), &offset, &tm, &fsec, nullptr, tz) != 0)
    ereport(ERROR,
            (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  int midnight_offset = DetermineTimeZoneOffset(&tm, tz);
  TimestampTz midnight;
  if (tm2timestamp(&tm, 0, &midnight_offset, &midnight) != 0)
    ereport(ERROR,
            (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  return midnight;
}

// A snapshot that sees everything committed now, plus this transaction's rows up to and including
// the current command (the rows an INSERT ... SELECT or COPY has stored so far).
Snapshot counting_snapshot() {
  Snapshot snap = RegisterSnapshot(GetLatestSnapshot());
  snap->curcid = GetCurrentCommandId(false) + 1;
  return snap;
}

// Visible index entries equal to the keys (first columns of the index).
int32 count_index(Oid heap_oid, Oid index_oid, ScanKeyData* keys, int nkeys) {
  Relation heap = table_open(heap_oid, AccessShareLock);
  Relation index = index_open(index_oid, AccessShareLock);
  Snapshot snap = counting_snapshot();
  IndexScanDesc scan = index_beginscan(heap, index, snap, nkeys, 0);
  index_rescan(scan, keys, nkeys, nullptr, 0);
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  int32 n = 0;
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) ++n;
  ExecDropSingleTupleTableSlot(slot);
  index_endscan(scan);
  UnregisterSnapshot(snap);
  index_close(index, NoLock);
  table_close(heap, NoLock);
  return n;
}

// Leads the rep owns and has not closed (status assigned or contacted).
int32 count_open_leads(int64 rep_id) {
  const Catalog& c = resolve_catalog();
  Relation index = index_open(c.leads_owner_open_idx, AccessShareLock);
  ScanKeyData key;
  ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid, index->rd_indcollation[0],
                         F_INT8EQ, Int64GetDatum(rep_id));
  index_close(index, NoLock);
  return count_index(c.leads, c.leads_owner_open_idx, &key, 1);
}

// Leads assigned to the rep since local midnight, written or still buffered in this statement.
int32 count_assigned_since_midnight(int64 rep_id, const char* zone) {
  const Catalog& c = resolve_catalog();
  TimestampTz midnight = local_midnight(zone);
  ScanKeyData keys[2];
  ScanKeyEntryInitialize(&keys[0], 0, 1, BTEqualStrategyNumber, InvalidOid, InvalidOid, F_INT8EQ,
                         Int64GetDatum(rep_id));
  ScanKeyEntryInitialize(&keys[1], 0, 2, BTGreaterEqualStrategyNumber, InvalidOid, InvalidOid,
                         F_TIMESTAMPTZ_GE, TimestampTzGetDatum(midnight));
  return count_index(c.assignments, c.assignments_rep_time_idx, keys, 2) +
         pending_assignments(rep_id, midnight);
}

// Takes the rep for this transaction without waiting; false when another transaction has it.
bool claim_rep(int64 rep_id) {
  LOCKTAG tag;
  SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, kRepLockClass, static_cast<uint32>(rep_id), 2);
  return LockAcquire(&tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL;
}

// One owed turn of (pool, rep), taken without waiting for other sessions' claims.
bool claim_owed(int64 pool_id, int64 rep_id) {
  Oid types[2] = {INT8OID, INT8OID};
  Datum values[2] = {Int64GetDatum(pool_id), Int64GetDatum(rep_id)};
  spi_connect();
  int ret = SPI_execute_with_args(
      "DELETE FROM leadroute._owed_turns WHERE id OPERATOR(pg_catalog.=) ("
      " SELECT id FROM leadroute._owed_turns"
      "  WHERE pool_id OPERATOR(pg_catalog.=) $1 AND rep_id OPERATOR(pg_catalog.=) $2"
      "  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id",
      2, types, values, nullptr, false, 1);
  bool claimed = ret == SPI_OK_DELETE_RETURNING && SPI_processed == 1;
  spi_finish();
  return claimed;
}

// Points pools: each member's points from the pool over kPointsWindowDays, read once per
// transaction (the local transaction id: an INSERT's first row runs before it has an xid) and
// then kept up to date with the picks this session makes, which are not flushed yet. A
// subtransaction rolled back after a pick leaves its points counted until the transaction ends.
struct CachedPoints {
  std::unordered_map<int64_t, double> reps;
  LocalTransactionId loaded_in = InvalidLocalTransactionId;
};
std::unordered_map<int64_t, CachedPoints>* g_points = nullptr;

// Rows of (rep id, up to two numbers) a query returns for a pool, in the caller's memory
// (C style). Both the performance statistics and the points come this way.
struct RepNumbers {
  int n;
  int64* rep;
  double* first;
  double* second;
};

// Runs `sql` (two parameters) and copies its rows out of SPI (C style).
RepNumbers query_rep_numbers(const char* what, const char* sql, Oid* types, Datum* values) {
  MemoryContext caller = CurrentMemoryContext;
  spi_connect();
  int ret = SPI_execute_with_args(sql, 2, types, values, nullptr, true, 0);
  if (ret != SPI_OK_SELECT) elog(ERROR, "could not read %s: %s", what, SPI_result_code_string(ret));
  RepNumbers rows;
  rows.n = static_cast<int>(SPI_processed);
  int columns = SPI_tuptable->tupdesc->natts;
  rows.rep = static_cast<int64*>(MemoryContextAlloc(caller, sizeof(int64) * (rows.n + 1)));
  rows.first = static_cast<double*>(MemoryContextAlloc(caller, sizeof(double) * (rows.n + 1)));
  rows.second = static_cast<double*>(MemoryContextAlloc(caller, sizeof(double) * (rows.n + 1)));
  for (int i = 0; i < rows.n; ++i) {
    bool isnull;
    HeapTuple t = SPI_tuptable->vals[i];
    rows.rep[i] = DatumGetInt64(SPI_getbinval(t, SPI_tuptable->tupdesc, 1, &isnull));
    rows.first[i] = DatumGetFloat8(SPI_getbinval(t, SPI_tuptable->tupdesc, 2, &isnull));
    rows.second[i] =
        columns > 2 ? DatumGetFloat8(SPI_getbinval(t, SPI_tuptable->tupdesc, 3, &isnull)) : 0;
  }
  spi_finish();
  return rows;
}

// The window of a pool's statistics ends at routing's now (leadroute.now in tests and backtests).
TimestampTz window_start(int days) {
  return routing_now() - static_cast<TimestampTz>(days) * USECS_PER_DAY;
}

// Each member's points from the pool over kPointsWindowDays (C style).
RepNumbers query_points(const Pool& pool) {
  Oid types[2] = {INT8OID, TIMESTAMPTZOID};
  Datum values[2] = {Int64GetDatum(pool.id), TimestampTzGetDatum(window_start(kPointsWindowDays))};
  return query_rep_numbers(
      "points",
      "SELECT rep_id, pg_catalog.sum(points)::pg_catalog.float8 FROM leadroute.assignments"
      " WHERE pool_id OPERATOR(pg_catalog.=) $1 AND points IS NOT NULL AND rep_id IS NOT NULL"
      "   AND assigned_at OPERATOR(pg_catalog.>=) $2"
      " GROUP BY rep_id",
      types, values);
}

const std::unordered_map<int64_t, double>& session_points(const Pool& pool) {
  if (!g_points) g_points = new std::unordered_map<int64_t, CachedPoints>();
  CachedPoints& cached = (*g_points)[pool.id];
  if (cached.loaded_in != MyProc->lxid || cached.loaded_in == InvalidLocalTransactionId) {
    RepNumbers rows = pg_call([&] { return query_points(pool); });
    cached.reps.clear();
    for (int i = 0; i < rows.n; ++i) cached.reps[rows.rep[i]] = rows.first[i];
    cached.loaded_in = MyProc->lxid;
  }
  return cached.reps;
}

constexpr int kPerformanceWindowDays = 180;

// Converted and lost leads per member over kPerformanceWindowDays, cached per session for
// leadroute.performance_refresh seconds (0: per transaction).
struct CachedOutcomes {
  std::unordered_map<int64_t, RepOutcomes> reps;
  TimestampTz loaded_at = 0;
  TransactionId loaded_in = InvalidTransactionId;
};
std::unordered_map<int64_t, CachedOutcomes>* g_outcomes = nullptr;

// Converted and lost leads per member over kPerformanceWindowDays (C style).
RepNumbers query_outcomes(const Pool& pool) {
  int n = static_cast<int>(pool.members.size());
  Datum* ids = static_cast<Datum*>(palloc(sizeof(Datum) * (n + 1)));
  for (int i = 0; i < n; ++i) ids[i] = Int64GetDatum(pool.members[i].rep_id);
  ArrayType* array = construct_array(ids, n, INT8OID, 8, true, TYPALIGN_DOUBLE);
  Oid types[2] = {INT8ARRAYOID, TIMESTAMPTZOID};
  Datum values[2] = {PointerGetDatum(array),
                     TimestampTzGetDatum(window_start(kPerformanceWindowDays))};
  return query_rep_numbers(
      "outcomes",
      "SELECT owner_id,"
      "  (pg_catalog.count(*) FILTER (WHERE status OPERATOR(pg_catalog.=) 'converted'))"
      "::pg_catalog.float8,"
      "  (pg_catalog.count(*) FILTER (WHERE status OPERATOR(pg_catalog.=) 'lost'))"
      "::pg_catalog.float8"
      " FROM leadroute.leads"
      " WHERE owner_id OPERATOR(pg_catalog.=) ANY ($1) AND status IN ('converted', 'lost')"
      "   AND routed_at OPERATOR(pg_catalog.>=) $2"
      " GROUP BY owner_id",
      types, values);
}

std::unordered_map<int64_t, RepOutcomes> pool_outcomes(const Pool& pool) {
  if (!g_outcomes) g_outcomes = new std::unordered_map<int64_t, CachedOutcomes>();
  CachedOutcomes& cached = (*g_outcomes)[pool.id];
  TimestampTz now = GetCurrentTimestamp();
  TransactionId xid = pg_call([] { return GetTopTransactionIdIfAny(); });
  bool fresh =
      guc_performance_refresh > 0
          ? now - cached.loaded_at < static_cast<int64_t>(guc_performance_refresh) * USECS_PER_SEC
          : (cached.loaded_at != 0 && cached.loaded_in == xid && xid != InvalidTransactionId);
  if (!fresh || cached.loaded_at == 0) {
    RepNumbers rows = pg_call([&] { return query_outcomes(pool); });
    cached.reps.clear();
    for (int i = 0; i < rows.n; ++i)
      cached.reps[rows.rep[i]] =
          RepOutcomes{static_cast<int64_t>(rows.first[i]), static_cast<int64_t>(rows.second[i])};
    cached.loaded_at = now;
    cached.loaded_in = xid;
  }
  return cached.reps;
}

// Enrichment function cache: resolved again whenever the setting changes or a call fails.
char g_enrichment_name[1024] = "";
Oid g_enrichment_oid = InvalidOid;

Oid lookup_enrichment(const char* name, Oid row_type) {
  List* names = stringToQualifiedNameList(name);
  Oid argtypes[1] = {row_type};
  Oid fn = LookupFuncName(names, 1, argtypes, true);
  if (!OidIsValid(fn))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("enrichment function %s(leadroute.leads) does not exist", name),
                    errhint("Create it, or reset leadroute.enrichment_function.")));
  if (get_func_rettype(fn) != row_type)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("enrichment function %s must return leadroute.leads", name)));
  return fn;
}

HeapTuple call_enrichment(Oid fn, HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  Datum row = heap_copy_tuple_as_datum(tuple, tupdesc);
  Datum result = OidFunctionCall1(fn, row);  // a NULL result raises inside fmgr
  HeapTupleHeader header = DatumGetHeapTupleHeader(result);
  HeapTupleData enriched;
  enriched.t_len = HeapTupleHeaderGetDatumLength(header);
  ItemPointerSetInvalid(&enriched.t_self);
  enriched.t_tableOid = InvalidOid;
  enriched.t_data = header;
  // Take the function's input columns; the routing outputs and the id stay ours.
  int natts = tupdesc->natts;
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
  bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
  auto take = [&](AttrNumber attnum) {
    if (attnum <= 0) return;
    values[attnum - 1] = heap_getattr(&enriched, attnum, tupdesc, &nulls[attnum - 1]);
    replace[attnum - 1] = true;
  };
  for (AttrNumber attnum : layout.input) take(attnum);
  take(layout.attributes);
  return heap_modify_tuple(tuple, tupdesc, values, nulls, replace);
}

}  // namespace

int64_t PgRoutingEnv::take_ticket(const Pool& pool) {
  Oid seq = require_cursor(pool);
  return pg_call([&] { return nextval_internal(seq, false); });
}

void PgEnvBase::find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                              std::vector<AccountRecord>* out) {
  leadroute::pg::find_accounts(lookup, key, threshold, out);
}

int64_t PgEnvBase::now_us() {
  TimestampTz now = pg_call([] { return routing_now(); });
  return to_unix(now);
}

// At now_us(): the routing clock, or the lead's own time in a backtest.
LocalTime PgEnvBase::local_time(const std::string& timezone) {
  TimestampTz at = to_pg(now_us());
  LocalClock l = pg_call([&] { return local_clock(at, timezone.c_str()); });
  return LocalTime{l.weekday, l.minute, l.text};
}

uint64_t PgEnvBase::performance_seed() {
  return static_cast<uint64_t>(guc_performance_seed);
}

std::unordered_map<int64_t, RepOutcomes> PgEnvBase::outcomes(const Pool& pool) {
  return pool_outcomes(pool);
}

std::unordered_map<int64_t, double> PgEnvBase::points(const Pool& pool) {
  std::unordered_map<int64_t, double> out = session_points(pool);
  auto own = own_points_.find(pool.id);
  if (own != own_points_.end())
    for (const auto& [rep, p] : own->second) out[rep] += p;
  return out;
}

void PgEnvBase::add_points(const Pool& pool, int64_t rep_id, double p) {
  own_points_[pool.id][rep_id] += p;
}

void PgRoutingEnv::add_points(const Pool& pool, int64_t rep_id, double p) {
  (void)session_points(pool);  // loaded before the pick is added
  (*g_points)[pool.id].reps[rep_id] += p;
}

LocalDateTime PgZoneClock::to_local(int64_t utc_us, const std::string& timezone) {
  LocalParts p = pg_call([&] { return local_parts(to_pg(utc_us), timezone.c_str()); });
  LocalDateTime t;
  t.year = p.year;
  t.month = p.month;
  t.day = p.day;
  t.weekday = p.weekday;
  t.minute = p.minute;
  return t;
}

int64_t PgZoneClock::to_utc(int year, int month, int day, int minute, const std::string& timezone) {
  TimestampTz ts =
      pg_call([&] { return local_instant(year, month, day, minute, timezone.c_str()); });
  return to_unix(ts);
}

LocalDateTime PgEnvBase::to_local(int64_t utc_us, const std::string& timezone) {
  return PgZoneClock().to_local(utc_us, timezone);
}

int64_t PgEnvBase::to_utc(int year, int month, int day, int minute, const std::string& timezone) {
  return PgZoneClock().to_utc(year, month, day, minute, timezone);
}

RepLoad PgEnvBase::count_load(const Rep& rep) {
  struct Counts {
    int32 open, today;
  };
  bool need_today = rep.max_daily_leads.has_value();
  Counts c = pg_call([&] {
    Counts out{0, 0};
    out.open = count_open_leads(rep.id);
    if (need_today) out.today = count_assigned_since_midnight(rep.id, rep.timezone.c_str());
    return out;
  });
  RepLoad load;
  load.open = c.open;
  load.today = c.today;
  return load;
}

RepLoad PgRoutingEnv::rep_load(const Rep& rep, bool claim) {
  if (claim && !pg_call([&] { return claim_rep(rep.id); })) {
    RepLoad busy;
    busy.busy = true;
    return busy;
  }
  return count_load(rep);
}

RepLoad PeekRoutingEnv::rep_load(const Rep& rep, bool) {
  return count_load(rep);
}

bool PgRoutingEnv::claim_owed_turn(const Pool& pool, int64_t rep_id) {
  return pg_call([&] { return claim_owed(pool.id, rep_id); });
}

void PgRoutingEnv::owe_turn(const Pool& pool, int64_t rep_id) {
  // At most one rotation period of owed turns, and at least 10: a rep away for a month is not
  // owed a month of leads.
  buffer_owed_turn(pool.id, rep_id, std::max(10, static_cast<int>(pool.schedule.size())));
}

int64_t PeekRoutingEnv::take_ticket(const Pool& pool) {
  auto it = next_.find(pool.id);
  if (it == next_.end()) {
    Oid seq = require_cursor(pool);
    int64_t next = pg_call([&] {
      int64_t recorded = RecoveryInProgress() ? recorded_next_turn(pool.id) : 0;
      return recorded > 0 ? recorded : peek_sequence(seq);
    });
    it = next_.emplace(pool.id, next).first;
  }
  return it->second++;
}

int64_t ShadowRoutingEnv::take_ticket(const Pool& pool) {
  Oid seq = static_cast<Oid>(pool.shadow_cursor_handle);
  if (!OidIsValid(seq))
    throw UserError(
        ERRCODE_UNDEFINED_OBJECT,
        "pool \"" + pool.name + "\" has no rotation counter for shadow rulesets",
        "The sequence leadroute._pool_turns_" + std::to_string(pool.id) + "_shadow is missing.",
        "Recreate it from the recorded decisions: SELECT * FROM leadroute.resync_rotation();");
  return pg_call([&] { return nextval_internal(seq, false); });
}

RepLoad ShadowRoutingEnv::rep_load(const Rep& rep, bool) {
  return count_load(rep);
}

void forget_enrichment_function() {
  g_enrichment_oid = InvalidOid;
}

HeapTuple enrich_lead(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  const char* name = guc_enrichment_function;
  if (!name || name[0] == '\0') return tuple;
  if (std::strncmp(name, g_enrichment_name, sizeof g_enrichment_name) != 0 ||
      !OidIsValid(g_enrichment_oid)) {
    Oid row_type = pg_call([&] { return get_rel_type_id(layout.relid); });
    g_enrichment_oid = pg_call([&] { return lookup_enrichment(name, row_type); });
    std::strncpy(g_enrichment_name, name, sizeof g_enrichment_name - 1);
  }
  Oid fn = g_enrichment_oid;
  g_enrichment_oid = InvalidOid;  // resolved again after a failure
  HeapTuple result = pg_call([&] { return call_enrichment(fn, tuple, tupdesc, layout); });
  g_enrichment_oid = fn;
  return result;
}

}  // namespace leadroute::pg
