// See direct_insert.h. Plain C over PostgreSQL's executor API: no C++ object lives here.
#include "pg/records/direct_insert.h"

namespace leadroute::pg {

namespace {

// ---- what a statement would rebuild, kept per relation ---------------------------------------
//
// Every INSERT statement reads a relation's CHECK constraints, column defaults and trigger WHEN
// clauses from their stored node strings (stringToNode) and plans them again; for the flush of a
// single-row INSERT that is most of its cost. The planned expressions are kept here, per
// relation and set of given columns, in a memory context under CacheMemoryContext, and only the
// executor state is built per statement (ExecInitExpr), as a cached plan is used. Any relcache
// invalidation of the relation (ALTER TABLE, a new constraint, default or trigger) marks the entry
// stale; it is rebuilt on next use. The ResultRelInfo still checks against the relation it opened:
// the cached arrays are used only when their counts and trigger oids match it.
struct CachedRelation {
  Oid relid;  // hash key
  bool valid;
  MemoryContext cxt;
  const char* const* columns;  // the given columns, as passed in (static tables)
  int ncolumns;
  int ncheck;
  Expr** checks;  // planned, in the order of the relation's TupleConstr check array
  int ndefaults;
  AttrNumber* default_attnums;
  Expr** defaults;  // planned
  int ntriggers;
  Oid* trigger_oids;
  List** when_quals;  // planned implicit-AND lists; NIL where the trigger has no WHEN
};

HTAB* g_relations = nullptr;

void relation_invalidated(Datum, Oid relid) {
  if (!g_relations) return;
  HASH_SEQ_STATUS scan;
  hash_seq_init(&scan, g_relations);
  while (auto* e = static_cast<CachedRelation*>(hash_seq_search(&scan)))
    if (relid == InvalidOid || e->relid == relid) e->valid = false;
}

void build_cached(CachedRelation* e, Relation rel, int ncolumns, const char* const* columns,
                  const bool* given) {
  if (e->cxt) MemoryContextDelete(e->cxt);
  e->cxt = nullptr;
  e->valid = true;  // an invalidation arriving while we build marks it stale again
  MemoryContext cxt =
      AllocSetContextCreate(CacheMemoryContext, "leadroute record relation", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(cxt);
  e->columns = columns;
  e->ncolumns = ncolumns;
  TupleConstr* constr = RelationGetDescr(rel)->constr;
  e->ncheck = constr ? constr->num_check : 0;
  e->checks = static_cast<Expr**>(palloc0(sizeof(Expr*) * (e->ncheck + 1)));
  for (int i = 0; i < e->ncheck; ++i)
    e->checks[i] = expression_planner(static_cast<Expr*>(stringToNode(constr->check[i].ccbin)));
  TupleDesc desc = RelationGetDescr(rel);
  e->ndefaults = 0;
  e->default_attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (desc->natts + 1)));
  e->defaults = static_cast<Expr**>(palloc(sizeof(Expr*) * (desc->natts + 1)));
  for (AttrNumber a = 1; a <= desc->natts; ++a) {
    if (given[a] || TupleDescAttr(desc, a - 1)->attisdropped) continue;
    Node* def = build_column_default(rel, a);
    if (!def) continue;
    e->default_attnums[e->ndefaults] = a;
    e->defaults[e->ndefaults] = expression_planner(reinterpret_cast<Expr*>(def));
    ++e->ndefaults;
  }
  TriggerDesc* td = rel->trigdesc;
  e->ntriggers = td ? td->numtriggers : 0;
  e->trigger_oids = static_cast<Oid*>(palloc0(sizeof(Oid) * (e->ntriggers + 1)));
  e->when_quals = static_cast<List**>(palloc0(sizeof(List*) * (e->ntriggers + 1)));
  for (int i = 0; i < e->ntriggers; ++i) {
    const Trigger* t = &td->triggers[i];
    e->trigger_oids[i] = t->tgoid;
    if (!t->tgqual) continue;
    // As TriggerEnabled prepares it: OLD and NEW as the inner and outer tuple, implicit AND.
    Node* qual = static_cast<Node*>(stringToNode(t->tgqual));
    ChangeVarNodes(qual, PRS2_OLD_VARNO, INNER_VAR, 0);
    ChangeVarNodes(qual, PRS2_NEW_VARNO, OUTER_VAR, 0);
    List* implicit = make_ands_implicit(reinterpret_cast<Expr*>(qual));
    e->when_quals[i] =
        reinterpret_cast<List*>(expression_planner(reinterpret_cast<Expr*>(implicit)));
  }
  MemoryContextSwitchTo(old);
  e->cxt = cxt;
}

CachedRelation* cached_relation(Relation rel, int ncolumns, const char* const* columns,
                                const bool* given) {
  if (!g_relations) {
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = sizeof(Oid);
    ctl.entrysize = sizeof(CachedRelation);
    ctl.hcxt = CacheMemoryContext;
    g_relations =
        hash_create("leadroute record relations", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    CacheRegisterRelcacheCallback(relation_invalidated, 0);
  }
  Oid relid = RelationGetRelid(rel);
  bool found;
  auto* e = static_cast<CachedRelation*>(hash_search(g_relations, &relid, HASH_ENTER, &found));
  if (!found) {
    e->valid = false;
    e->cxt = nullptr;
  }
  if (!e->valid || e->columns != columns || e->ncolumns != ncolumns)
    build_cached(e, rel, ncolumns, columns, given);
  return e;
}

// The statement's executor state from the cached expressions, where they still describe `rel`;
// what is left NULL PostgreSQL builds itself, as for any statement.
void init_from_cache(const CachedRelation* e, Relation rel, ResultRelInfo* rri, EState* estate) {
  MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);
  TupleConstr* constr = RelationGetDescr(rel)->constr;
  if (e->ncheck > 0 && constr && constr->num_check == e->ncheck) {
    rri->ri_ConstraintExprs = static_cast<ExprState**>(palloc(sizeof(ExprState*) * e->ncheck));
    for (int i = 0; i < e->ncheck; ++i)
      rri->ri_ConstraintExprs[i] = ExecInitExpr(e->checks[i], nullptr);
  }
  TriggerDesc* td = rri->ri_TrigDesc;
  if (td && td->numtriggers == e->ntriggers && rri->ri_TrigWhenExprs) {
    for (int i = 0; i < e->ntriggers; ++i)
      if (td->triggers[i].tgoid == e->trigger_oids[i] && e->when_quals[i] != NIL)
        rri->ri_TrigWhenExprs[i] = ExecInitQual(e->when_quals[i], nullptr);
  }
  MemoryContextSwitchTo(old);
}

}  // namespace

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
  const CachedRelation* cached = cached_relation(rel, ncolumns, columns, given);
  init_from_cache(cached, rel, rri, estate);
  d->ndefaults = cached->ndefaults;
  d->default_attnums = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (d->ndefaults + 1)));
  d->defaults = static_cast<ExprState**>(palloc(sizeof(ExprState*) * (d->ndefaults + 1)));
  MemoryContext old = MemoryContextSwitchTo(estate->es_query_cxt);
  for (int k = 0; k < d->ndefaults; ++k) {
    d->default_attnums[k] = cached->default_attnums[k];
    d->defaults[k] = ExecInitExpr(cached->defaults[k], nullptr);
  }
  MemoryContextSwitchTo(old);
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
