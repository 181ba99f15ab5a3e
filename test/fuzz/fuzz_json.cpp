// libFuzzer: the JSON parser (traces, working hours) and the working-hours validator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/util/json.h"
#include "core/config/working_hours.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    leadroute::JsonValue v = leadroute::parse_json(input);
    (void)v.str("rules");
  } catch (const leadroute::JsonParseError&) {
  }
  try {
    leadroute::WorkingHours h = leadroute::WorkingHours::parse(input);
    (void)h.describe();
    for (int d = 0; d < 7; ++d) (void)h.contains(d, 600);
  } catch (const leadroute::WorkingHoursError&) {
  }
  return 0;
}
