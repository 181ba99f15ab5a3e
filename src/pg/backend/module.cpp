// Module entry: PG_MODULE_MAGIC and _PG_init (settings, cache invalidation, transaction hooks).
#include "pg/backend/gucs.h"
#include "pg/boundary/pg.h"
#include "pg/records/record_writer.h"
#include "pg/backend/state.h"

extern "C" {
PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void) {
  leadroute::pg::define_gucs();
  leadroute::pg::register_invalidation_callbacks();
  leadroute::pg::register_transaction_callbacks();
}
}
