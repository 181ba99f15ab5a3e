#include "agent/outbox.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace leadroute::agent {

namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string get(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? std::string() : std::string(PQgetvalue(r, row, col));
}

}  // namespace

Outbox::Outbox(std::string conninfo) : conninfo_(std::move(conninfo)) {}

Outbox::~Outbox() noexcept {
  disconnect();
}

void Outbox::disconnect() noexcept {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

bool Outbox::connected() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

int Outbox::socket() const {
  return conn_ ? PQsocket(conn_) : -1;
}

void Outbox::connect() {
  disconnect();
  conn_ = PQconnectdb(conninfo_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    disconnect();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw ConnectionLost("could not connect to the database: " + msg);
  }
  Result r(PQexec(conn_, "SET application_name = 'leadroute-agent'; LISTEN leadroute"), PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
    throw ConnectionLost(std::string("LISTEN leadroute failed: ") + PQerrorMessage(conn_));
}

bool Outbox::drain_notifications() {
  if (!conn_) return false;
  if (!PQconsumeInput(conn_)) throw ConnectionLost(PQerrorMessage(conn_));
  bool woke = false;
  while (PGnotify* n = PQnotifies(conn_)) {
    woke = true;
    PQfreemem(n);
  }
  return woke;
}

namespace {

// Runs one statement; a broken connection becomes ConnectionLost, any other error a runtime_error
// naming the call, with the server's message and hint.
Result run(PGconn* conn, const char* what, const char* sql, int n, const char* const* values) {
  if (!conn) throw ConnectionLost("not connected");
  Result r(PQexecParams(conn, sql, n, nullptr, values, nullptr, nullptr, 0), PQclear);
  ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return r;
  std::string msg = PQerrorMessage(conn);
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  if (PQstatus(conn) != CONNECTION_OK) throw ConnectionLost(std::string(what) + ": " + msg);
  const char* hint = r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_HINT) : nullptr;
  throw std::runtime_error(std::string(what) + " failed: " + msg +
                           (hint ? std::string(" (hint: ") + hint + ")" : std::string()));
}

}  // namespace

std::vector<Delivery> Outbox::claim(const std::string& agent, int max_rows, int visibility_s,
                                    const std::vector<std::string>& skip_endpoints) {
  std::string rows = std::to_string(max_rows);
  std::string vis = std::to_string(visibility_s) + " seconds";
  std::string skip = text_array(skip_endpoints);
  const char* values[] = {agent.c_str(), rows.c_str(), vis.c_str(), skip.c_str()};
  Result r = run(conn_, "leadroute.claim_notifications",
                 "SELECT id, attempt, event, lead_id, channel, recipient, endpoint, url, secret,"
                 " mail_from, max_parallel, timeout_ms, extract(epoch FROM created_at), message"
                 " FROM leadroute.claim_notifications($1, $2::int, $3::interval, $4::text[])",
                 4, values);
  std::vector<Delivery> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    Delivery d;
    d.id = std::stoll(get(r.get(), i, 0));
    d.attempt = std::stoi(get(r.get(), i, 1));
    d.event = get(r.get(), i, 2);
    d.lead_id = std::stoll(get(r.get(), i, 3));
    d.channel = get(r.get(), i, 4);
    d.recipient = get(r.get(), i, 5);
    d.endpoint = get(r.get(), i, 6);
    d.url = get(r.get(), i, 7);
    d.secret = get(r.get(), i, 8);
    d.mail_from = get(r.get(), i, 9);
    if (!PQgetisnull(r.get(), i, 10)) d.max_parallel = std::stoi(get(r.get(), i, 10));
    if (!PQgetisnull(r.get(), i, 11)) d.timeout_ms = std::stoi(get(r.get(), i, 11));
    d.created_at_epoch = std::stod(get(r.get(), i, 12));
    d.message = nlohmann::json::parse(get(r.get(), i, 13), nullptr, false);
    if (d.message.is_discarded()) d.message = nlohmann::json::object();
    out.push_back(std::move(d));
  }
  return out;
}

int Outbox::ack(const std::string& agent, const std::vector<int64_t>& ids) {
  std::string arr = "{";
  for (size_t i = 0; i < ids.size(); ++i) arr += (i ? "," : "") + std::to_string(ids[i]);
  arr += "}";
  const char* values[] = {agent.c_str(), arr.c_str()};
  Result r = run(conn_, "leadroute.ack_notifications",
                 "SELECT leadroute.ack_notifications($1, $2::bigint[])", 2, values);
  return std::stoi(get(r.get(), 0, 0));
}

Outbox::FailResult Outbox::fail(const std::string& agent, const Outcome& o) {
  std::string id = std::to_string(o.id);
  std::string retry = o.retry_after_s ? std::to_string(*o.retry_after_s) + " seconds" : "";
  const char* values[] = {agent.c_str(), id.c_str(), o.error.c_str(),
                          o.retry_after_s ? retry.c_str() : nullptr};
  Result r = run(conn_, "leadroute.fail_notification",
                 "SELECT state, coalesce(extract(epoch FROM retry_at), 0)"
                 " FROM leadroute.fail_notification($1, $2::bigint, $3, $4::interval)",
                 4, values);
  return FailResult{get(r.get(), 0, 0), std::stod(get(r.get(), 0, 1))};
}

Depth Outbox::depth() {
  Result r = run(conn_, "leadroute.outbox_depth",
                 "SELECT ready, waiting, in_flight, dead, coalesce(oldest_ready_seconds, 0)"
                 " FROM leadroute.outbox_depth()",
                 0, nullptr);
  Depth d;
  d.ready = std::stoll(get(r.get(), 0, 0));
  d.waiting = std::stoll(get(r.get(), 0, 1));
  d.in_flight = std::stoll(get(r.get(), 0, 2));
  d.dead = std::stoll(get(r.get(), 0, 3));
  d.oldest_ready_seconds = std::stod(get(r.get(), 0, 4));
  return d;
}

}  // namespace leadroute::agent
