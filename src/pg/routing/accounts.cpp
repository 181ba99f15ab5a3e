#include "pg/routing/accounts.h"

#include <cstring>
#include <optional>
#include <string>

#include "pg/boundary/errors.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"

namespace leadroute::pg {

namespace {

// Relations and columns of the account tables, resolved by name once per catalog generation.
struct AccountCatalog {
  Oid accounts, account_domains;
  Oid accounts_pkey, domain_idx, website_domain_idx, name_idx, extra_domains_pkey;
  AttrNumber id, name, status, owner_id, csm_id, parent_id;  // in accounts
  AttrNumber extra_account_id;                               // in account_domains
  Oid catalog_schema;
  char trgm_schema[NAMEDATALEN];
};

AccountCatalog g_accounts{};

Oid index_in(Oid schema, const char* name) {
  Oid relid = get_relname_relid(name, schema);
  if (!OidIsValid(relid))
    ereport(ERROR,
            (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("index leadroute.%s does not exist", name),
             errhint("Account matching needs it; reinstall the extension or recreate the index.")));
  return relid;
}

AttrNumber column_in(Oid relid, const char* name) {
  AttrNumber n = get_attnum(relid, name);
  if (n == InvalidAttrNumber)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column %s of %s does not exist", name, get_rel_name(relid))));
  return n;
}

const AccountCatalog& account_catalog() {
  const Catalog& c = resolve_catalog();
  if (g_accounts.catalog_schema == c.schema && OidIsValid(g_accounts.accounts) &&
      g_accounts.accounts == get_relname_relid("accounts", c.schema))
    return g_accounts;
  AccountCatalog a{};
  a.accounts = get_relname_relid("accounts", c.schema);
  a.account_domains = get_relname_relid("account_domains", c.schema);
  if (!OidIsValid(a.accounts) || !OidIsValid(a.account_domains))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("leadroute.accounts does not exist")));
  a.accounts_pkey = index_in(c.schema, "accounts_pkey");
  a.domain_idx = index_in(c.schema, "accounts_domain_idx");
  a.website_domain_idx = index_in(c.schema, "accounts_website_domain_idx");
  a.name_idx = index_in(c.schema, "accounts_name_normalized_idx");
  a.extra_domains_pkey = index_in(c.schema, "account_domains_pkey");
  a.id = column_in(a.accounts, "id");
  a.name = column_in(a.accounts, "name");
  a.status = column_in(a.accounts, "status");
  a.owner_id = column_in(a.accounts, "owner_id");
  a.csm_id = column_in(a.accounts, "csm_id");
  a.parent_id = column_in(a.accounts, "parent_id");
  a.extra_account_id = column_in(a.account_domains, "account_id");
  // get_extension_schema() is not exported before PostgreSQL 16: read pg_extension.
  spi_connect();
  if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e"
                  " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace"
                  " WHERE e.extname OPERATOR(pg_catalog.=) 'pg_trgm'",
                  true, 1) == SPI_OK_SELECT &&
      SPI_processed == 1)
    strlcpy(a.trgm_schema, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
            sizeof a.trgm_schema);
  spi_finish();
  a.catalog_schema = c.schema;
  g_accounts = a;
  return g_accounts;
}

// Accounts found by one lookup, as plain data (palloc'd): the C-style half of a lookup.
struct AccountRow {
  int64 id;
  char* name;
  char* status;
  bool has_owner, has_csm, has_parent;
  int64 owner, csm, parent;
  double similarity;
};

struct AccountRows {
  int count;
  int capacity;
  AccountRow* rows;
};

void append_row(AccountRows* rows, const AccountRow& row) {
  if (rows->count == rows->capacity) {
    rows->capacity = rows->capacity ? rows->capacity * 2 : 4;
    rows->rows =
        rows->rows
            ? static_cast<AccountRow*>(repalloc(rows->rows, sizeof(AccountRow) * rows->capacity))
            : static_cast<AccountRow*>(palloc(sizeof(AccountRow) * rows->capacity));
  }
  rows->rows[rows->count++] = row;
}

AccountRow row_from_slot(const AccountCatalog& a, TupleTableSlot* slot) {
  AccountRow r{};
  bool isnull;
  r.id = DatumGetInt64(slot_getattr(slot, a.id, &isnull));
  r.name = TextDatumGetCString(slot_getattr(slot, a.name, &isnull));
  r.status = TextDatumGetCString(slot_getattr(slot, a.status, &isnull));
  Datum d = slot_getattr(slot, a.owner_id, &isnull);
  r.has_owner = !isnull;
  r.owner = isnull ? 0 : DatumGetInt64(d);
  d = slot_getattr(slot, a.csm_id, &isnull);
  r.has_csm = !isnull;
  r.csm = isnull ? 0 : DatumGetInt64(d);
  d = slot_getattr(slot, a.parent_id, &isnull);
  r.has_parent = !isnull;
  r.parent = isnull ? 0 : DatumGetInt64(d);
  r.similarity = 1.0;
  return r;
}

// Visits the visible rows of `heap_oid` whose first `index_oid` column equals `key` (text or int8).
template <typename Visit>
void probe(Oid heap_oid, Oid index_oid, Datum key, RegProcedure eq_proc, Visit visit) {
  Relation heap = table_open(heap_oid, AccessShareLock);
  Relation index = index_open(index_oid, AccessShareLock);
  ScanKeyData scan_key;
  ScanKeyEntryInitialize(&scan_key, 0, 1, BTEqualStrategyNumber, InvalidOid,
                         index->rd_indcollation[0], eq_proc, key);
  IndexScanDesc scan = index_beginscan(heap, index, GetActiveSnapshot(), 1, 0);
  index_rescan(scan, &scan_key, 1, nullptr, 0);
  TupleTableSlot* slot = table_slot_create(heap, nullptr);
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) visit(slot);
  ExecDropSingleTupleTableSlot(slot);
  index_endscan(scan);
  index_close(index, NoLock);
  table_close(heap, NoLock);
}

// Accounts whose domain, website domain or an extra domain is `domain` (C style).
AccountRows accounts_by_domain(const char* domain) {
  const AccountCatalog& a = account_catalog();
  AccountRows rows{};
  Datum key = CStringGetTextDatum(domain);
  auto collect = [&](TupleTableSlot* slot) { append_row(&rows, row_from_slot(a, slot)); };
  probe(a.accounts, a.domain_idx, key, F_TEXTEQ, collect);
  probe(a.accounts, a.website_domain_idx, key, F_TEXTEQ, collect);
  probe(a.account_domains, a.extra_domains_pkey, key, F_TEXTEQ, [&](TupleTableSlot* slot) {
    bool isnull;
    Datum account_id = slot_getattr(slot, a.extra_account_id, &isnull);
    probe(a.accounts, a.accounts_pkey, account_id, F_INT8EQ, collect);
  });
  return rows;
}

AccountRows accounts_by_name(const char* name) {
  const AccountCatalog& a = account_catalog();
  AccountRows rows{};
  probe(a.accounts, a.name_idx, CStringGetTextDatum(name), F_TEXTEQ,
        [&](TupleTableSlot* slot) { append_row(&rows, row_from_slot(a, slot)); });
  return rows;
}

// Similar names through pg_trgm's % operator (its index); the threshold filters further. Rare:
// only when the exact tiers found nothing and fuzzy matching is on.
AccountRows accounts_by_similar_name(const char* name, double threshold) {
  const AccountCatalog& a = account_catalog();
  AccountRows rows{};
  if (a.trgm_schema[0] == '\0')
    ereport(ERROR,
            (errcode(ERRCODE_UNDEFINED_OBJECT),
             errmsg("fuzzy company matching needs the pg_trgm extension"),
             errhint("CREATE EXTENSION pg_trgm, or SET leadroute.fuzzy_match_threshold = 0.")));
  const char* schema = quote_identifier(a.trgm_schema);
  char* sql = psprintf(
      "SELECT id, name, status, owner_id, csm_id, parent_id,"
      "       %s.similarity(name_normalized, $1) AS similarity"
      "  FROM leadroute.accounts"
      " WHERE name_normalized OPERATOR(%s.%%) $1"
      "   AND %s.similarity(name_normalized, $1) OPERATOR(pg_catalog.>=) $2"
      " ORDER BY 7 DESC, id LIMIT 20",
      schema, schema, schema);
  Oid types[2] = {TEXTOID, FLOAT4OID};
  Datum values[2] = {CStringGetTextDatum(name), Float4GetDatum(static_cast<float4>(threshold))};
  // pg_trgm's % operator only returns names above pg_trgm.similarity_threshold (0.3 by
  // default): lower it for this query when leadroute's threshold is lower, as a function's SET
  // clause would, and restore it after (an error restores it with the transaction).
  int guc_level = NewGUCNestLevel();
  const char* current = GetConfigOption("pg_trgm.similarity_threshold", true, false);
  if (current == nullptr || strtod(current, nullptr) > threshold) {
    char value[32];
    snprintf(value, sizeof value, "%.6f", threshold);
    (void)set_config_option("pg_trgm.similarity_threshold", value, PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
  }
  // Results must outlive SPI_finish: they go to the caller's memory context.
  MemoryContext caller = CurrentMemoryContext;
  spi_connect();
  int ret = SPI_execute_with_args(sql, 2, types, values, nullptr, true, 0);
  if (ret != SPI_OK_SELECT)
    elog(ERROR, "fuzzy account lookup failed: %s", SPI_result_code_string(ret));
  MemoryContext spi_context = MemoryContextSwitchTo(caller);
  for (uint64 i = 0; i < SPI_processed; ++i) {
    HeapTuple tuple = SPI_tuptable->vals[i];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull;
    AccountRow r{};
    r.id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
    r.name = TextDatumGetCString(SPI_getbinval(tuple, desc, 2, &isnull));
    r.status = TextDatumGetCString(SPI_getbinval(tuple, desc, 3, &isnull));
    Datum d = SPI_getbinval(tuple, desc, 4, &isnull);
    r.has_owner = !isnull;
    r.owner = isnull ? 0 : DatumGetInt64(d);
    d = SPI_getbinval(tuple, desc, 5, &isnull);
    r.has_csm = !isnull;
    r.csm = isnull ? 0 : DatumGetInt64(d);
    d = SPI_getbinval(tuple, desc, 6, &isnull);
    r.has_parent = !isnull;
    r.parent = isnull ? 0 : DatumGetInt64(d);
    r.similarity = DatumGetFloat4(SPI_getbinval(tuple, desc, 7, &isnull));
    append_row(&rows, r);
  }
  MemoryContextSwitchTo(spi_context);
  spi_finish();
  AtEOXact_GUC(true, guc_level);
  return rows;
}

}  // namespace

void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                   std::vector<AccountRecord>* out) {
  std::string key_text(key);
  AccountRows rows = pg_call([&] {
    switch (lookup) {
      case AccountLookup::Domain:
        return accounts_by_domain(key_text.c_str());
      case AccountLookup::Company:
        return accounts_by_name(key_text.c_str());
      default:
        return accounts_by_similar_name(key_text.c_str(), threshold);
    }
  });
  for (int i = 0; i < rows.count; ++i) {
    const AccountRow& r = rows.rows[i];
    AccountRecord rec;
    rec.id = r.id;
    rec.name = r.name ? r.name : "";
    rec.status = r.status ? r.status : "";
    if (r.has_owner) rec.owner_id = r.owner;
    if (r.has_csm) rec.csm_id = r.csm;
    if (r.has_parent) rec.parent_id = r.parent;
    rec.similarity = r.similarity;
    out->push_back(std::move(rec));
  }
}

}  // namespace leadroute::pg

namespace leadroute::pg {
namespace {

// A text column as a C++ string: the PostgreSQL part (detoasting) runs through pg_call and
// hands back a plain pointer and length.
std::optional<std::string> pg_call_value_text(HeapTuple tuple, TupleDesc desc, const char* column) {
  struct Slice {
    const char* data;
    int len;
    bool present;
  };
  Slice slice = pg_call([&] {
    Slice out{nullptr, 0, false};
    int attnum = SPI_fnumber(desc, column);
    if (attnum <= 0) return out;
    bool isnull;
    Datum d = heap_getattr(tuple, attnum, desc, &isnull);
    if (isnull) return out;
    text* t = DatumGetTextPP(d);
    out = Slice{VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)), true};
    return out;
  });
  if (!slice.present) return std::nullopt;
  return std::string(slice.data, static_cast<size_t>(slice.len));
}

// The normalized domain of `value`, or a UserError that says which column of which account.
std::optional<std::string> normalized_domain(const std::optional<std::string>& value,
                                             const char* column, const std::string& account,
                                             bool required) {
  if (!value || trim(*value).empty()) {
    if (required)
      throw UserError(ERRCODE_NOT_NULL_VIOLATION,
                      std::string(column) + " of " + account + " cannot be empty", "",
                      "Write a domain such as acme.com.");
    return std::nullopt;
  }
  std::string domain;
  DomainProblem problem = account_domain(*value, &domain);
  if (problem == DomainProblem::None) return domain;
  std::string hint = problem == DomainProblem::PublicSuffix
                         ? "Write the company's own domain, such as acme.co.uk."
                         : "Write the company's domain name, such as acme.com.";
  throw UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                  std::string(column) + " \"" + value->substr(0, 200) + "\" of " + account + " " +
                      domain_problem_text(problem),
                  "", hint);
}

}  // namespace
}  // namespace leadroute::pg

using namespace leadroute;
using namespace leadroute::pg;

LR_FUNCTION(leadroute_normalize_company) {
  text* t = PG_GETARG_TEXT_PP(0);
  std::string normalized =
      normalize_company(std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)));
  return text_datum(normalized);
}

// BEFORE INSERT OR UPDATE on accounts and account_domains.
LR_FUNCTION(leadroute_normalize_account) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._normalize_account() can only be called as a trigger")));
  TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  HeapTuple tuple = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
  TupleDesc desc = RelationGetDescr(td->tg_relation);
  bool is_accounts = std::strcmp(RelationGetRelationName(td->tg_relation), "accounts") == 0;
  struct Change {
    const char* column;
    std::optional<std::string> value;
  };
  std::vector<Change> changes;
  if (is_accounts) {
    std::optional<std::string> name = pg_call_value_text(tuple, desc, "name");
    std::string label = "account \"" + name.value_or("") + "\"";
    changes.push_back({"domain", normalized_domain(pg_call_value_text(tuple, desc, "domain"),
                                                   "domain", label, false)});
    changes.push_back(
        {"website_domain",
         normalized_domain(pg_call_value_text(tuple, desc, "website"), "website", label, false)});
    std::optional<std::string> normalized;
    if (name) normalized = normalize_company(*name);
    changes.push_back({"name_normalized", normalized});
    // Status: one lower-case word ('Customer ' is customer); anything else is refused here with
    // the reason, not by the CHECK constraint's bare message.
    if (std::optional<std::string> status = pg_call_value_text(tuple, desc, "status")) {
      std::string word(trim(*status));
      for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool valid = !word.empty() && word[0] >= 'a' && word[0] <= 'z';
      for (char ch : word)
        valid = valid && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
      if (!valid)
        throw UserError(
            ERRCODE_CHECK_VIOLATION,
            "status \"" + status->substr(0, 100) + "\" of " + label + " is not a status word", "",
            "Use prospect, customer, or another single word of letters, digits and _, such as "
            "churned or key_account.");
      changes.push_back({"status", word});
    }
  } else {
    int64_t account_id = pg_call([&] {
      bool isnull;
      Datum d = heap_getattr(tuple, SPI_fnumber(desc, "account_id"), desc, &isnull);
      return isnull ? int64_t{0} : DatumGetInt64(d);
    });
    changes.push_back(
        {"domain",
         normalized_domain(pg_call_value_text(tuple, desc, "domain"), "domain",
                           "account " + std::to_string(account_id) + " in account_domains", true)});
  }
  HeapTuple result = pg_call([&] {
    int natts = desc->natts;
    Datum* values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
    bool* nulls = static_cast<bool*>(palloc0(sizeof(bool) * natts));
    bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
    for (const Change& c : changes) {
      int attnum = SPI_fnumber(desc, c.column);
      if (attnum <= 0) continue;
      replace[attnum - 1] = true;
      nulls[attnum - 1] = !c.value;
      if (c.value)
        values[attnum - 1] = PointerGetDatum(
            cstring_to_text_with_len(c.value->data(), static_cast<int>(c.value->size())));
    }
    return heap_modify_tuple(tuple, desc, values, nulls, replace);
  });
  return PointerGetDatum(result);
}
