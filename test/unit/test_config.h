// Test helpers shared by the routing tests: a configuration built row by row, as the shim builds
// it from the tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/config/config.h"

namespace leadroute::testing {

// A rep named `name` (e-mail <name>@example.com), active.
inline Rep& add_rep(RoutingConfig& config, int64_t id, std::string name) {
  Rep& r = config.reps[id];
  r.id = id;
  r.name = std::move(name);
  r.email = r.name + "@example.com";
  return r;
}

// A rule named "rule <id>" with a compiled condition.
inline Rule& add_rule(RoutingConfig& config, int64_t id, int32_t priority,
                      std::string_view condition, Action action) {
  Rule r;
  r.id = id;
  r.name = "rule " + std::to_string(id);
  r.priority = priority;
  r.condition = Condition::compile(condition, config.attributes);
  r.action = action;
  config.rules.push_back(std::move(r));
  return config.rules.back();
}

}  // namespace leadroute::testing
