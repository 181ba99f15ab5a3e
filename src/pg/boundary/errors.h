// The C++ / PostgreSQL error boundary (docs/contributing.md, rules 1-3).
//
// - LR_FUNCTION(name) defines an SQL-callable function: an extern "C" entry point that runs the C++
//   body under a catch-all and reports any exception with ereport *after* the catch block, when no
//   C++ object is alive any more.
// - pg_call(fn) runs PostgreSQL code from inside C++ frames: an ereport inside fn becomes a
//   PgError exception, so C++ destructors run, and is re-raised unchanged at the boundary.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/condition/condition.h"
#include "pg/boundary/pg.h"

namespace leadroute::pg {

// A PostgreSQL error caught by pg_call, to be re-raised with its SQLSTATE and message intact.
class PgError final : public std::exception {
 public:
  explicit PgError(ErrorData* data) : data_(data) {}
  const char* what() const noexcept override { return data_->message ? data_->message : "error"; }
  ErrorData* data() const { return data_; }

 private:
  ErrorData* data_;
};

// An error a user can cause, with what was wrong, where, and what to do.
class UserError final : public std::exception {
 public:
  UserError(int sqlstate, std::string message, std::string detail = {}, std::string hint = {})
      : sqlstate_(sqlstate),
        message_(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }

 private:
  int sqlstate_;
  std::string message_, detail_, hint_;
};

// "use IS NULL" → "Use IS NULL.": PostgreSQL's style for details and hints.
std::string as_sentence(std::string_view text);

// Turns a condition error into a UserError whose detail shows the condition with a caret.
UserError condition_user_error(const ConditionError& e, std::string_view condition,
                               std::string_view context);

// Plain data only: it lives in the frame that ereports.
struct ErrorCarrier {
  bool failed = false;
  ErrorData* pg_error = nullptr;
  int sqlstate = 0;
  char message[1024];
  char detail[2048];
  char hint[1024];

  // Call only inside a catch block: classifies the current exception without allocating.
  void capture() noexcept;
  [[noreturn]] void raise() const;
};

// Runs fn(arg) under PG_TRY; returns the error it raised (copied, error state cleared) or null.
// fn must not throw C++ exceptions: it is noexcept, so a C++ throw inside it terminates the backend
// loudly instead of unwinding past PG_TRY and leaving PG_exception_stack dangling. The result of
// fn lives in the caller's frame, which longjmp cannot clobber.
ErrorData* run_guarded(void (*fn)(void*) noexcept, void* arg);

template <typename Fn>
auto pg_call(Fn&& fn) -> decltype(fn()) {
  using Result = decltype(fn());
  using FnType = std::remove_reference_t<Fn>;
  if constexpr (std::is_void_v<Result>) {
    ErrorData* error = run_guarded([](void* p) noexcept { (*static_cast<FnType*>(p))(); }, &fn);
    if (error) throw PgError(error);
  } else {
    static_assert(std::is_trivially_copyable_v<Result>, "pg_call returns plain values only");
    struct Context {
      FnType* fn;
      Result* out;
    };
    Result result{};
    Context context{&fn, &result};
    ErrorData* error = run_guarded(
        [](void* p) noexcept {
          auto* c = static_cast<Context*>(p);
          *c->out = (*c->fn)();
        },
        &context);
    if (error) throw PgError(error);
    return result;
  }
}

// text Datum from a C++ string (palloc'd in the current memory context).
Datum text_datum(std::string_view s);

}  // namespace leadroute::pg

#define LR_FUNCTION(sql_name)                            \
  static Datum sql_name##_body(FunctionCallInfo fcinfo); \
  extern "C" {                                           \
  PG_FUNCTION_INFO_V1(sql_name);                         \
  Datum sql_name(PG_FUNCTION_ARGS) {                     \
    ::leadroute::pg::ErrorCarrier lr_error;              \
    Datum lr_result = 0;                                 \
    try {                                                \
      lr_result = sql_name##_body(fcinfo);               \
    } catch (...) {                                      \
      lr_error.capture();                                \
    }                                                    \
    if (lr_error.failed) lr_error.raise();               \
    return lr_result;                                    \
  }                                                      \
  }                                                      \
  static Datum sql_name##_body(FunctionCallInfo fcinfo)
