// Points expressions (docs/conditions.md, "Points"): how many points a lead is worth to a pool
// that balances by points. Built on the condition language:
//   points := number | field | CASE WHEN condition THEN number ... [ELSE number] END
// A field is numeric (score, employees) or an attribute; a lead whose field is NULL or not a
// number, or that no WHEN matches without an ELSE, is worth 1 point; negative values count 0.
#pragma once
#include "core/util/core_guard.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/condition/condition.h"
#include "core/lead/fields.h"

namespace leadroute {

// Points allowed in a number of an expression.
constexpr double kMaxPoints = 1000000;

class PointsExpression {
 public:
  // Throws ConditionError (positions count from 1 in `text`).
  static PointsExpression compile(std::string_view text, AttributeRegistry& attributes);

  double evaluate(const LeadValues& lead) const;
  const std::string& text() const { return text_; }

 private:
  static PointsExpression compile_bytes(std::string_view text, AttributeRegistry& attributes);

  enum class Kind { Constant, Field, Case };
  Kind kind_ = Kind::Constant;
  std::string text_;
  double constant_ = 1;  // Constant; the ELSE of Case
  FieldRef field_;
  std::vector<std::pair<Condition, double>> branches_;
};

// Validates an expression without keeping it (the CHECK of pools.points).
void check_points(std::string_view text);

}  // namespace leadroute
