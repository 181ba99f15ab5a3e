#include "pg/backend/gucs.h"

#include "pg/boundary/pg.h"

namespace leadroute::pg {

bool guc_enabled = true;
char* guc_default_queue = nullptr;
int guc_on_error = ON_ERROR_QUEUE;
int guc_max_escalations = 2;
double guc_fuzzy_match_threshold = 0.0;
int guc_trace = TRACE_FULL;
char* guc_enrichment_function = nullptr;
bool guc_notify = true;
char* guc_now = nullptr;
int guc_performance_seed = 0;
int guc_performance_refresh = 60;

namespace {

const struct config_enum_entry on_error_options[] = {
    {"queue", ON_ERROR_QUEUE, false},
    {"raise", ON_ERROR_RAISE, false},
    {nullptr, 0, false},
};

const struct config_enum_entry trace_options[] = {
    {"full", TRACE_FULL, false},
    {"compact", TRACE_COMPACT, false},
    {"off", TRACE_OFF, false},
    {nullptr, 0, false},
};

// leadroute.now must be a timestamp: checked when set (with PostgreSQL's own date parser, which
// reports errors instead of raising them), so that a typo fails the SET, not every later INSERT.
bool check_now(char** newval, void**, GucSource) {
  if (*newval == nullptr || (*newval)[0] == '\0') return true;
  char workbuf[MAXDATELEN + MAXDATEFIELDS];
  char* field[MAXDATEFIELDS];
  int ftype[MAXDATEFIELDS];
  int nf = 0;
  int dtype = 0;
  int tz = 0;
  struct pg_tm tm = {};
  fsec_t fsec = 0;
  TimestampTz parsed;
  int dterr = ParseDateTime(*newval, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf);
  if (dterr == 0) dterr = DecodeDateTime(field, ftype, nf, &dtype, &tm, &fsec, &tz);
  if (dterr != 0 || dtype != DTK_DATE || tm2timestamp(&tm, fsec, &tz, &parsed) != 0) {
    GUC_check_errdetail("\"%s\" is not a timestamp.", *newval);
    GUC_check_errhint(
        "Use a timestamp with a time zone, e.g. '2026-03-04 15:00:00+00', or '' for the clock.");
    return false;
  }
  return true;
}

bool check_queue_name(char** newval, void**, GucSource) {
  if (*newval == nullptr || (*newval)[0] == '\0') {
    GUC_check_errdetail("The default queue needs a name.");
    return false;
  }
  return true;
}

}  // namespace

void define_gucs() {
  DefineCustomBoolVariable("leadroute.enabled", "Routes leads as they are inserted.",
                           "When off, new leads are parked in the default queue unrouted; "
                           "leadroute.reroute() routes them later.",
                           &guc_enabled, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "leadroute.default_queue", "Queue for leads that no rule places and for overflow.",
      "Leads placed here count as fallback in the metrics.", &guc_default_queue, "unrouted",
      PGC_SUSET, 0, check_queue_name, nullptr, nullptr);
  DefineCustomEnumVariable("leadroute.on_error", "What a routing failure does to the INSERT.",
                           "queue: the lead is stored in queue routing_error with a WARNING; "
                           "raise: the INSERT fails.",
                           &guc_on_error, ON_ERROR_QUEUE, on_error_options, PGC_USERSET, 0, nullptr,
                           nullptr, nullptr);
  DefineCustomIntVariable("leadroute.max_escalations",
                          "Escalations before an overdue lead moves to its manager's queue.",
                          nullptr, &guc_max_escalations, 2, 0, 100, PGC_SUSET, 0, nullptr, nullptr,
                          nullptr);
  DefineCustomRealVariable("leadroute.fuzzy_match_threshold",
                           "Similarity (0-1) above which company names match fuzzily; 0 = off.",
                           nullptr, &guc_fuzzy_match_threshold, 0.0, 0.0, 1.0, PGC_SUSET, 0,
                           nullptr, nullptr, nullptr);
  DefineCustomEnumVariable("leadroute.trace", "How much of each decision is recorded.",
                           "full: every rule tried and every candidate; compact: the outcome; "
                           "off: no trace.",
                           &guc_trace, TRACE_FULL, trace_options, PGC_SUSET, 0, nullptr, nullptr,
                           nullptr);
  DefineCustomStringVariable("leadroute.enrichment_function",
                             "Function (leadroute.leads) returning leadroute.leads, called to fill "
                             "missing fields before routing.",
                             "Empty: no enrichment. It runs with the extension owner's rights.",
                             &guc_enrichment_function, "", PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable("leadroute.notify",
                           "Wakes LISTEN leadroute sessions when leads are routed.",
                           "A constant payload, once per transaction; the outbox "
                           "(leadroute.notifications) is written either way.",
                           &guc_notify, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable("leadroute.now",
                             "The time routing uses instead of the clock ('' = the clock).",
                             "For tests and backtests: working hours, time off and daily caps are "
                             "judged at this time, and routed_at is set to it.",
                             &guc_now, "", PGC_SUSET, 0, check_now, nullptr, nullptr);
  DefineCustomIntVariable("leadroute.performance_seed",
                          "Seed of performance routing's random draws (0 = a random seed).",
                          "With a seed, the same leads in the same order get the same reps.",
                          &guc_performance_seed, 0, 0, INT_MAX, PGC_SUSET, 0, nullptr, nullptr,
                          nullptr);
  DefineCustomIntVariable("leadroute.performance_refresh",
                          "How long each session keeps a pool's conversion statistics.",
                          "0 re-reads them for every transaction.", &guc_performance_refresh, 60, 0,
                          86400, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("leadroute");
}

}  // namespace leadroute::pg
