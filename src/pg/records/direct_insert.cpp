// See direct_insert.h. Plain C over PostgreSQL's executor API: no C++ object lives here.
#include "pg/records/direct_insert.h"

namespace leadroute::pg {

struct DirectInsert {
  Relation rel;
  EState* estate;
  ResultRelInfo* rri;
  TupleTableSlot* slot;
  int ncolumns;
  AttrNumber* attnums;  // of the given columns
  int ndefaults;
  AttrNumber* default_attnums;  // columns filled by their default expression
  ExprState** defaults;
};

DirectInsert* direct_insert_begin(Oid relid, int ncolumns, const char* const* columns) {
  Relation rel = table_open(relid, RowExclusiveLock);
  if (rel->trigdesc && rel->trigdesc->trig_insert_new_table) {
    table_close(rel, RowExclusiveLock);
    return nullptr;
  }
  DirectInsert* d = static_cast<DirectInsert*>(palloc0(sizeof(DirectInsert)));
  d->rel = rel;
  EState* estate = CreateExecutorState();
  RangeTblEntry* rte = makeNode(RangeTblEntry);
  rte->rtekind = RTE_RELATION;
  rte->relid = relid;
  rte->relkind = rel->rd_rel->relkind;
  rte->rellockmode = RowExclusiveLock;
  ExecInitRangeTable(estate, list_make1(rte));
  estate->es_output_cid = GetCurrentCommandId(true);
  if (ActiveSnapshotSet()) estate->es_snapshot = GetActiveSnapshot();
  ResultRelInfo* rri = makeNode(ResultRelInfo);
  InitResultRelInfo(rri, rel, 1, nullptr, 0);
  // Listed as a result relation, so that its AFTER triggers find it instead of opening the
  // relation a second time.
  estate->es_opened_result_relations = lappend(estate->es_opened_result_relations, rri);
  ExecOpenIndices(rri, false);
  d->estate = estate;
  d->rri = rri;
  d->slot = ExecInitExtraTupleSlot(estate, RelationGetDescr(rel), &TTSOpsVirtual);

  TupleDesc desc = RelationGetDescr(rel);
  d->ncolumns = ncolumns;
  d->attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * ncolumns));
  bool* given = static_cast<bool*>(palloc0(sizeof(bool) * (desc->natts + 1)));
  for (int c = 0; c < ncolumns; ++c) {
    AttrNumber a = attnameAttNum(rel, columns[c], false);
    if (a <= 0)
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                      errmsg("column \"%s\" of %s does not exist", columns[c],
                             RelationGetRelationName(rel))));
    d->attnums[c] = a;
    given[a] = true;
  }
  d->default_attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * desc->natts));
  d->defaults = static_cast<ExprState**>(palloc(sizeof(ExprState*) * desc->natts));
  for (AttrNumber a = 1; a <= desc->natts; ++a) {
    if (given[a] || TupleDescAttr(desc, a - 1)->attisdropped) continue;
    Node* def = build_column_default(rel, a);
    if (!def) continue;
    d->default_attnums[d->ndefaults] = a;
    d->defaults[d->ndefaults] =
        ExecPrepareExpr(expression_planner(reinterpret_cast<Expr*>(def)), estate);
    ++d->ndefaults;
  }
  AfterTriggerBeginQuery();
  ExecBSInsertTriggers(estate, rri);
  return d;
}

void direct_insert_row(DirectInsert* d, const Datum* values, const bool* nulls) {
  TupleTableSlot* slot = d->slot;
  ExecClearTuple(slot);
  int natts = slot->tts_tupleDescriptor->natts;
  for (int i = 0; i < natts; ++i) {
    slot->tts_values[i] = 0;
    slot->tts_isnull[i] = true;
  }
  for (int c = 0; c < d->ncolumns; ++c) {
    slot->tts_values[d->attnums[c] - 1] = values[c];
    slot->tts_isnull[d->attnums[c] - 1] = nulls[c];
  }
  ExprContext* econtext = GetPerTupleExprContext(d->estate);
  for (int k = 0; k < d->ndefaults; ++k) {
    bool isnull;
    Datum v = ExecEvalExpr(d->defaults[k], econtext, &isnull);
    slot->tts_values[d->default_attnums[k] - 1] = v;
    slot->tts_isnull[d->default_attnums[k] - 1] = isnull;
  }
  ExecStoreVirtualTuple(slot);
  ExecSimpleRelationInsert(d->rri, d->estate, slot);
  ResetPerTupleExprContext(d->estate);
}

void direct_insert_end(DirectInsert* d) {
  ExecASInsertTriggers(d->estate, d->rri, nullptr);
  AfterTriggerEndQuery(d->estate);
  // Our indexes, and the relations AFTER triggers opened for themselves.
  ExecCloseResultRelations(d->estate);
  ExecResetTupleTable(d->estate->es_tupleTable, false);
  FreeExecutorState(d->estate);
  table_close(d->rel, NoLock);
  pfree(d);
}

}  // namespace leadroute::pg
