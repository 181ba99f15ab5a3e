#include "pg.h"

#include <algorithm>
#include <cstdlib>

namespace leadroute::bench {

namespace {

// Server NOTICEs (CREATE EXTENSION's pg_cron hint, ...) are not results: keep stdout clean.
void quiet_notices(void*, const char*) {}

}  // namespace

double Result::number(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtod(PQgetvalue(r_, row, col), nullptr);
}

Connection::Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    throw PgError("could not connect: " + message);
  }
  PQsetNoticeProcessor(conn_, quiet_notices, nullptr);
}

Connection::~Connection() {
  PQfinish(conn_);
}

void Connection::fail(const std::string& what, PGresult* r) {
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  if (r) PQclear(r);
  throw PgError(what + ": " + message);
}

void Connection::exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail(sql.substr(0, 200), r);
  PQclear(r);
}

Result Connection::query(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) fail(sql.substr(0, 200), r);
  return Result(r);
}

Result Connection::query(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) fail(sql.substr(0, 200), r);
  return Result(r);
}

std::string Connection::value(const std::string& sql) {
  Result r = query(sql);
  if (r.rows() == 0 || r.is_null(0, 0)) return "";
  return r.text(0, 0);
}

void Connection::prepare(const std::string& name, const std::string& sql, int nparams) {
  PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), nparams, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("prepare " + name, r);
  PQclear(r);
}

void Connection::exec_prepared(const std::string& name, const char* const* values, int nparams) {
  PGresult* r = PQexecPrepared(conn_, name.c_str(), nparams, values, nullptr, nullptr, 0);
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) fail("execute " + name, r);
  PQclear(r);
}

long Connection::copy_in(const std::string& copy_sql, const std::string& data) {
  PGresult* r = PQexec(conn_, copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) fail(copy_sql, r);
  PQclear(r);
  constexpr size_t kChunk = 1 << 16;
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) fail("COPY data");
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) fail("COPY end");
  r = PQgetResult(conn_);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("COPY", r);
  long rows = std::strtol(PQcmdTuples(r), nullptr, 10);
  PQclear(r);
  while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
  return rows;
}

}  // namespace leadroute::bench
