#include "pg/routing/lead_io.h"

#include "core/lead/text.h"

namespace leadroute::pg {

namespace {

// "email, first_name, ..., attributes": the input columns, from the field table (C style).
const char* input_field_names() {
  static char* names = nullptr;
  if (names) return names;
  MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
  StringInfoData buf;
  initStringInfo(&buf);
  for (const FieldInfo& f : all_fields())
    if (!f.derived) appendStringInfo(&buf, "%s, ", f.name);
  appendStringInfoString(&buf, "attributes");
  MemoryContextSwitchTo(old);
  names = buf.data;
  return names;
}

}  // namespace

namespace {

std::string_view text_view(Datum d) {
  text* t = DatumGetTextPP(d);
  return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// A text[] as views into the detoasted array (palloc'd); NULL elements have data() == nullptr.
ValueView text_array_view(Datum d) {
  ArrayType* array = DatumGetArrayTypeP(d);
  Datum* elems;
  bool* nulls;
  int count;
  deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
  auto* items = static_cast<std::string_view*>(palloc(sizeof(std::string_view) * (count + 1)));
  for (int i = 0; i < count; ++i) items[i] = nulls[i] ? std::string_view() : text_view(elems[i]);
  return ValueView::of_array(items, static_cast<uint32_t>(count));
}

double numeric_to_double(Numeric n) {
  return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(n)));
}

// Text of a jsonb scalar for arrays of attributes (palloc'd).
std::string_view jsonb_scalar_text(const JsonbValue& v) {
  switch (v.type) {
    case jbvString:
      return std::string_view(v.val.string.val, static_cast<size_t>(v.val.string.len));
    case jbvNumeric: {
      char* s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
      return std::string_view(s);
    }
    case jbvBool:
      return v.val.boolean ? "true" : "false";
    default:
      return std::string_view();
  }
}

ValueView jsonb_value_view(const JsonbValue& v) {
  switch (v.type) {
    case jbvString:
      return ValueView::of_text(jsonb_scalar_text(v));
    case jbvNumeric:
      return ValueView::of_number(numeric_to_double(v.val.numeric));
    case jbvBool:
      return ValueView::of_boolean(v.val.boolean);
    case jbvBinary: {
      JsonbContainer* container = v.val.binary.data;
      if (!JsonContainerIsArray(container)) return ValueView::null();  // objects: no scalar value
      int count = static_cast<int>(JsonContainerSize(container));
      auto* items = static_cast<std::string_view*>(palloc(sizeof(std::string_view) * (count + 1)));
      uint32_t n = 0;
      JsonbIterator* it = JsonbIteratorInit(container);
      JsonbValue elem;
      JsonbIteratorToken tok;
      while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE) {
        if (tok != WJB_ELEM) continue;
        if (n < static_cast<uint32_t>(count)) items[n++] = jsonb_scalar_text(elem);
      }
      return ValueView::of_array(items, n);
    }
    default:
      return ValueView::null();
  }
}

// A JSON array as text items, nested arrays flattened in order (palloc'd): how routing reads a
// multidimensional text[] column (deconstruct_array flattens it), so that preview() of
// to_jsonb(lead) decides what the INSERT decided.
ValueView jsonb_flat_text_array(JsonbContainer* container) {
  JsonbIterator* it = JsonbIteratorInit(container);
  JsonbValue elem;
  uint32_t count = 0;
  while (JsonbIteratorNext(&it, &elem, false) != WJB_DONE) ++count;  // bounds the items
  auto* items = static_cast<std::string_view*>(palloc(sizeof(std::string_view) * (count + 1)));
  uint32_t n = 0;
  it = JsonbIteratorInit(container);
  JsonbIteratorToken tok;
  while ((tok = JsonbIteratorNext(&it, &elem, false)) != WJB_DONE)
    if (tok == WJB_ELEM && n < count) items[n++] = jsonb_scalar_text(elem);
  return ValueView::of_array(items, n);
}

// Follows attributes.a.b through nested objects.
ValueView attribute_value(JsonbContainer* root, const std::vector<std::string>& path) {
  JsonbContainer* container = root;
  JsonbValue found;
  for (size_t i = 0; i < path.size(); ++i) {
    if (!JsonContainerIsObject(container)) return ValueView::null();
    JsonbValue* v = getKeyJsonValueFromContainer(container, path[i].data(),
                                                 static_cast<int>(path[i].size()), &found);
    if (!v) return ValueView::null();
    if (i + 1 == path.size()) return jsonb_value_view(*v);
    if (v->type != jbvBinary) return ValueView::null();
    container = v->val.binary.data;
  }
  return ValueView::null();
}

void read_attributes(Jsonb* attributes, const AttributeRegistry& registry, LeadValues* lead) {
  for (uint32_t slot = 0; slot < registry.size(); ++slot)
    lead->attributes[slot] = attribute_value(&attributes->root, registry.path(slot));
}

}  // namespace

void read_lead_tuple(const LeadLayout& layout, TupleDesc tupdesc, HeapTuple tuple,
                     const AttributeRegistry& attributes, LeadValues* lead) {
  for (const auto& f : all_fields()) {
    AttrNumber attnum = layout.input[static_cast<size_t>(f.id)];
    if (f.derived || attnum == 0) continue;
    bool isnull;
    Datum d = heap_getattr(tuple, attnum, tupdesc, &isnull);
    if (isnull) continue;
    Oid type = TupleDescAttr(tupdesc, attnum - 1)->atttypid;
    switch (f.type) {
      case FieldType::Text:
        if (type == TEXTOID || type == VARCHAROID)
          lead->set(f.id, ValueView::of_text(text_view(d)));
        break;
      case FieldType::Number:
        if (type == INT4OID)
          lead->set(f.id, ValueView::of_number(DatumGetInt32(d)));
        else if (type == INT8OID)
          lead->set(f.id, ValueView::of_number(static_cast<double>(DatumGetInt64(d))));
        break;
      case FieldType::TextArray:
        if (type == TEXTARRAYOID) lead->set(f.id, text_array_view(d));
        break;
      default:
        break;
    }
  }
  if (layout.attributes && attributes.size() > 0) {
    bool isnull;
    Datum d = heap_getattr(tuple, layout.attributes, tupdesc, &isnull);
    if (!isnull) read_attributes(DatumGetJsonbP(d), attributes, lead);
  }
}

void read_lead_jsonb(Jsonb* json, const AttributeRegistry& registry, LeadValues* lead,
                     bool strict) {
  if (!JB_ROOT_IS_OBJECT(json))
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("a lead must be a JSON object"),
             errhint("For example: {\"email\": \"jane@acme.com\", \"country\": \"US\"}")));
  JsonbIterator* it = JsonbIteratorInit(&json->root);
  JsonbValue v;
  JsonbIteratorToken tok;
  int depth = 0;
  std::string_view key;
  while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
    if (tok == WJB_BEGIN_OBJECT) {
      ++depth;
      continue;
    }
    if (tok == WJB_END_OBJECT) {
      --depth;
      continue;
    }
    if (depth != 1) continue;
    if (tok == WJB_KEY) {
      key = std::string_view(v.val.string.val, static_cast<size_t>(v.val.string.len));
      continue;
    }
    if (tok != WJB_VALUE) continue;
    const FieldInfo* f = find_field(key);
    bool is_attributes = key == "attributes";
    bool known_column = key == "id" || key == "captured_at" || key == "status" ||
                        key == "owner_id" || key == "queue";
    if (is_attributes) {
      // Any JSON value, as the attributes column takes (a stored lead replayed through preview
      // must not fail): only an object has keys, so an array or a scalar reads as no attributes,
      // exactly as routing reads it on INSERT.
      if (v.type == jbvBinary)
        for (uint32_t slot = 0; slot < registry.size(); ++slot)
          lead->attributes[slot] = attribute_value(v.val.binary.data, registry.path(slot));
      continue;
    }
    if (!f || f->derived) {
      if (known_column || !strict) continue;  // accepted, not used by routing
      char* name = pnstrdup(key.data(), key.size());
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown lead key \"%s\"", name),
               f && f->derived ? errdetail("%s is derived by routing, not an input.", name) : 0,
               errhint("Lead keys are the input columns of leadroute.leads: %s.",
                       input_field_names())));
    }
    if (v.type == jbvNull) continue;
    ValueView value = jsonb_value_view(v);
    bool ok = false;
    switch (f->type) {
      case FieldType::Text:
        if (value.kind == ValueKind::Number) {
          value = ValueView::of_text(jsonb_scalar_text(v));
        }
        ok = value.kind == ValueKind::Text;
        break;
      case FieldType::Number:
        if (value.kind == ValueKind::Text) {
          double d;
          if (parse_number(value.text, &d)) value = ValueView::of_number(d);
        }
        ok = value.kind == ValueKind::Number;
        break;
      case FieldType::TextArray:
        if (value.kind == ValueKind::TextArray) value = jsonb_flat_text_array(v.val.binary.data);
        ok = value.kind == ValueKind::TextArray;
        break;
      default:
        break;
    }
    if (!ok)
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("lead key \"%s\" must be %s", f->name,
                             f->type == FieldType::TextArray ? "an array of strings"
                             : f->type == FieldType::Number  ? "a number"
                                                             : "a string")));
    lead->set(f->id, value);
  }
}

HeapTuple write_lead_outputs(const LeadLayout& layout, TupleDesc tupdesc, HeapTuple tuple,
                             const LeadOutputs& out) {
  int natts = tupdesc->natts;
  Datum* values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
  bool* nulls = static_cast<bool*>(palloc0(sizeof(bool) * natts));
  bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
  auto set = [&](AttrNumber attnum, Datum d, bool isnull) {
    if (attnum <= 0) return;
    values[attnum - 1] = d;
    nulls[attnum - 1] = isnull;
    replace[attnum - 1] = true;
  };
  auto set_text = [&](AttrNumber attnum, std::string_view s) {
    set(attnum, PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size()))),
        false);
  };
  auto set_opt_text = [&](AttrNumber attnum, const std::optional<std::string>& s) {
    if (s)
      set_text(attnum, *s);
    else
      set(attnum, 0, true);
  };
  auto set_opt_int8 = [&](AttrNumber attnum, const std::optional<int64_t>& v) {
    if (v)
      set(attnum, Int64GetDatum(*v), false);
    else
      set(attnum, 0, true);
  };

  if (out.normalized && out.normalization) {
    const LeadValues& lead = *out.normalized;
    for (const auto& f : all_fields()) {
      if (f.derived || f.type != FieldType::Text) continue;
      if (!out.normalization->text_changed[static_cast<size_t>(f.id)]) continue;
      const ValueView& v = lead.get(f.id);
      AttrNumber attnum = layout.input[static_cast<size_t>(f.id)];
      if (v.kind == ValueKind::Text)
        set_text(attnum, v.text);
      else
        set(attnum, 0, true);
    }
    const ValueView& domain = lead.get(FieldId::EmailDomain);
    if (domain.kind == ValueKind::Text)
      set_text(layout.email_domain, domain.text);
    else
      set(layout.email_domain, 0, true);
    if (out.normalization->is_freemail)
      set(layout.is_freemail, BoolGetDatum(*out.normalization->is_freemail), false);
    else
      set(layout.is_freemail, 0, true);
  }
  if (out.decision) {
    const Decision& d = *out.decision;
    set_opt_int8(layout.owner_id, d.owner_id);
    set_text(layout.status, lead_status_name(d.status));
    set_opt_text(layout.queue, d.queue);
    set_opt_int8(layout.rule_id, d.rule_id);
    set_text(layout.routing_model, routing_model_name(d.model));
    set(layout.routed_at, TimestampTzGetDatum(out.routed_at), false);
    set_opt_int8(layout.account_id, d.account_id);
    set_opt_text(layout.match_tier, d.match_tier);
    set_opt_int8(layout.pool_id, d.pool_id);
    set_opt_int8(layout.sla_policy_id, d.sla_policy_id);
    if (d.sla_due_us)
      set(layout.sla_due_at, TimestampTzGetDatum(to_pg(*d.sla_due_us)), false);
    else
      set(layout.sla_due_at, 0, true);
  }
  return heap_modify_tuple(tuple, tupdesc, values, nulls, replace);
}

}  // namespace leadroute::pg
