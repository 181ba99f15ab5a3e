// libFuzzer: the condition language. The first line is a condition; the rest fills a lead. A
// condition either compiles or throws ConditionError; evaluating and explaining never crash.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "core/condition/condition.h"
#include "core/lead/fields.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view condition = input.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  leadroute::AttributeRegistry attributes;
  leadroute::Condition compiled;
  try {
    compiled = leadroute::Condition::compile(condition, attributes);
  } catch (const leadroute::ConditionError& e) {
    if (e.position() == 0) __builtin_trap();  // positions are 1-based
    return 0;
  }
  // A lead whose text fields are slices of the rest of the input.
  std::deque<std::string> storage;
  leadroute::LeadValues lead;
  lead.clear(attributes.size());
  size_t i = 0;
  for (const auto& f : leadroute::all_fields()) {
    if (rest.empty()) break;
    size_t len = std::min<size_t>(rest.size(), (static_cast<unsigned char>(rest[0]) % 16) + 1);
    storage.emplace_back(rest.substr(0, len));
    rest.remove_prefix(len);
    switch (f.type) {
      case leadroute::FieldType::Number:
        lead.set(f.id, leadroute::ValueView::of_number(static_cast<double>(storage.back().size()) - 3));
        break;
      case leadroute::FieldType::Boolean:
        lead.set(f.id, leadroute::ValueView::of_boolean(storage.back().size() % 2));
        break;
      case leadroute::FieldType::TextArray:
        break;
      default:
        if (++i % 3) lead.set(f.id, leadroute::ValueView::of_text(storage.back()));
    }
  }
  for (size_t slot = 0; slot < attributes.size(); ++slot)
    lead.attributes[slot] = leadroute::ValueView::of_text(condition);
  leadroute::Tri t = compiled.evaluate(lead);
  leadroute::Explanation e = compiled.explain(lead, attributes);
  if (e.result != t) __builtin_trap();  // explain must agree with evaluate
  (void)compiled.always_true();
  (void)compiled.referenced_fields();
  return 0;
}
