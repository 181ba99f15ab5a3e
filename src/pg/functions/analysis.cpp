// leadroute._unreachable_rules(): the static analysis of core/rule_analysis.h as a set-returning
// function, for audit(). The arrays are copied into plain C++ values first; every PostgreSQL call
// that can raise goes through pg_call.
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/rule_analysis.h"
#include "pg/boundary/errors.h"

namespace leadroute::pg {

namespace {

// A one-dimensional array argument as Datums (pointing into the detoasted array) and null flags.
struct ArrayArg {
  Datum* values;
  bool* nulls;
  int count;
  int dimensions;
};

ArrayArg array_arg(FunctionCallInfo fcinfo, int n, Oid element_type) {
  ArrayArg out = pg_call([&] {
    ArrayArg a{nullptr, nullptr, 0, 0};
    ArrayType* array = PG_GETARG_ARRAYTYPE_P(n);
    a.dimensions = ARR_NDIM(array);
    int16 typlen;
    bool typbyval;
    char typalign;
    get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
    deconstruct_array(array, element_type, typlen, typbyval, typalign, &a.values, &a.nulls,
                      &a.count);
    return a;
  });
  if (out.dimensions > 1) {
    static const char* const names[] = {"rule_ids", "names", "priorities", "conditions", "actions"};
    throw UserError(ERRCODE_ARRAY_SUBSCRIPT_ERROR,
                    std::string(names[n]) + " must be a one-dimensional array", "",
                    "Pass one element per enabled rule, in priority order.");
  }
  return out;
}

std::string_view text_of(Datum d) {
  const text* t = reinterpret_cast<const text*>(DatumGetPointer(d));
  return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

std::vector<RuleForAnalysis> rules_from_arguments(FunctionCallInfo fcinfo) {
  ArrayArg ids = array_arg(fcinfo, 0, INT8OID);
  ArrayArg names = array_arg(fcinfo, 1, TEXTOID);
  ArrayArg priorities = array_arg(fcinfo, 2, INT4OID);
  ArrayArg conditions = array_arg(fcinfo, 3, TEXTOID);
  ArrayArg actions = array_arg(fcinfo, 4, TEXTOID);
  int n = ids.count;
  if (names.count != n || priorities.count != n || conditions.count != n || actions.count != n)
    throw UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                    "rule_ids, names, priorities, conditions and actions must have the same length",
                    "rule_ids has " + std::to_string(ids.count) + " elements, names " +
                        std::to_string(names.count) + ", priorities " +
                        std::to_string(priorities.count) + ", conditions " +
                        std::to_string(conditions.count) + ", actions " +
                        std::to_string(actions.count) + ".",
                    "Pass one element per enabled rule, in priority order.");
  std::vector<RuleForAnalysis> rules(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    RuleForAnalysis& r = rules[static_cast<size_t>(i)];
    std::string position = "[" + std::to_string(i + 1) + "]";
    if (ids.nulls[i])
      throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "rule_ids" + position + " is NULL");
    if (conditions.nulls[i])
      throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "conditions" + position + " is NULL");
    r.id = DatumGetInt64(ids.values[i]);
    if (!names.nulls[i]) r.name = std::string(text_of(names.values[i]));
    if (!priorities.nulls[i]) r.priority = DatumGetInt32(priorities.values[i]);
    r.condition = std::string(text_of(conditions.values[i]));
    // An unknown (or NULL) action may fall through: the safe assumption.
    r.can_fall_through = actions.nulls[i] || action_can_fall_through(text_of(actions.values[i]));
    try {
      check_condition(r.condition);
    } catch (const ConditionError& e) {
      throw condition_user_error(e, r.condition, "condition of rule " + std::to_string(r.id));
    }
  }
  return rules;
}

void put_row(ReturnSetInfo* rsinfo, const UnreachableRule& u) {
  Datum kind = text_datum(unreachable_kind_name(u.kind));
  Datum explanation = text_datum(u.explanation);
  std::vector<Datum> ids;
  for (int64_t id : u.covered_by) ids.push_back(Int64GetDatum(id));
  pg_call([&] {
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    values[0] = Int64GetDatum(u.rule_id);
    values[1] = kind;
    values[2] = PointerGetDatum(construct_array(ids.data(), static_cast<int>(ids.size()), INT8OID,
                                                8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
    values[3] = explanation;
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  });
}

}  // namespace

}  // namespace leadroute::pg

using namespace leadroute;
using namespace leadroute::pg;

LR_FUNCTION(leadroute_unreachable_rules) {
  std::vector<RuleForAnalysis> rules = rules_from_arguments(fcinfo);
  std::vector<UnreachableRule> found = find_unreachable_rules(rules);
  pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  for (const auto& u : found) put_row(rsinfo, u);
  return static_cast<Datum>(0);
}
