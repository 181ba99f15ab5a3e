#include "agent/transport.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>

#include "agent/message.h"
#include "agent/signature.h"

namespace leadroute::agent {

namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

struct Reader {
  const std::string* text;
  size_t offset = 0;
};

size_t read_text(char* buf, size_t size, size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t left = r->text->size() - r->offset;
  size_t len = std::min(left, size * n);
  std::memcpy(buf, r->text->data() + r->offset, len);
  r->offset += len;
  return len;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Transport::Transport() : curl_(curl_easy_init()) {}

Transport::~Transport() noexcept {
  if (curl_) curl_easy_cleanup(curl_);
}

Outcome Transport::send(const Delivery& d) {
  Outcome o;
  o.id = d.id;
  if (!curl_) {
    o.error = "libcurl could not create a handle (out of memory?)";
    return o;
  }
  if (d.endpoint.empty()) {
    o.error = "no delivery endpoint for " + d.channel + " recipient " + d.recipient +
              ": add one to leadroute.delivery_endpoints (channel " + d.channel +
              ", a url that prefixes the recipient or is_default" +
              (d.channel == "webhook" ? ", and a secret)" : ")");
    return o;
  }
  if (d.channel == "email") return send_mail(d);
  if (d.channel == "slack") return post_json(d, slack_body(d), {});
  if (d.channel == "webhook") {
    if (d.secret.empty()) {
      o.error = "webhook endpoint " + (d.endpoint.empty() ? std::string("(none)") : d.endpoint) +
                " has no secret to sign with: UPDATE leadroute.delivery_endpoints SET secret = "
                "'...' WHERE name = '" +
                d.endpoint + "'";
      return o;
    }
    std::string body = webhook_body(d);
    return post_json(d, body, {"X-Leadroute-Signature: " + webhook_signature(d.secret, body)});
  }
  o.error = "unknown channel " + d.channel;
  return o;
}

Outcome Transport::post_json(const Delivery& d, const std::string& body,
                             const std::vector<std::string>& extra) {
  Outcome o;
  o.id = d.id;
  curl_easy_reset(curl_);
  struct curl_slist* headers = nullptr;
  std::vector<std::string> lines = {
      "Content-Type: application/json; charset=utf-8",
      "Idempotency-Key: " + std::to_string(d.id),
      "X-Leadroute-Event: " + d.event,
      "X-Leadroute-Attempt: " + std::to_string(d.attempt),
      "User-Agent: leadroute-agent",
      "Expect:",
  };
  lines.insert(lines.end(), extra.begin(), extra.end());
  for (const auto& l : lines) headers = curl_slist_append(headers, l.c_str());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl_, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(d.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(d.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
  auto start = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(curl_);
  o.seconds = seconds_since(start);
  long status = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(curl_, CURLINFO_RETRY_AFTER, &retry_after);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    o.error = d.channel + " " + d.url + ": " + (error[0] ? error : curl_easy_strerror(rc));
  } else if (status < 200 || status >= 300) {
    o.error = d.channel + " " + d.url + ": HTTP " + std::to_string(status);
    if (retry_after > 0) o.retry_after_s = static_cast<int>(retry_after);
  } else {
    o.ok = true;
  }
  return o;
}

Outcome Transport::send_mail(const Delivery& d) {
  Outcome o;
  o.id = d.id;
  curl_easy_reset(curl_);
  std::string text = email_message(d);
  Reader reader{&text};
  struct curl_slist* rcpt = curl_slist_append(nullptr, ("<" + d.recipient + ">").c_str());
  std::string from = "<" + d.mail_from + ">";
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl_, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, rcpt);
  if (!d.secret.empty()) curl_easy_setopt(curl_, CURLOPT_PASSWORD, d.secret.c_str());
  curl_easy_setopt(curl_, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl_, CURLOPT_READFUNCTION, read_text);
  curl_easy_setopt(curl_, CURLOPT_READDATA, &reader);
  curl_easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(d.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(d.timeout_ms));
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
  auto start = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(curl_);
  o.seconds = seconds_since(start);
  curl_slist_free_all(rcpt);
  if (rc != CURLE_OK)
    o.error = "email " + d.url + " to " + d.recipient + ": " +
              (error[0] ? error : curl_easy_strerror(rc));
  else
    o.ok = true;
  return o;
}

}  // namespace leadroute::agent
