#include "pg/routing/conflict_probe.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_index.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/resowner.h"
}

namespace leadroute::pg {

namespace {

enum class Extra { Unknown, None, Some };
Extra g_extra = Extra::Unknown;

// The executor state of the check, kept for one statement: the indexes of leads opened with
// speculative-insertion information (what ON CONFLICT itself uses). Plain C data in
// TopTransactionContext; the index references belong to the top transaction's resource owner,
// so a rolled-back subtransaction cannot close them under us.
struct Probe {
  Oid relid;
  EState* estate;
  ResultRelInfo* rri;
  TupleTableSlot* slot;
  List* arbiters;          // unique and exclusion indexes but the primary key
  List* arbiters_with_pk;  // all of them
};
Probe* g_probe = nullptr;

bool is_checkable(Form_pg_index index) {
  return index->indimmediate && (index->indisunique || index->indisexclusion);
}

Probe* open_probe(Relation leads) {
  MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
  ResourceOwner old_owner = CurrentResourceOwner;
  CurrentResourceOwner = TopTransactionResourceOwner;
  Probe* p = static_cast<Probe*>(palloc0(sizeof(Probe)));
  p->relid = RelationGetRelid(leads);
  p->estate = CreateExecutorState();
  p->rri = makeNode(ResultRelInfo);
  InitResultRelInfo(p->rri, leads, 1, nullptr, 0);
  ExecOpenIndices(p->rri, true);
  for (int i = 0; i < p->rri->ri_NumIndices; ++i) {
    Relation index = p->rri->ri_IndexRelationDescs[i];
    if (!is_checkable(index->rd_index)) continue;
    Oid oid = RelationGetRelid(index);
    p->arbiters_with_pk = lappend_oid(p->arbiters_with_pk, oid);
    if (!index->rd_index->indisprimary) p->arbiters = lappend_oid(p->arbiters, oid);
  }
  p->slot = MakeSingleTupleTableSlot(RelationGetDescr(leads), &TTSOpsHeapTuple);
  CurrentResourceOwner = old_owner;
  MemoryContextSwitchTo(old);
  return p;
}

void close_probe(Probe* p) {
  ResourceOwner old_owner = CurrentResourceOwner;
  CurrentResourceOwner = TopTransactionResourceOwner;
  ExecDropSingleTupleTableSlot(p->slot);
  ExecCloseIndices(p->rri);
  FreeExecutorState(p->estate);
  CurrentResourceOwner = old_owner;
}

void xact_callback(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      end_conflict_probes();
      break;
    default:
      // Abort: the resource owner released the indexes and the memory is gone.
      if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) g_probe = nullptr;
      break;
  }
}

bool g_callback_registered = false;

}  // namespace

bool leads_have_extra_unique_indexes(Relation leads) {
  if (g_extra != Extra::Unknown) return g_extra == Extra::Some;
  List* indexes = RelationGetIndexList(leads);
  Extra found = Extra::None;
  ListCell* lc;
  foreach (lc, indexes) {
    HeapTuple tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
    if (!HeapTupleIsValid(tup)) continue;
    Form_pg_index index = reinterpret_cast<Form_pg_index>(GETSTRUCT(tup));
    if (is_checkable(index) && !index->indisprimary) found = Extra::Some;
    ReleaseSysCache(tup);
  }
  list_free(indexes);
  g_extra = found;
  return found == Extra::Some;
}

bool lead_would_conflict(Relation leads, HeapTuple tuple, bool check_primary_key) {
  if (!g_callback_registered) {
    RegisterXactCallback(xact_callback, nullptr);
    g_callback_registered = true;
  }
  if (g_probe && g_probe->relid != RelationGetRelid(leads)) end_conflict_probes();
  if (!g_probe) g_probe = open_probe(leads);
  List* arbiters = check_primary_key ? g_probe->arbiters_with_pk : g_probe->arbiters;
  if (arbiters == NIL) return false;
  ExecStoreHeapTuple(tuple, g_probe->slot, false);
  ItemPointerData conflict;
  bool clear =
      ExecCheckIndexConstraints(g_probe->rri, g_probe->slot, g_probe->estate, &conflict, arbiters);
  ExecClearTuple(g_probe->slot);
  ResetPerTupleExprContext(g_probe->estate);
  return !clear;
}

void end_conflict_probes() {
  if (!g_probe) return;
  Probe* p = g_probe;
  g_probe = nullptr;
  close_probe(p);
}

void forget_lead_indexes() {
  g_extra = Extra::Unknown;
}

}  // namespace leadroute::pg
