// A condition read aloud: the condition language in plain English, for documentation that a
// person who never saw the language can follow (leadroute.document()).
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

// `country IN ('US','CA') AND employees >= 500` → "country is US or CA, and employees is at
// least 500". Throws ConditionError for an invalid condition.
std::string condition_in_words(std::string_view condition);

// The fields a condition reads, as written in conditions (country, attributes.utm.source), in
// order of first use. Throws ConditionError for an invalid condition.
std::vector<std::string> condition_field_names(std::string_view condition);

}  // namespace leadroute
