// Sending with libcurl: one Transport per worker thread keeps its connection to an endpoint open
// between requests (no hand-written HTTP or SMTP).
#pragma once

#include <string>
#include <vector>

#include "agent/delivery.h"

typedef void CURL;

namespace leadroute::agent {

class Transport {
 public:
  Transport();
  ~Transport() noexcept;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Sends one notification on its channel; never throws for a failed send (see Outcome.error).
  Outcome send(const Delivery& d);

 private:
  Outcome post_json(const Delivery& d, const std::string& body,
                    const std::vector<std::string>& headers);
  Outcome send_mail(const Delivery& d);
  CURL* curl_;
};

}  // namespace leadroute::agent
