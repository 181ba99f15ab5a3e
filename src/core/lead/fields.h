// The fields a condition may name: input columns of leadroute.leads, fields the engine derives
// while routing, and attributes.<key> from the lead's jsonb attributes.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/lead/value.h"

namespace leadroute {

// Static type of a field. Dynamic fields (attributes) get their kind from the JSON value.
enum class FieldType : uint8_t { Text, Number, Boolean, TextArray, Dynamic };

enum class FieldId : uint16_t {
  // input columns
  Email,
  FirstName,
  LastName,
  Company,
  Website,
  Phone,
  Title,
  Country,
  State,
  City,
  PostalCode,
  Employees,
  Industry,
  Source,
  ProductInterest,
  Score,
  Language,
  // derived while routing
  EmailDomain,
  IsFreemail,
  AccountId,
  AccountStatus,
  AccountOwnerId,
  MatchTier,
  Count
};

constexpr size_t kFieldCount = static_cast<size_t>(FieldId::Count);

struct FieldInfo {
  FieldId id;
  const char* name;  // lower-case, as written in conditions
  FieldType type;
  bool derived;  // computed by the engine, not a column the caller fills
  const char* description;
};

// The field table is a constant array: looking fields up never allocates or throws.
struct FieldList {
  const FieldInfo* first;
  const FieldInfo* last;
  const FieldInfo* begin() const { return first; }
  const FieldInfo* end() const { return last; }
  size_t size() const { return static_cast<size_t>(last - first); }
};

const FieldInfo& field_info(FieldId id);
FieldList all_fields();
// Case-insensitive lookup of a field name; nullptr when there is none.
const FieldInfo* find_field(std::string_view name);
// The field names, comma separated, for error hints.
std::string field_names_for_hint();
// The known field closest to a misspelt name, or "" when nothing is close.
std::string closest_field(std::string_view name);

const char* field_type_name(FieldType t);

// Attribute paths (attributes.utm.source) used by a compiled configuration get a slot each, so a
// lead carries only the attributes that some condition reads.
class AttributeRegistry {
 public:
  uint32_t intern(const std::vector<std::string>& path);
  size_t size() const { return paths_.size(); }
  const std::vector<std::string>& path(uint32_t slot) const { return paths_[slot]; }
  std::string display(uint32_t slot) const;

 private:
  std::vector<std::vector<std::string>> paths_;
  std::unordered_map<std::string, uint32_t> index_;
};

// The values of one lead as conditions see them. Views point into storage owned by the caller.
struct LeadValues {
  ValueView fields[kFieldCount];
  std::vector<ValueView> attributes;  // indexed by attribute slot

  const ValueView& get(FieldId id) const { return fields[static_cast<size_t>(id)]; }
  void set(FieldId id, ValueView v) { fields[static_cast<size_t>(id)] = v; }
  void clear(size_t attribute_slots) {
    for (auto& f : fields) f = ValueView{};
    attributes.assign(attribute_slots, ValueView{});
  }
};

}  // namespace leadroute
