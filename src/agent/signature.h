// The webhook signature: HMAC-SHA256 of the body with the endpoint's secret (OpenSSL).
#pragma once

#include <string>

namespace leadroute::agent {

// "sha256=" followed by the lower-case hex digest, the value of X-Leadroute-Signature.
std::string webhook_signature(const std::string& secret, const std::string& body);

}  // namespace leadroute::agent
