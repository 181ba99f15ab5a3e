// The agent's side of the delivery verbs (52_delivery.sql) over one libpq connection: LISTEN for
// the wake-up, claim, ack, fail, and the outbox's depth. Each call is its own short transaction
// (autocommit): nothing stays open while notifications are being sent.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/delivery.h"

typedef struct pg_conn PGconn;

namespace leadroute::agent {

struct Depth {
  int64_t ready = 0, waiting = 0, in_flight = 0, dead = 0;
  double oldest_ready_seconds = 0;
};

// A lost connection (the caller reconnects) as opposed to an error of the call itself.
struct ConnectionLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Outbox {
 public:
  explicit Outbox(std::string conninfo);
  ~Outbox() noexcept;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Connects and LISTENs on channel leadroute; throws ConnectionLost with the server's message.
  void connect();
  bool connected() const;
  void disconnect() noexcept;
  int socket() const;
  // Reads what arrived on the socket; true when at least one NOTIFY came (a wake-up).
  bool drain_notifications();

  std::vector<Delivery> claim(const std::string& agent, int max_rows, int visibility_s,
                              const std::vector<std::string>& skip_endpoints);
  int ack(const std::string& agent, const std::vector<int64_t>& ids);
  struct FailResult {
    std::string state;    // retry, dead or ignored
    double retry_at = 0;  // seconds since 1970, for retry
  };
  FailResult fail(const std::string& agent, const Outcome& outcome);
  Depth depth();

 private:
  std::string conninfo_;
  PGconn* conn_ = nullptr;
};

}  // namespace leadroute::agent
