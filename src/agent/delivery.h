// A claimed notification (the leadroute.delivery type of claim_notifications) and the outcome of
// sending it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace leadroute::agent {

struct Delivery {
  int64_t id = 0;
  int attempt = 0;
  std::string event;
  int64_t lead_id = 0;
  std::string channel;    // email, slack, webhook
  std::string recipient;  // address, member id or URL
  std::string endpoint;   // empty: no endpoint matched
  std::string url;        // where to send (HTTP URL or SMTP server)
  std::string secret;
  std::string mail_from;
  int max_parallel = 4;
  int timeout_ms = 10000;
  double created_at_epoch = 0;  // seconds since 1970, when the event was written
  nlohmann::json message;       // the payload with lead, why, link, notification_id
};

struct Outcome {
  int64_t id = 0;
  bool ok = false;
  std::string error;                 // what went wrong, for last_error and the log
  std::optional<int> retry_after_s;  // a Retry-After the receiver asked for
  double seconds = 0;                // how long the send took
  double commit_to_send = 0;         // seconds from the event (written at commit) to the request
};

}  // namespace leadroute::agent
