#include <cstring>
#include <new>

#include "core/util/json.h"
#include "core/lead/text.h"
#include "pg/boundary/errors.h"

namespace leadroute::pg {

namespace {

void copy_text(char* dst, size_t size, const char* src) noexcept {
  if (!src) {
    dst[0] = '\0';
    return;
  }
  size_t n = std::strlen(src);
  if (n >= size) n = size - 1;
  std::memcpy(dst, src, n);
  dst[n] = '\0';
}

int condition_sqlstate(ConditionError::Kind kind) {
  switch (kind) {
    case ConditionError::Kind::Syntax:
      return ERRCODE_SYNTAX_ERROR;
    case ConditionError::Kind::UnknownField:
      return ERRCODE_UNDEFINED_COLUMN;
    case ConditionError::Kind::Type:
      return ERRCODE_DATATYPE_MISMATCH;
    case ConditionError::Kind::Pattern:
      return ERRCODE_INVALID_REGULAR_EXPRESSION;
    case ConditionError::Kind::TooComplex:
      return ERRCODE_STATEMENT_TOO_COMPLEX;
  }
  return ERRCODE_SYNTAX_ERROR;
}

}  // namespace

std::string as_sentence(std::string_view text) {
  std::string out(text);
  if (out.empty()) return out;
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  if (out.back() != '.' && out.back() != '?' && out.back() != '!') out += '.';
  return out;
}

UserError condition_user_error(const ConditionError& e, std::string_view condition,
                               std::string_view context) {
  std::string message = "invalid ";
  message += context;
  message += " at position " + std::to_string(e.position());
  if (!e.token().empty()) message += " near \"" + e.token().substr(0, 60) + "\"";
  message += ": ";
  message += e.what();
  // Show the line of the condition that holds the position, with a caret under it.
  std::string detail;
  if (condition.size() <= 4000) {
    size_t byte = utf8_offset(condition, e.position() - 1);
    size_t line_start = condition.rfind('\n', byte == 0 ? 0 : byte - 1);
    line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
    if (byte < line_start) line_start = 0;
    size_t line_end = condition.find('\n', byte);
    if (line_end == std::string_view::npos) line_end = condition.size();
    std::string_view line = condition.substr(line_start, line_end - line_start);
    size_t column = utf8_length(condition.substr(line_start, byte - line_start));
    detail = std::string(line) + "\n" + std::string(column, ' ') + "^";
  }
  return UserError(condition_sqlstate(e.kind()), message, detail, as_sentence(e.hint()));
}

void ErrorCarrier::capture() noexcept {
  failed = true;
  pg_error = nullptr;
  sqlstate = ERRCODE_INTERNAL_ERROR;
  message[0] = detail[0] = hint[0] = '\0';
  try {
    throw;
  } catch (const PgError& e) {
    pg_error = e.data();
  } catch (const UserError& e) {
    sqlstate = e.sqlstate();
    copy_text(message, sizeof message, e.what());
    copy_text(detail, sizeof detail, e.detail().c_str());
    copy_text(hint, sizeof hint, e.hint().c_str());
  } catch (const ConditionError& e) {
    sqlstate = condition_sqlstate(e.kind());
    copy_text(message, sizeof message, e.what());
    copy_text(hint, sizeof hint, e.hint().c_str());
    if (hint[0] >= 'a' && hint[0] <= 'z') hint[0] = static_cast<char>(hint[0] - 'a' + 'A');
  } catch (const JsonParseError& e) {
    sqlstate = ERRCODE_INVALID_TEXT_REPRESENTATION;
    copy_text(message, sizeof message, e.what());
  } catch (const std::bad_alloc&) {
    sqlstate = ERRCODE_OUT_OF_MEMORY;
    copy_text(message, sizeof message, "leadroute ran out of memory");
  } catch (const std::exception& e) {
    copy_text(message, sizeof message, "leadroute internal error: ");
    size_t used = std::strlen(message);
    copy_text(message + used, sizeof message - used, e.what());
  } catch (...) {
    copy_text(message, sizeof message, "leadroute internal error: unknown C++ exception");
  }
}

void ErrorCarrier::raise() const {
  if (pg_error) ReThrowError(pg_error);
  ereport(ERROR, (errcode(sqlstate), errmsg("%s", message), detail[0] ? errdetail("%s", detail) : 0,
                  hint[0] ? errhint("%s", hint) : 0));
  pg_unreachable();
}

ErrorData* run_guarded(void (*fn)(void*) noexcept, void* arg) {
  MemoryContext context = CurrentMemoryContext;
  ErrorData* volatile error = nullptr;
  PG_TRY();
  { fn(arg); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    error = CopyErrorData();
    FlushErrorState();
  }
  PG_END_TRY();
  return error;
}

Datum text_datum(std::string_view s) {
  return pg_call([&] {
    return PointerGetDatum(cstring_to_text_with_len(s.data(), static_cast<int>(s.size())));
  });
}

}  // namespace leadroute::pg
