// The decision trace, written through typed calls: the router says what happened (a rule missed,
// a candidate was skipped or picked, the SLA clock started) and the recorder writes it under the
// keys of trace_keys.h, which explain reads. Off: every call does nothing. Compact: rule misses
// and the queue and nurture steps are left out. Full: everything, with the listed rule misses
// and candidates per pool bounded (kMaxTracedRules, kMaxTracedCandidates).
#pragma once
#include "core/util/core_guard.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/condition/condition.h"
#include "core/lead/value.h"
#include "core/matching/matching.h"
#include "core/strategies/selection.h"
#include "core/util/json.h"

namespace leadroute {

enum class TraceLevel : uint8_t { Off, Compact, Full };

// Non-matching rules listed one by one in a full trace; the rest are counted.
constexpr size_t kMaxTracedRules = 100;
// Candidates listed one by one per pool in a full trace; the rest are counted.
constexpr size_t kMaxTracedCandidates = 50;

class TraceRecorder;

// A picked candidate: {"rep": id, "pick": true, ...how}. Written when it goes out of scope, so a
// pick reads as one expression: `trace.pick(rep.id).ticket(t).slot(s, period);`.
class PickStep {
 public:
  PickStep(const PickStep&) = delete;
  PickStep& operator=(const PickStep&) = delete;
  ~PickStep();

  PickStep& backup_for(int64_t rep_id);
  PickStep& owner_of(int64_t account_id);
  PickStep& csm_of(int64_t account_id);
  PickStep& ticket(int64_t ticket);
  PickStep& slot(uint64_t slot, uint64_t period);  // slot 0-based; written 1-based
  PickStep& weight(double weight);                 // weighted rotations only
  PickStep& catch_up();
  PickStep& load(int32_t open, double score);
  PickStep& skill_match(int score, size_t among);
  PickStep& performance(const RepOutcomes& o, double rate, double sample, double pool_rate,
                        bool explore);
  PickStep& points(double lead_points, double so_far);

 private:
  friend class TraceRecorder;
  explicit PickStep(JsonWriter* w) : w_(w) {}
  JsonWriter* w_;  // nullptr when tracing is off
};

class TraceRecorder {
 public:
  explicit TraceRecorder(TraceLevel level) : level_(level) {}

  bool on() const { return level_ != TraceLevel::Off; }
  bool full() const { return level_ == TraceLevel::Full; }

  // ---- the document ----
  void begin();  // {"v": 1
  void account(const AccountMatch& match);
  void begin_rules();
  // A rule that did not match: full traces list up to kMaxTracedRules (the caller counts the
  // others, and explains the condition only for the listed ones).
  bool lists_rule_miss() const { return full() && traced_rules_ < kMaxTracedRules; }
  void rule_miss(int64_t rule_id, const Explanation& e);
  void begin_rule_hit(int64_t rule_id);
  // fell_through: the rule does not apply after all; no_target: nobody can take the lead.
  void end_rule_hit(std::string_view skills_note, std::optional<std::string_view> fell_through,
                    std::optional<std::string_view> no_target);
  void end_rules(size_t not_listed, std::string_view default_reason);
  // Decisions made without rules: why the lead went to the default queue; why routing failed.
  void default_queue(std::string_view why);
  void error(std::string_view message);
  void sla(int64_t policy_id, int64_t due_us, int64_t minutes);
  void begin_escalation(int64_t from_rep, int64_t breach);
  void escalation_queue(std::string_view queue, std::string_view why);
  void end_escalation();
  std::string finish();  // closes the document; "" when off

  // ---- steps of an action ----
  void queue(std::string_view queue);                     // full only
  void nurture(const std::optional<std::string>& track);  // full only
  void territory(int64_t id, std::string_view name);
  void no_territory(std::string_view why);
  void account_step(std::string_view why);  // the account rule does not apply: why
  void begin_pool(int64_t pool_id, std::string_view strategy, bool overflow);
  void end_pool(std::optional<std::string_view> none);

  // ---- candidates ----
  // A rep who cannot take the lead, always listed (a named rep, an account's rep).
  void skip(int64_t rep_id, std::string_view why);
  // A pool member (or a backup) who cannot take the lead: full traces only, at most
  // kMaxTracedCandidates per pool.
  void candidate_skip(int64_t rep_id, std::string_view why,
                      std::optional<int64_t> backup_for = std::nullopt);
  PickStep pick(int64_t rep_id);

 private:
  TraceLevel level_;
  JsonWriter w_;
  size_t traced_rules_ = 0;
  size_t traced_candidates_ = 0;
};

}  // namespace leadroute
