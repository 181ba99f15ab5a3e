// Which rules can never win (rule_analysis.h).
//
// Each condition becomes a formula for "the condition is TRUE" in negation normal form under SQL's
// three-valued logic (NOT moves inward by asking when a predicate is FALSE, which for a comparison
// also requires its field to be non-NULL), then a disjunction of conjunctions (DNF, bounded). Each
// conjunction is read as a constraint per field: NULL or not, allowed and excluded values, an
// interval. Predicates the analysis does not model (LIKE, ~, CONTAINS, field against field,
// anything on attributes except NULL tests) are opaque atoms: an atom implies only itself, and is
// never both TRUE and FALSE. A rule is shadowed when each satisfiable conjunction implies a single
// conjunction of an earlier rule that always wins; it is never_true when no conjunction is
// satisfiable. Whenever the analysis cannot decide (too many conjunctions, unknown constructs), it
// reports nothing.
#include "core/analysis/rule_analysis.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "core/condition/condition_ast.h"

namespace leadroute {

namespace {

using detail::CmpOp;
using detail::Literal;
using detail::Node;
using detail::NodeKind;
using detail::Operand;

constexpr size_t kMaxClauses = 256;                    // per condition; more → no finding
constexpr uint64_t kMaxImplicationChecks = 5'000'000;  // per rule set; more → stop looking
constexpr uint64_t kMaxChecksPerRule = 200'000;        // per rule; more → no finding for it
constexpr size_t kMaxValuesShown = 8;
constexpr size_t kMaxCasesShown = 4;

// ---- values ---------------------------------------------------------------------------------

// A literal of a statically typed field, ordered as the evaluator compares it: text by bytes
// (std::string compares as unsigned char, like string_view::compare), numbers as doubles.
struct Scalar {
  ValueKind kind = ValueKind::Null;
  std::string text;
  double number = 0;
  bool boolean = false;

  bool operator<(const Scalar& o) const {
    if (kind != o.kind) return kind < o.kind;
    switch (kind) {
      case ValueKind::Text:
        return text < o.text;
      case ValueKind::Number:
        return number < o.number;
      case ValueKind::Boolean:
        return boolean < o.boolean;
      default:
        return false;
    }
  }
  bool operator==(const Scalar& o) const { return !(*this < o) && !(o < *this); }
};

Scalar scalar_of(const Literal& lit) {
  Scalar s;
  s.kind = lit.kind;
  s.text = lit.text;
  s.number = lit.number;
  s.boolean = lit.boolean;
  return s;
}

std::string render_scalar(const Scalar& s) {
  switch (s.kind) {
    case ValueKind::Text:
      return render_value(ValueView::of_text(s.text));
    case ValueKind::Number:
      return format_number(s.number);
    case ValueKind::Boolean:
      return s.boolean ? "TRUE" : "FALSE";
    default:
      return "NULL";
  }
}

// An unambiguous key for a literal inside an atom's canonical form.
std::string literal_key(const Literal& lit) {
  switch (lit.kind) {
    case ValueKind::Text:
      return "t" + std::to_string(lit.text.size()) + ":" + lit.text;
    case ValueKind::Number:
      return "n" + format_number(lit.number);
    case ValueKind::Boolean:
      return lit.boolean ? "b1" : "b0";
    default:
      return "z";
  }
}

// ---- literals of the normal form ------------------------------------------------------------

// Built-in fields by FieldId; attributes after them by slot (one registry for the whole set).
using FieldKey = uint32_t;
constexpr FieldKey kAttributeBase = 0x10000;

FieldKey key_of(const FieldRef& f) {
  return f.is_attribute ? kAttributeBase + f.slot : static_cast<FieldKey>(f.id);
}

enum class LitKind : uint8_t {
  IsNull,
  NotNull,
  OneOf,
  NoneOf,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  Atom
};

struct Lit {
  LitKind kind = LitKind::Atom;
  FieldKey field = 0;
  std::string field_name;
  bool boolean_field = false;
  std::set<Scalar> values;  // OneOf / NoneOf: the set; a range: its one bound
  // Atom: an opaque predicate by canonical form; `positive` is TRUE, otherwise FALSE. Either
  // way every field it reads is non-NULL (a predicate on a NULL is unknown, never TRUE or FALSE).
  std::string atom_key;
  bool positive = true;
  std::string atom_text;
  std::vector<std::pair<FieldKey, std::string>> atom_fields;
};
using LitPtr = std::shared_ptr<const Lit>;

std::string render_values(const std::set<Scalar>& values) {
  std::string out;
  size_t shown = 0;
  for (const auto& v : values) {
    if (shown == kMaxValuesShown) {
      out += ", ... (" + std::to_string(values.size() - shown) + " more)";
      break;
    }
    if (shown++) out += ", ";
    out += render_scalar(v);
  }
  return out;
}

std::string render_lit(const Lit& lit) {
  const std::string& f = lit.field_name;
  auto one = [&]() { return render_scalar(*lit.values.begin()); };
  switch (lit.kind) {
    case LitKind::IsNull:
      return f + " IS NULL";
    case LitKind::NotNull:
      return f + " IS NOT NULL";
    case LitKind::OneOf:
      return lit.values.size() == 1 ? f + " = " + one()
                                    : f + " IN (" + render_values(lit.values) + ")";
    case LitKind::NoneOf:
      return lit.values.size() == 1 ? f + " <> " + one()
                                    : f + " NOT IN (" + render_values(lit.values) + ")";
    case LitKind::Less:
      return f + " < " + one();
    case LitKind::LessEq:
      return f + " <= " + one();
    case LitKind::Greater:
      return f + " > " + one();
    case LitKind::GreaterEq:
      return f + " >= " + one();
    case LitKind::Atom:
      return lit.atom_text;
  }
  return "?";
}

// ---- formulas in negation normal form -------------------------------------------------------

struct Formula {
  enum class Kind : uint8_t { True, False, And, Or, Leaf };
  Kind kind = Kind::True;
  std::vector<Formula> children;
  LitPtr lit;

  static Formula constant(bool value) {
    Formula f;
    f.kind = value ? Kind::True : Kind::False;
    return f;
  }
  static Formula leaf(Lit literal) {
    Formula f;
    f.kind = Kind::Leaf;
    f.lit = std::make_shared<const Lit>(std::move(literal));
    return f;
  }
  // AND (or OR) of parts, with TRUE and FALSE folded away.
  static Formula join(Kind op, std::vector<Formula> parts) {
    const Kind absorbing = op == Kind::And ? Kind::False : Kind::True;
    const Kind neutral = op == Kind::And ? Kind::True : Kind::False;
    Formula f;
    f.kind = op;
    for (auto& p : parts) {
      if (p.kind == absorbing) return constant(absorbing == Kind::True);
      if (p.kind != neutral) f.children.push_back(std::move(p));
    }
    if (f.children.empty()) return constant(neutral == Kind::True);
    if (f.children.size() == 1) return std::move(f.children.front());
    return f;
  }
};

bool reads_a_field(const Node& n) {
  return n.left.is_field || n.right.is_field;
}

// A built-in field whose values always have one kind: text, number or boolean.
bool typed_scalar(const Operand& op) {
  return op.is_field && !op.field.is_attribute &&
         (op.type == FieldType::Text || op.type == FieldType::Number ||
          op.type == FieldType::Boolean);
}

ValueKind kind_of(FieldType t) {
  switch (t) {
    case FieldType::Text:
      return ValueKind::Text;
    case FieldType::Number:
      return ValueKind::Number;
    case FieldType::Boolean:
      return ValueKind::Boolean;
    default:
      return ValueKind::Null;
  }
}

const char* op_key(CmpOp op) {
  switch (op) {
    case CmpOp::Eq:
      return "=";
    case CmpOp::Ne:
      return "<>";
    case CmpOp::Lt:
      return "<";
    case CmpOp::Le:
      return "<=";
    case CmpOp::Gt:
      return ">";
    case CmpOp::Ge:
      return ">=";
  }
  return "?";
}

// Turns one compiled condition into the formula for "it is TRUE".
class Translator {
 public:
  Translator(std::string_view source, const AttributeRegistry& attributes)
      : source_(source), attributes_(attributes) {}

  // The formula for "n is TRUE" (want_true) or "n is FALSE".
  Formula truth(const Node& n, bool want_true) const {
    switch (n.kind) {
      case NodeKind::Const:
        return Formula::constant(n.const_value == want_true);
      case NodeKind::And:
      case NodeKind::Or: {
        // AND is TRUE when all are TRUE, FALSE when one is FALSE; OR the other way round.
        bool conjunction = (n.kind == NodeKind::And) == want_true;
        std::vector<Formula> parts;
        for (const auto& c : n.children) parts.push_back(truth(*c, want_true));
        return Formula::join(conjunction ? Formula::Kind::And : Formula::Kind::Or,
                             std::move(parts));
      }
      case NodeKind::Not:
        return truth(*n.children[0], !want_true);
      default:
        return predicate(n, want_true);
    }
  }

 private:
  std::string field_name(const FieldRef& f) const {
    return f.is_attribute ? attributes_.display(f.slot) : field_info(f.id).name;
  }

  Lit field_lit(LitKind kind, const Operand& field) const {
    Lit lit;
    lit.kind = kind;
    lit.field = key_of(field.field);
    lit.field_name = field_name(field.field);
    lit.boolean_field =
        field.is_field && !field.field.is_attribute && field.type == FieldType::Boolean;
    return lit;
  }

  Formula value_lit(LitKind kind, const Operand& field, std::set<Scalar> values) const {
    Lit lit = field_lit(kind, field);
    lit.values = std::move(values);
    return Formula::leaf(std::move(lit));
  }

  Formula comparison_lit(CmpOp op, const Operand& field, const Scalar& value) const {
    static constexpr LitKind kinds[] = {LitKind::OneOf,  LitKind::NoneOf,  LitKind::Less,
                                        LitKind::LessEq, LitKind::Greater, LitKind::GreaterEq};
    return value_lit(kinds[static_cast<size_t>(op)], field, {value});
  }

  Formula predicate(const Node& n, bool want_true) const {
    if (!reads_a_field(n)) {
      // Literals only ('a' = 'a', NULL IS NULL): the evaluator decides, once.
      LeadValues nothing;
      nothing.clear(0);
      Tri t = detail::evaluate_node(n, nothing);
      return Formula::constant(t == (want_true ? Tri::True : Tri::False));
    }
    // NOT IN, NOT BETWEEN, NOT LIKE: TRUE exactly when the plain predicate is FALSE.
    const bool plain_true = want_true != n.negated;
    switch (n.kind) {
      case NodeKind::IsNull:  // never unknown
        return Formula::leaf(field_lit(plain_true ? LitKind::IsNull : LitKind::NotNull, n.left));
      case NodeKind::Compare:
        return compare(n, want_true);
      case NodeKind::In:
        return in_list(n, plain_true);
      case NodeKind::Between:
        return between(n, plain_true);
      case NodeKind::Truth:
        if (typed_scalar(n.left) && n.left.type == FieldType::Boolean) {
          Scalar b;
          b.kind = ValueKind::Boolean;
          b.boolean = want_true;
          return value_lit(LitKind::OneOf, n.left, {b});
        }
        return atom(n, plain_true);
      default:  // LIKE, ILIKE, ~, CONTAINS
        return atom(n, plain_true);
    }
  }

  Formula compare(const Node& n, bool want_true) const {
    const Operand* field = nullptr;
    const Operand* value = nullptr;
    CmpOp op = n.op;
    if (n.left.is_field && !n.right.is_field) {
      field = &n.left;
      value = &n.right;
    } else if (!n.left.is_field && n.right.is_field) {
      field = &n.right;
      value = &n.left;
      op = mirrored(op);
    }
    if (!field || !typed_scalar(*field) || value->literal.kind != kind_of(field->type))
      return atom(n, want_true);
    return comparison_lit(want_true ? op : complement(op), *field, scalar_of(value->literal));
  }

  Formula in_list(const Node& n, bool plain_true) const {
    if (!typed_scalar(n.left)) return atom(n, plain_true);
    std::set<Scalar> items;
    for (const auto& lit : n.list) {
      if (lit.kind == ValueKind::Null) continue;
      if (lit.kind != kind_of(n.left.type)) return atom(n, plain_true);
      items.insert(scalar_of(lit));
    }
    // TRUE: the value is one of the items. FALSE: it is none of them and no item is NULL (a NULL
    // item makes a miss unknown).
    if (plain_true)
      return items.empty() ? Formula::constant(false)
                           : value_lit(LitKind::OneOf, n.left, std::move(items));
    if (n.list_has_null) return Formula::constant(false);
    return value_lit(LitKind::NoneOf, n.left, std::move(items));
  }

  Formula between(const Node& n, bool plain_true) const {
    if (!typed_scalar(n.left) || n.left.type == FieldType::Boolean || n.list.size() != 2 ||
        n.list[0].kind != kind_of(n.left.type) || n.list[1].kind != kind_of(n.left.type))
      return atom(n, plain_true);
    Scalar low = scalar_of(n.list[0]), high = scalar_of(n.list[1]);
    std::vector<Formula> parts;
    if (plain_true) {
      parts.push_back(comparison_lit(CmpOp::Ge, n.left, low));
      parts.push_back(comparison_lit(CmpOp::Le, n.left, high));
      return Formula::join(Formula::Kind::And, std::move(parts));
    }
    parts.push_back(comparison_lit(CmpOp::Lt, n.left, low));
    parts.push_back(comparison_lit(CmpOp::Gt, n.left, high));
    return Formula::join(Formula::Kind::Or, std::move(parts));
  }

  std::string operand_key(const Operand& op) const {
    if (op.is_field) return "f" + std::to_string(key_of(op.field));
    return literal_key(op.literal);
  }

  // The plain predicate (without NOT IN / NOT LIKE negation) as a canonical string: two atoms
  // with the same key evaluate alike on every lead.
  std::string canonical(const Node& n) const {
    std::string key = std::to_string(static_cast<int>(n.kind)) + "|";
    key += operand_key(n.left) + "|";
    switch (n.kind) {
      case NodeKind::Compare:
        key += std::string(op_key(n.op)) + "|" + operand_key(n.right);
        break;
      case NodeKind::Like:
        key += n.like && n.like->case_insensitive() ? "ci|" : "cs|";
        break;
      default:
        break;
    }
    for (const auto& lit : n.list) key += "|" + literal_key(lit);
    return key;
  }

  // An opaque predicate: plain_true asks for the plain predicate TRUE, otherwise FALSE.
  Formula atom(const Node& n, bool plain_true) const {
    Lit lit;
    lit.kind = LitKind::Atom;
    lit.atom_key = canonical(n);
    lit.positive = plain_true;
    // The source text says the node is TRUE, which is the plain predicate TRUE unless negated.
    std::string written(source_.substr(n.begin, n.end - n.begin));
    lit.atom_text = plain_true != n.negated ? written : "NOT (" + written + ")";
    for (const Operand* op : {&n.left, &n.right})
      if (op->is_field) lit.atom_fields.emplace_back(key_of(op->field), field_name(op->field));
    return Formula::leaf(std::move(lit));
  }

  std::string_view source_;
  const AttributeRegistry& attributes_;
};

// ---- DNF --------------------------------------------------------------------------------------

using Clause = std::vector<LitPtr>;

// nullopt when the DNF would have more than kMaxClauses conjunctions.
std::optional<std::vector<Clause>> to_dnf(const Formula& f) {
  std::vector<Clause> out;
  switch (f.kind) {
    case Formula::Kind::True:
      out.emplace_back();
      return out;
    case Formula::Kind::False:
      return out;
    case Formula::Kind::Leaf:
      out.push_back(Clause{f.lit});
      return out;
    case Formula::Kind::Or:
      for (const auto& c : f.children) {
        auto part = to_dnf(c);
        if (!part || out.size() + part->size() > kMaxClauses) return std::nullopt;
        out.insert(out.end(), part->begin(), part->end());
      }
      return out;
    case Formula::Kind::And: {
      out.emplace_back();
      for (const auto& c : f.children) {
        auto part = to_dnf(c);
        if (!part || out.size() * part->size() > kMaxClauses) return std::nullopt;
        std::vector<Clause> next;
        for (const auto& a : out)
          for (const auto& p : *part) {
            Clause joined = a;
            joined.insert(joined.end(), p.begin(), p.end());
            next.push_back(std::move(joined));
          }
        out = std::move(next);
      }
      return out;
    }
  }
  return std::nullopt;
}

// ---- constraint domains -----------------------------------------------------------------------

struct Bound {
  Scalar value;
  bool inclusive = true;
};

// What one conjunction allows for one field.
struct FieldDomain {
  std::string name;
  bool boolean_field = false;
  bool must_be_null = false;
  bool must_not_be_null = false;
  bool tested_not_null = false;             // by a NULL test or a value, not only by an atom
  std::optional<std::set<Scalar>> allowed;  // a finite set of values, when known
  std::set<Scalar> excluded;
  std::optional<Bound> low, high;
  std::vector<std::string> written;  // the literals that constrain it, for explanations

  bool has_values() const { return allowed || !excluded.empty() || low || high; }

  bool within_bounds(const Scalar& v) const {
    if (low && (v < low->value || (v == low->value && !low->inclusive))) return false;
    if (high && (high->value < v || (v == high->value && !high->inclusive))) return false;
    return true;
  }
  bool admits(const Scalar& v) const {
    if (allowed && !allowed->count(v)) return false;
    return !excluded.count(v) && within_bounds(v);
  }

  void note(const std::string& text) {
    if (std::find(written.begin(), written.end(), text) == written.end()) written.push_back(text);
  }

  void tighten_low(const Bound& b) {
    if (!low || low->value < b.value || (b.value == low->value && !b.inclusive)) low = b;
  }
  void tighten_high(const Bound& b) {
    if (!high || b.value < high->value || (b.value == high->value && !b.inclusive)) high = b;
  }

  void add(const Lit& lit) {
    name = lit.field_name;
    boolean_field = boolean_field || lit.boolean_field;
    note(render_lit(lit));
    if (lit.kind == LitKind::IsNull) {
      must_be_null = true;
      return;
    }
    must_not_be_null = tested_not_null = true;  // the other literals need a non-NULL value
    switch (lit.kind) {
      case LitKind::OneOf:
        if (!allowed) {
          allowed = lit.values;
        } else {
          std::set<Scalar> both;
          for (const auto& v : *allowed)
            if (lit.values.count(v)) both.insert(v);
          allowed = std::move(both);
        }
        break;
      case LitKind::NoneOf:
        excluded.insert(lit.values.begin(), lit.values.end());
        break;
      case LitKind::Less:
      case LitKind::LessEq:
        tighten_high(Bound{*lit.values.begin(), lit.kind == LitKind::LessEq});
        break;
      case LitKind::Greater:
      case LitKind::GreaterEq:
        tighten_low(Bound{*lit.values.begin(), lit.kind == LitKind::GreaterEq});
        break;
      default:
        break;
    }
  }

  // Brings the domain to a canonical form; false when no lead can satisfy it.
  bool normalize() {
    if (boolean_field && must_not_be_null && !allowed) {
      Scalar f, t;
      f.kind = t.kind = ValueKind::Boolean;
      t.boolean = true;
      allowed = std::set<Scalar>{f, t};
    }
    if (!allowed && low && high && low->value == high->value && low->inclusive && high->inclusive)
      allowed = std::set<Scalar>{low->value};
    if (allowed) {
      std::set<Scalar> kept;
      for (const auto& v : *allowed)
        if (!excluded.count(v) && within_bounds(v)) kept.insert(v);
      allowed = std::move(kept);
      excluded.clear();
      low.reset();
      high.reset();
    }
    if (must_be_null && must_not_be_null) return false;
    if (allowed && allowed->empty()) return false;
    if (low && high &&
        (high->value < low->value ||
         (low->value == high->value && !(low->inclusive && high->inclusive))))
      return false;
    return true;
  }

  // The domain as condition text (for the cases of a split conjunction).
  void render(std::vector<std::string>* parts) const {
    if (must_be_null) {
      parts->push_back(name + " IS NULL");
      return;
    }
    if (allowed) {
      parts->push_back(allowed->size() == 1 ? name + " = " + render_scalar(*allowed->begin())
                                            : name + " IN (" + render_values(*allowed) + ")");
      return;
    }
    size_t before = parts->size();
    if (low) parts->push_back(name + (low->inclusive ? " >= " : " > ") + render_scalar(low->value));
    if (high)
      parts->push_back(name + (high->inclusive ? " <= " : " < ") + render_scalar(high->value));
    if (excluded.size() == 1) parts->push_back(name + " <> " + render_scalar(*excluded.begin()));
    if (excluded.size() > 1) parts->push_back(name + " NOT IN (" + render_values(excluded) + ")");
    if (parts->size() == before && tested_not_null) parts->push_back(name + " IS NOT NULL");
  }
};

bool low_at_least(const std::optional<Bound>& b, const Bound& a) {
  if (!b) return false;
  if (a.value < b->value) return true;
  if (b->value < a.value) return false;
  return a.inclusive || !b->inclusive;
}

bool high_at_most(const std::optional<Bound>& b, const Bound& a) {
  if (!b) return false;
  if (b->value < a.value) return true;
  if (a.value < b->value) return false;
  return a.inclusive || !b->inclusive;
}

// Every value `b` allows, `a` allows too (both normalized; b satisfiable).
bool field_implies(const FieldDomain& b, const FieldDomain& a) {
  if (a.must_be_null && !b.must_be_null) return false;
  if (a.must_not_be_null && !b.must_not_be_null) return false;
  if (!a.has_values()) return true;
  if (b.allowed) {
    for (const auto& v : *b.allowed)
      if (!a.admits(v)) return false;
    return true;
  }
  if (a.allowed) return false;  // b allows infinitely many text or number values
  if (a.low && !low_at_least(b.low, *a.low)) return false;
  if (a.high && !high_at_most(b.high, *a.high)) return false;
  for (const auto& v : a.excluded)
    if (!b.excluded.count(v) && b.within_bounds(v)) return false;
  return true;
}

using AtomId = std::pair<std::string, bool>;

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// One conjunction as constraints per field plus opaque atoms.
struct ClauseDomain {
  std::map<FieldKey, FieldDomain> fields;
  std::map<AtomId, std::string> atoms;  // → text as written
  std::string contradiction;            // empty when satisfiable

  bool satisfiable() const { return contradiction.empty(); }

  explicit ClauseDomain(const Clause& clause) {
    for (const auto& lit : clause) {
      if (lit->kind == LitKind::Atom) {
        atoms.emplace(AtomId{lit->atom_key, lit->positive}, lit->atom_text);
        for (const auto& [key, field_name] : lit->atom_fields) {
          FieldDomain& d = fields[key];
          d.name = field_name;
          d.must_not_be_null = true;
          d.note(lit->atom_text);
        }
        continue;
      }
      fields[lit->field].add(*lit);
    }
    check();
  }

  // Sets `contradiction` when no lead satisfies the conjunction (normalizing the fields).
  void check() {
    for (auto& [key, d] : fields)
      if (!d.normalize()) {
        contradiction = "no lead has " + join(d.written, " AND ");
        return;
      }
    for (const auto& [id, text] : atoms)
      if (id.second && atoms.count({id.first, false})) {
        contradiction = text + " cannot be both true and false";
        return;
      }
  }

  std::string render() const {
    std::vector<std::string> parts;
    for (const auto& [key, d] : fields) d.render(&parts);
    for (const auto& [id, text] : atoms) parts.push_back(text);
    return parts.empty() ? "TRUE" : join(parts, " AND ");
  }
};

// b implies a: every lead that satisfies b satisfies a (b satisfiable).
bool clause_implies(const ClauseDomain& b, const ClauseDomain& a) {
  for (const auto& [id, text] : a.atoms)
    if (!b.atoms.count(id)) return false;
  const FieldDomain unconstrained;
  for (const auto& [key, ad] : a.fields) {
    auto it = b.fields.find(key);
    if (!field_implies(it == b.fields.end() ? unconstrained : it->second, ad)) return false;
  }
  return true;
}

// ---- the rule set -----------------------------------------------------------------------------

struct AnalyzedRule {
  const RuleForAnalysis* input = nullptr;
  bool decided = false;               // the DNF stayed within bounds
  bool always_true = false;           // a catch-all
  std::vector<ClauseDomain> clauses;  // satisfiable conjunctions only
  std::vector<std::string> contradictions;
};

AnalyzedRule analyze(const RuleForAnalysis& rule, AttributeRegistry& attributes) {
  AnalyzedRule out;
  out.input = &rule;
  Condition condition = Condition::compile(rule.condition, attributes);
  out.always_true = condition.always_true();
  Formula f = Translator(condition.text(), attributes).truth(*condition.root(), true);
  std::optional<std::vector<Clause>> dnf = to_dnf(f);
  if (!dnf) return out;
  out.decided = true;
  for (const auto& clause : *dnf) {
    ClauseDomain d(clause);
    if (d.satisfiable())
      out.clauses.push_back(std::move(d));
    else if (std::find(out.contradictions.begin(), out.contradictions.end(), d.contradiction) ==
             out.contradictions.end())
      out.contradictions.push_back(d.contradiction);
  }
  return out;
}

// A part of a later rule's condition and the earlier rule that takes its leads.
struct Case {
  std::string text;
  const AnalyzedRule* rule;
};

// Finds, for one conjunction of a later rule, earlier rules that together take all its leads:
// one earlier conjunction that it implies, or else a split into cases (per listed value, or at
// the bounds earlier rules use, plus the NULL case) each covered in turn.
class Coverer {
 public:
  // The earlier rules are [begin, end), in priority order.
  Coverer(const AnalyzedRule* begin, const AnalyzedRule* end, uint64_t budget)
      : earlier_{begin, end}, budget_(budget) {}

  uint64_t budget_left() const { return budget_; }

  bool cover(const ClauseDomain& b, int depth, std::vector<Case>* out) {
    if (const AnalyzedRule* a = direct(b)) {
      out->push_back({b.render(), a});
      return true;
    }
    if (depth == kMaxSplitDepth || budget_ == 0) return false;
    for (FieldKey field : split_candidates(b)) {
      std::vector<ClauseDomain> parts = split(b, field);
      if (parts.size() < 2) continue;
      std::vector<Case> cases;
      bool all = true;
      for (const auto& part : parts)
        if (!cover(part, depth + 1, &cases)) {
          all = false;
          break;
        }
      if (all) {
        out->insert(out->end(), cases.begin(), cases.end());
        return true;
      }
    }
    return false;
  }

 private:
  static constexpr int kMaxSplitDepth = 2;
  static constexpr size_t kMaxParts = 65;
  static constexpr size_t kMaxSplitFields = 6;

  const AnalyzedRule* direct(const ClauseDomain& b) {
    for (const AnalyzedRule& a : earlier_) {
      if (a.input->can_fall_through) continue;
      if (a.always_true) return &a;
      for (const ClauseDomain& ac : a.clauses) {
        if (budget_ == 0) return nullptr;
        --budget_;
        if (clause_implies(b, ac)) return &a;
      }
    }
    return nullptr;
  }

  // Fields worth splitting on: those with several listed values, then those earlier rules
  // constrain by value.
  std::vector<FieldKey> split_candidates(const ClauseDomain& b) const {
    std::vector<FieldKey> out;
    for (const auto& [key, d] : b.fields)
      if (d.allowed && d.allowed->size() > 1) out.push_back(key);
    for (const AnalyzedRule& a : earlier_) {
      if (a.input->can_fall_through) continue;
      for (const ClauseDomain& ac : a.clauses)
        for (const auto& [key, d] : ac.fields)
          if ((d.has_values() || d.must_be_null) &&
              std::find(out.begin(), out.end(), key) == out.end())
            out.push_back(key);
    }
    if (out.size() > kMaxSplitFields) out.resize(kMaxSplitFields);
    return out;
  }

  // The values earlier rules compare `field` with, in order.
  std::set<Scalar> cut_points(FieldKey field) const {
    std::set<Scalar> cuts;
    for (const AnalyzedRule& a : earlier_) {
      if (a.input->can_fall_through) continue;
      for (const ClauseDomain& ac : a.clauses) {
        auto it = ac.fields.find(field);
        if (it == ac.fields.end()) continue;
        const FieldDomain& d = it->second;
        if (d.allowed) cuts.insert(d.allowed->begin(), d.allowed->end());
        cuts.insert(d.excluded.begin(), d.excluded.end());
        if (d.low) cuts.insert(d.low->value);
        if (d.high) cuts.insert(d.high->value);
      }
    }
    return cuts;
  }

  // Cases that together are exactly b: each is b with more constraints on `field`.
  std::vector<ClauseDomain> split(const ClauseDomain& b, FieldKey field) const {
    std::vector<ClauseDomain> parts;
    auto add = [&](const std::function<void(FieldDomain&)>& narrow) {
      ClauseDomain part = b;
      narrow(part.fields[field]);
      part.check();
      if (part.satisfiable()) parts.push_back(std::move(part));
    };
    FieldDomain model;  // name and type of the field, from b or from an earlier rule
    auto own = b.fields.find(field);
    if (own != b.fields.end()) {
      model = own->second;
    } else {
      for (const AnalyzedRule& a : earlier_)
        for (const ClauseDomain& ac : a.clauses)
          if (ac.fields.count(field)) model = ac.fields.at(field);
      model.must_be_null = model.must_not_be_null = model.tested_not_null = false;
    }
    auto stamp = [&](FieldDomain& d) {
      d.name = model.name;
      d.boolean_field = model.boolean_field;
    };
    if (!model.must_not_be_null)
      add([&](FieldDomain& d) {
        stamp(d);
        d.must_be_null = true;
      });
    auto not_null = [&](FieldDomain& d) {
      stamp(d);
      d.must_not_be_null = d.tested_not_null = true;
    };
    if (own != b.fields.end() && own->second.allowed) {
      for (const auto& v : *own->second.allowed)
        add([&](FieldDomain& d) {
          not_null(d);
          d.allowed = std::set<Scalar>{v};
        });
      return parts.size() <= kMaxParts ? parts : std::vector<ClauseDomain>{};
    }
    // Below the first cut, each cut, between two cuts, above the last.
    std::set<Scalar> cuts = cut_points(field);
    if (cuts.empty() || cuts.size() * 2 + 2 > kMaxParts) return {};
    const Scalar* previous = nullptr;
    for (const auto& c : cuts) {
      add([&](FieldDomain& d) {
        not_null(d);
        if (previous) d.tighten_low(Bound{*previous, false});
        d.tighten_high(Bound{c, false});
      });
      add([&](FieldDomain& d) {
        not_null(d);
        if (d.allowed)
          d.allowed = d.allowed->count(c) ? std::set<Scalar>{c} : std::set<Scalar>{};
        else
          d.allowed = std::set<Scalar>{c};
      });
      previous = &c;
    }
    add([&](FieldDomain& d) {
      not_null(d);
      d.tighten_low(Bound{*previous, false});
    });
    return parts;
  }

  struct Range {
    const AnalyzedRule* first;
    const AnalyzedRule* last;
    const AnalyzedRule* begin() const { return first; }
    const AnalyzedRule* end() const { return last; }
  } earlier_;
  uint64_t budget_;
};

std::string rule_label(const RuleForAnalysis& r) {
  std::string out = r.name.empty() ? "rule " + std::to_string(r.id) : "rule '" + r.name + "'";
  if (r.priority) out += " (priority " + std::to_string(*r.priority) + ")";
  return out;
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string never_true_explanation(const AnalyzedRule& r) {
  std::string out = "its condition can never be true: ";
  if (r.contradictions.empty()) return out + "it is false whatever the lead holds";
  for (size_t i = 0; i < r.contradictions.size() && i < kMaxCasesShown; ++i) {
    if (i) out += "; ";
    out += r.contradictions[i];
  }
  if (r.contradictions.size() > kMaxCasesShown) out += "; ...";
  return out;
}

std::string shadowed_explanation(const AnalyzedRule& b, const std::vector<Case>& cases) {
  const AnalyzedRule* first = cases.front().rule;
  bool one_rule =
      std::all_of(cases.begin(), cases.end(), [&](const Case& c) { return c.rule == first; });
  if (one_rule) {
    std::string out = "every lead it matches is taken first by " + rule_label(*first->input) + ": ";
    if (first->always_true) return out + "that rule matches every lead";
    return out + trimmed(b.input->condition) + " implies " + trimmed(first->input->condition);
  }
  std::string out = "every lead it matches is taken first by earlier rules: ";
  for (size_t i = 0; i < cases.size(); ++i) {
    if (i == kMaxCasesShown) {
      out += "; and " + std::to_string(cases.size() - i) + " more cases";
      break;
    }
    if (i) out += "; ";
    out += "where " + cases[i].text + ", by " + rule_label(*cases[i].rule->input);
  }
  return out;
}

// The earliest rule before `end` that matches every lead and always wins, if any.
const AnalyzedRule* catch_all_before(const std::vector<AnalyzedRule>& analyzed, size_t end) {
  for (size_t j = 0; j < end; ++j)
    if (analyzed[j].always_true && !analyzed[j].input->can_fall_through) return &analyzed[j];
  return nullptr;
}

}  // namespace

const char* unreachable_kind_name(UnreachableKind kind) {
  return kind == UnreachableKind::NeverTrue ? "never_true" : "shadowed";
}

bool action_can_fall_through(std::string_view action) {
  return !(action == "rep" || action == "pool" || action == "queue" || action == "nurture");
}

std::vector<UnreachableRule> find_unreachable_rules(const std::vector<RuleForAnalysis>& rules) {
  AttributeRegistry attributes;  // shared, so that an attribute has one slot in every rule
  std::vector<AnalyzedRule> analyzed;
  analyzed.reserve(rules.size());
  for (const auto& r : rules) analyzed.push_back(analyze(r, attributes));

  std::vector<UnreachableRule> found;
  uint64_t budget = kMaxImplicationChecks;
  for (size_t i = 0; i < analyzed.size() && budget > 0; ++i) {
    const AnalyzedRule& b = analyzed[i];
    if (b.decided && b.clauses.empty()) {
      found.push_back({b.input->id, UnreachableKind::NeverTrue, {}, never_true_explanation(b)});
      continue;
    }
    std::vector<Case> cases;
    if (const AnalyzedRule* catch_all = catch_all_before(analyzed, i)) {
      cases.push_back({"", catch_all});  // covers even a condition too large to analyze
    } else {
      if (!b.decided) continue;
      // Each satisfiable conjunction must be covered, case by case, by earlier conjunctions.
      uint64_t allowance = std::min(budget, kMaxChecksPerRule);
      Coverer coverer(analyzed.data(), analyzed.data() + i, allowance);
      bool all = true;
      for (const ClauseDomain& clause : b.clauses)
        if (!coverer.cover(clause, 0, &cases)) {
          all = false;
          break;
        }
      budget -= allowance - coverer.budget_left();
      if (!all) continue;
    }
    UnreachableRule u{b.input->id, UnreachableKind::Shadowed, {}, shadowed_explanation(b, cases)};
    for (const AnalyzedRule& a : analyzed)  // priority order, each once
      if (std::any_of(cases.begin(), cases.end(), [&](const Case& c) { return c.rule == &a; }))
        u.covered_by.push_back(a.input->id);
    found.push_back(std::move(u));
  }
  return found;
}

}  // namespace leadroute
