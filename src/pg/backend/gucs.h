// Settings under leadroute.* (docs/settings.md describes each).
#pragma once

namespace leadroute::pg {

enum OnError { ON_ERROR_QUEUE = 0, ON_ERROR_RAISE = 1 };
enum TraceSetting { TRACE_OFF = 0, TRACE_COMPACT = 1, TRACE_FULL = 2 };

extern bool guc_enabled;
extern char* guc_default_queue;
extern int guc_on_error;
extern int guc_max_escalations;
extern double guc_fuzzy_match_threshold;
extern int guc_trace;
extern char* guc_enrichment_function;
extern bool guc_notify;
extern char* guc_now;
extern int guc_performance_seed;
extern int guc_performance_refresh;

void define_gucs();

}  // namespace leadroute::pg
