// SQL-callable helper of leadroute.document(): a condition in plain English (core/condition_words).
#include <string>
#include <string_view>

#include "core/condition/condition_words.h"
#include "pg/boundary/errors.h"

using namespace leadroute;
using namespace leadroute::pg;

// _condition_words(condition text) → text.
LR_FUNCTION(leadroute_condition_words) {
  text* arg = PG_GETARG_TEXT_PP(0);
  std::string_view condition(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  std::string words;
  try {
    words = condition_in_words(condition);
  } catch (const ConditionError& e) {
    throw condition_user_error(e, condition, "condition");
  }
  return text_datum(words);
}
