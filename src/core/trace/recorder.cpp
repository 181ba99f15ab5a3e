#include "core/trace/recorder.h"

#include <algorithm>

#include "core/trace/trace_keys.h"

namespace leadroute {

namespace k = trace_key;

namespace {

void write_value(JsonWriter& w, const ValueView& v) {
  switch (v.kind) {
    case ValueKind::Null:
      w.null();
      break;
    case ValueKind::Text: {
      size_t cut = std::min<size_t>(v.text.size(), 200);
      // Never inside a UTF-8 sequence: jsonb rejects invalid UTF-8.
      while (cut > 0 && cut < v.text.size() &&
             (static_cast<unsigned char>(v.text[cut]) & 0xC0) == 0x80)
        --cut;
      w.value(v.text.substr(0, cut));
      break;
    }
    case ValueKind::Number:
      w.value(v.number);
      break;
    case ValueKind::Boolean:
      w.value(v.boolean);
      break;
    case ValueKind::TextArray:
      w.begin_array();
      for (uint32_t i = 0; i < v.item_count; ++i)
        v.items[i].data() ? w.value(v.items[i]) : w.null();
      w.end_array();
      break;
  }
}

}  // namespace

// ---- PickStep ---------------------------------------------------------------------------------

PickStep::~PickStep() {
  if (w_) w_->end_object();
}

PickStep& PickStep::backup_for(int64_t rep_id) {
  if (w_) w_->key(k::backup_for).value(rep_id);
  return *this;
}

PickStep& PickStep::owner_of(int64_t account_id) {
  if (w_) w_->key(k::owner_of).value(account_id);
  return *this;
}

PickStep& PickStep::csm_of(int64_t account_id) {
  if (w_) w_->key(k::csm_of).value(account_id);
  return *this;
}

PickStep& PickStep::ticket(int64_t ticket) {
  if (w_) w_->key(k::ticket).value(ticket);
  return *this;
}

PickStep& PickStep::slot(uint64_t slot, uint64_t period) {
  if (w_) w_->key(k::slot).value(static_cast<int64_t>(slot + 1)).key(k::period).value(period);
  return *this;
}

PickStep& PickStep::weight(double weight) {
  if (w_) w_->key(k::weight).value(weight);
  return *this;
}

PickStep& PickStep::catch_up() {
  if (w_) w_->key(k::catch_up).value(true);
  return *this;
}

PickStep& PickStep::load(int32_t open, double score) {
  if (w_) w_->key(k::open).value(static_cast<int64_t>(open)).key(k::load).value(score);
  return *this;
}

PickStep& PickStep::skill_match(int score, size_t among) {
  if (w_)
    w_->key(k::skill_match)
        .value(static_cast<int64_t>(score))
        .key(k::among)
        .value(static_cast<int64_t>(among));
  return *this;
}

PickStep& PickStep::performance(const RepOutcomes& o, double rate, double sample, double pool_rate,
                                bool explore) {
  if (!w_) return *this;
  w_->key(k::converted).value(o.converted).key(k::lost).value(o.lost);
  w_->key(k::rate).value(rate).key(k::sample).value(sample);
  w_->key(k::pool_rate).value(pool_rate).key(k::explore).value(explore);
  return *this;
}

PickStep& PickStep::points(double lead_points, double so_far) {
  if (w_) w_->key(k::points).value(lead_points).key(k::points_so_far).value(so_far);
  return *this;
}

// ---- the document -----------------------------------------------------------------------------

void TraceRecorder::begin() {
  if (on()) w_.begin_object().key(k::v).value(int64_t{1});
}

void TraceRecorder::account(const AccountMatch& match) {
  if (!on()) return;
  w_.key(k::account).begin_object();
  if (match.account) {
    const AccountRecord& a = *match.account;
    w_.key(k::id).value(a.id).key(k::name).value(a.name).key(k::status).value(a.status);
    w_.key(k::tier).value(match.tier).key(k::key).value(match.key);
    if (match.tier == "fuzzy") w_.key(k::similarity).value(a.similarity);
    if (!match.tie_break.empty()) w_.key(k::tie_break).value(match.tie_break);
  } else {
    w_.key(k::none).value(true);
  }
  if (full() && !match.tried.empty()) {
    w_.key(k::tried).begin_array();
    for (const auto& t : match.tried) w_.value(t);
    w_.end_array();
  }
  if (!match.skipped.empty()) {
    w_.key(k::skipped).begin_array();
    for (const auto& t : match.skipped) w_.value(t);
    w_.end_array();
  }
  w_.end_object();
}

void TraceRecorder::begin_rules() {
  if (on()) w_.key(k::rules).begin_array();
}

void TraceRecorder::rule_miss(int64_t rule_id, const Explanation& e) {
  ++traced_rules_;
  w_.begin_object();
  w_.key(k::id).value(rule_id);
  w_.key(e.result == Tri::Unknown ? k::unknown : k::miss).value(e.predicate);
  w_.key(k::values).begin_object();
  for (const auto& kv : e.values) {
    w_.key(kv.first);
    write_value(w_, kv.second);
  }
  w_.end_object();
  w_.end_object();
}

void TraceRecorder::begin_rule_hit(int64_t rule_id) {
  if (!on()) return;
  w_.begin_object();
  w_.key(k::id).value(rule_id).key(k::match).value(true);
  w_.key(k::steps).begin_array();
}

void TraceRecorder::end_rule_hit(std::string_view skills_note,
                                 std::optional<std::string_view> fell_through,
                                 std::optional<std::string_view> no_target) {
  if (!on()) return;
  w_.end_array();
  if (!skills_note.empty()) w_.key(k::skills).value(skills_note);
  if (fell_through)
    w_.key(k::fell_through).value(*fell_through);
  else if (no_target)
    w_.key(k::no_target).value(*no_target);
  w_.end_object();
}

void TraceRecorder::end_rules(size_t not_listed, std::string_view default_reason) {
  if (!on()) return;
  w_.end_array();
  if (not_listed) w_.key(k::more_rules).value(static_cast<int64_t>(not_listed));
  if (!default_reason.empty()) w_.key(k::default_queue).value(default_reason);
}

void TraceRecorder::default_queue(std::string_view why) {
  if (on()) w_.key(k::default_queue).value(why);
}

void TraceRecorder::error(std::string_view message) {
  if (on()) w_.key(k::error).value(message);
}

void TraceRecorder::sla(int64_t policy_id, int64_t due_us, int64_t minutes) {
  if (!on()) return;
  w_.key(k::sla).begin_object().key(k::policy).value(policy_id);
  w_.key(k::due_us).value(due_us).key(k::minutes).value(minutes);
  w_.end_object();
}

void TraceRecorder::begin_escalation(int64_t from_rep, int64_t breach) {
  if (!on()) return;
  w_.key(k::escalation).begin_object();
  w_.key(k::from).value(from_rep).key(k::breach).value(breach);
  w_.key(k::steps).begin_array();
}

void TraceRecorder::escalation_queue(std::string_view queue, std::string_view why) {
  if (on()) w_.begin_object().key(k::queue).value(queue).key(k::why).value(why).end_object();
}

void TraceRecorder::end_escalation() {
  if (on()) w_.end_array().end_object();
}

std::string TraceRecorder::finish() {
  if (!on()) return {};
  w_.end_object();
  return w_.take();
}

// ---- steps ------------------------------------------------------------------------------------

void TraceRecorder::queue(std::string_view queue) {
  if (full()) w_.begin_object().key(k::queue).value(queue).end_object();
}

void TraceRecorder::nurture(const std::optional<std::string>& track) {
  if (!full()) return;
  w_.begin_object().key(k::nurture);
  track ? w_.value(*track) : w_.null();
  w_.end_object();
}

void TraceRecorder::territory(int64_t id, std::string_view name) {
  if (on()) w_.begin_object().key(k::territory).value(id).key(k::name).value(name).end_object();
}

void TraceRecorder::no_territory(std::string_view why) {
  if (on()) w_.begin_object().key(k::territory).value(why).end_object();
}

void TraceRecorder::account_step(std::string_view why) {
  if (on()) w_.begin_object().key(k::account).value(why).end_object();
}

void TraceRecorder::begin_pool(int64_t pool_id, std::string_view strategy, bool overflow) {
  traced_candidates_ = 0;
  if (!on()) return;
  w_.begin_object().key(k::pool).value(pool_id);
  w_.key(k::strategy).value(strategy);
  if (overflow) w_.key(k::overflow).value(true);
  w_.key(k::candidates).begin_array();
}

void TraceRecorder::end_pool(std::optional<std::string_view> none) {
  if (!on()) return;
  w_.end_array();
  if (none) w_.key(k::none).value(*none);
  w_.end_object();
}

// ---- candidates -------------------------------------------------------------------------------

void TraceRecorder::skip(int64_t rep_id, std::string_view why) {
  if (on()) w_.begin_object().key(k::rep).value(rep_id).key(k::skip).value(why).end_object();
}

void TraceRecorder::candidate_skip(int64_t rep_id, std::string_view why,
                                   std::optional<int64_t> backup_for) {
  if (!full() || traced_candidates_ >= kMaxTracedCandidates) return;
  ++traced_candidates_;
  w_.begin_object().key(k::rep).value(rep_id);
  if (backup_for) w_.key(k::backup_for).value(*backup_for);
  w_.key(k::skip).value(why).end_object();
}

PickStep TraceRecorder::pick(int64_t rep_id) {
  if (!on()) return PickStep(nullptr);
  w_.begin_object().key(k::rep).value(rep_id).key(k::pick).value(true);
  return PickStep(&w_);
}

}  // namespace leadroute
