// SQL-callable helpers of leadroute.audit(): which lead fields a condition reads, parsed by the
// core (never by guessing from the text).
#include <string>
#include <string_view>
#include <vector>

#include "core/condition/condition_words.h"
#include "pg/boundary/errors.h"

using namespace leadroute;
using namespace leadroute::pg;

// _condition_fields(condition text) → text[]: the fields in order of first use.
LR_FUNCTION(leadroute_condition_fields) {
  text* arg = PG_GETARG_TEXT_PP(0);
  std::string_view condition(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  std::vector<std::string> names;
  try {
    names = condition_field_names(condition);
  } catch (const ConditionError& e) {
    throw condition_user_error(e, condition, "condition");
  }
  return pg_call([&] {
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (names.size() + 1)));
    for (size_t i = 0; i < names.size(); ++i) elems[i] = CStringGetTextDatum(names[i].c_str());
    return PointerGetDatum(
        construct_array(elems, static_cast<int>(names.size()), TEXTOID, -1, false, TYPALIGN_INT));
  });
}

// _condition_always_true(condition text) → boolean: TRUE, or constants that fold to TRUE (a
// catch-all rule).
LR_FUNCTION(leadroute_condition_always_true) {
  text* arg = PG_GETARG_TEXT_PP(0);
  std::string_view condition(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  bool always = false;
  try {
    AttributeRegistry attributes;
    always = Condition::compile(condition, attributes).always_true();
  } catch (const ConditionError& e) {
    throw condition_user_error(e, condition, "condition");
  }
  PG_RETURN_BOOL(always);
}
