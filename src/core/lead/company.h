// Company names compared the way people mean them: "Acme, Inc.", "ACME Incorporated" and
// "Acme Corp" are one company; "Macmedia" is not "Acme".
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>

namespace leadroute {

// Folds case and accents, drops punctuation, "&" and "and", a leading "The", and legal suffixes of
// many jurisdictions (Inc, LLC, Ltd, GmbH, S.A., S.p.A., B.V., K.K., Pty Ltd, ...). Tokens are
// joined by single spaces. Returns "" when nothing is left.
std::string normalize_company(std::string_view name);

}  // namespace leadroute
