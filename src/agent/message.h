// What is sent: the Slack message, the e-mail and the webhook body of one notification. The
// text of Slack and e-mail is the same: who, which company, why in one line, the SLA due time, the
// company's link.
#pragma once

#include <string>

#include "agent/delivery.h"

namespace leadroute::agent {

std::string headline(const Delivery& d);
// The plain-text lines after the headline (who, company, why, due, link).
std::string text_body(const Delivery& d);
// Slack incoming-webhook JSON; a recipient that is a member id is mentioned.
std::string slack_body(const Delivery& d);
// The webhook body: the message JSON as claimed (stable keys; documented in docs/agent.md).
std::string webhook_body(const Delivery& d);
// A complete RFC 5322 message: headers (From, To, Subject, Date, Message-ID) and the text.
std::string email_message(const Delivery& d);

}  // namespace leadroute::agent
