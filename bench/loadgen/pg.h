// A thin RAII layer over libpq: connections and results that clean up after themselves, and
// errors as exceptions carrying the server's message.
#pragma once

#include <libpq-fe.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace leadroute::bench {

class PgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }

  int rows() const { return PQntuples(r_); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string text(int row, int col) const { return PQgetvalue(r_, row, col); }
  double number(int row, int col) const;  // NULL → 0

 private:
  PGresult* r_;
};

class Connection {
 public:
  // `conninfo` as libpq takes it; "" uses PGHOST, PGPORT, PGUSER, PGDATABASE.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements; throws on error.
  void exec(const std::string& sql);
  // Runs a query and returns its rows; throws on error.
  Result query(const std::string& sql);
  Result query(const std::string& sql, const std::vector<std::string>& params);
  // The first column of the first row, or "" when there is no row or it is NULL.
  std::string value(const std::string& sql);

  void prepare(const std::string& name, const std::string& sql, int nparams);
  // Executes a prepared statement with text parameters (nullptr = NULL); throws on error.
  void exec_prepared(const std::string& name, const char* const* values, int nparams);
  // COPY ... FROM STDIN with `data` in COPY text format; returns the rows copied.
  long copy_in(const std::string& copy_sql, const std::string& data);

 private:
  [[noreturn]] void fail(const std::string& what, PGresult* r = nullptr);
  PGconn* conn_;
};

}  // namespace leadroute::bench
