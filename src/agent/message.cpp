#include "agent/message.h"

#include <ctime>

namespace leadroute::agent {

namespace {

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string who(const Delivery& d) {
  const nlohmann::json lead = d.message.value("lead", nlohmann::json::object());
  std::string name = lead.is_object() ? str(lead, "name") : "";
  std::string email = lead.is_object() ? str(lead, "email") : "";
  if (!name.empty() && !email.empty()) return name + " <" + email + ">";
  if (!name.empty()) return name;
  if (!email.empty()) return email;
  return "lead " + std::to_string(d.lead_id);
}

std::string company(const Delivery& d) {
  const nlohmann::json lead = d.message.value("lead", nlohmann::json::object());
  std::string c = lead.is_object() ? str(lead, "company") : "";
  return c.empty() ? "(no company given)" : c;
}

// "2026-03-04T15:05:00+00:00" -> "2026-03-04 15:05 UTC"; other offsets are shown as they are.
std::string due_time(const Delivery& d) {
  std::string due = str(d.message, "sla_due_at");
  if (due.empty()) return "";
  if (due.size() >= 16 && due.compare(due.size() - 6, 6, "+00:00") == 0)
    return due.substr(0, 10) + " " + due.substr(11, 5) + " UTC";
  return due;
}

std::string target(const Delivery& d) {
  std::string rep = str(d.message, "rep");
  if (!rep.empty()) return rep;
  std::string queue = str(d.message, "queue");
  return queue.empty() ? "nobody" : "queue " + queue;
}

// Lead data reaches mail headers: a CR or LF in a company name must not start a new header.
std::string header_safe(std::string v) {
  for (char& c : v)
    if (c == '\r' || c == '\n') c = ' ';
  return v;
}

}  // namespace

std::string headline(const Delivery& d) {
  const std::string& e = d.event;
  if (e == "assigned") return "New lead for " + target(d);
  if (e == "queued") return "New lead in queue " + str(d.message, "queue");
  if (e == "rerouted") return "Lead rerouted to " + target(d);
  if (e == "reassigned") return "Lead reassigned to " + target(d);
  if (e == "escalated") return "Lead escalated to " + target(d) + " (SLA missed)";
  if (e == "manager_alert") return "SLA missed on a lead of your team (for " + target(d) + ")";
  return "Lead " + e;
}

std::string text_body(const Delivery& d) {
  std::string out;
  out += "Lead: " + who(d) + "\n";
  out += "Company: " + company(d) + "\n";
  std::string why = str(d.message, "why");
  if (!why.empty()) out += "Why: " + why + "\n";
  std::string due = due_time(d);
  out += "First contact due: " + (due.empty() ? std::string("no SLA clock") : due) + "\n";
  std::string link = str(d.message, "link");
  if (!link.empty()) out += "Link: " + link + "\n";
  return out;
}

std::string slack_body(const Delivery& d) {
  std::string mention;
  if (d.recipient.rfind("http", 0) != 0 && !d.recipient.empty())
    mention = d.recipient[0] == '#' ? d.recipient + " " : "<@" + d.recipient + "> ";
  std::string text = mention + "*" + headline(d) + "*\n" + text_body(d);
  nlohmann::json body = {{"text", text}, {"unfurl_links", false}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string webhook_body(const Delivery& d) {
  return d.message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string email_message(const Delivery& d) {
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string subject = headline(d) + ": " + company(d);
  std::string out;
  out += "From: " + header_safe(d.mail_from) + "\r\n";
  out += "To: " + header_safe(d.recipient) + "\r\n";
  out += "Subject: " + header_safe(subject) + "\r\n";
  out += std::string("Date: ") + date + "\r\n";
  out += "Message-ID: <notification-" + std::to_string(d.id) + "@leadroute>\r\n";
  out += "X-Leadroute-Notification: " + std::to_string(d.id) + "\r\n";
  out += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  std::string body = headline(d) + "\n\n" + text_body(d);
  for (char c : body) {
    if (c == '\n')
      out += "\r\n";
    else
      out += c;
  }
  return out;
}

}  // namespace leadroute::agent
