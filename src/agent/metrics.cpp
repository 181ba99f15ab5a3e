#include "agent/metrics.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace leadroute::agent {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                        1,     2.5,  5,     10,   30,  60,   300};
  return b;
}

void Metrics::delivered(const std::string& c, const std::string& e) {
  std::lock_guard<std::mutex> l(mutex_);
  ++counts_[{c, e}].delivered;
}
void Metrics::failed(const std::string& c, const std::string& e) {
  std::lock_guard<std::mutex> l(mutex_);
  ++counts_[{c, e}].failed;
}
void Metrics::dead_lettered(const std::string& c, const std::string& e) {
  std::lock_guard<std::mutex> l(mutex_);
  ++counts_[{c, e}].dead;
}
void Metrics::observe_commit_to_send(double s) {
  std::lock_guard<std::mutex> l(mutex_);
  for (size_t i = 0; i < buckets().size(); ++i)
    if (s <= buckets()[i]) ++bucket_counts_[i];
  ++latency_count_;
  latency_sum_ += s;
}
void Metrics::set_depth(const Depth& d) {
  std::lock_guard<std::mutex> l(mutex_);
  depth_ = d;
}
void Metrics::set_connected(bool c) {
  std::lock_guard<std::mutex> l(mutex_);
  connected_ = c;
}
void Metrics::set_in_flight(size_t n) {
  std::lock_guard<std::mutex> l(mutex_);
  in_flight_ = n;
}
void Metrics::heartbeat() {
  std::lock_guard<std::mutex> l(mutex_);
  last_beat_ = now_s();
}

bool Metrics::healthy(double max_age_s, std::string* why) const {
  std::lock_guard<std::mutex> l(mutex_);
  if (!connected_) {
    *why = "not connected to the database";
    return false;
  }
  if (now_s() - last_beat_ > max_age_s) {
    *why = "the delivery loop has not run for " + num(now_s() - last_beat_) + " s";
    return false;
  }
  *why = "ok";
  return true;
}

std::string Metrics::prometheus() const {
  std::lock_guard<std::mutex> l(mutex_);
  std::string out;
  auto counter = [&](const char* name, const char* help, uint64_t Counts::*field) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
    for (const auto& [key, c] : counts_)
      out += std::string(name) + "{channel=\"" + label_value(key.first) + "\",endpoint=\"" +
             label_value(key.second) + "\"} " + std::to_string(c.*field) + "\n";
  };
  counter("leadroute_agent_delivered_total", "Notifications sent and acknowledged.",
          &Counts::delivered);
  counter("leadroute_agent_failed_total", "Failed sends (each is retried or dead-lettered).",
          &Counts::failed);
  counter("leadroute_agent_dead_lettered_total", "Notifications this agent dead-lettered.",
          &Counts::dead);
  auto gauge = [&](const char* name, const char* help, double v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + num(v) + "\n";
  };
  out +=
      "# HELP leadroute_agent_queue_depth Undelivered notifications in the outbox, by state.\n"
      "# TYPE leadroute_agent_queue_depth gauge\n";
  out += "leadroute_agent_queue_depth{state=\"ready\"} " + std::to_string(depth_.ready) + "\n";
  out += "leadroute_agent_queue_depth{state=\"waiting\"} " + std::to_string(depth_.waiting) + "\n";
  out +=
      "leadroute_agent_queue_depth{state=\"in_flight\"} " + std::to_string(depth_.in_flight) + "\n";
  out += "leadroute_agent_queue_depth{state=\"dead\"} " + std::to_string(depth_.dead) + "\n";
  gauge("leadroute_agent_oldest_ready_seconds", "Age of the oldest notification ready to send.",
        depth_.oldest_ready_seconds);
  gauge("leadroute_agent_in_flight", "Notifications this agent is sending now.",
        static_cast<double>(in_flight_));
  gauge("leadroute_agent_db_connected", "1 while connected to the database.", connected_ ? 1 : 0);
  const char* h = "leadroute_agent_commit_to_send_seconds";
  out += std::string("# HELP ") + h +
         " Seconds from the event's commit (its outbox row) to the start of the request.\n" +
         "# TYPE " + h + " histogram\n";
  for (size_t i = 0; i < buckets().size(); ++i)
    out += std::string(h) + "_bucket{le=\"" + num(buckets()[i]) + "\"} " +
           std::to_string(bucket_counts_[i]) + "\n";
  out += std::string(h) + "_bucket{le=\"+Inf\"} " + std::to_string(latency_count_) + "\n";
  out += std::string(h) + "_sum " + num(latency_sum_) + "\n";
  out += std::string(h) + "_count " + std::to_string(latency_count_) + "\n";
  return out;
}

StatusServer::StatusServer(Metrics& metrics, double max_loop_age_s)
    : metrics_(metrics), max_loop_age_s_(max_loop_age_s) {}

StatusServer::~StatusServer() noexcept {
  stop();
}

void StatusServer::start(const std::string& host, int port) {
  server_ = std::make_unique<httplib::Server>();
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.prometheus(), "text/plain; version=0.0.4");
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    std::string why;
    bool ok = metrics_.healthy(max_loop_age_s_, &why);
    res.status = ok ? 200 : 503;
    res.set_content(why + "\n", "text/plain");
  });
  if (!server_->bind_to_port(host.c_str(), port))
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                             " for /healthz and /metrics (in use? choose another with --listen)");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void StatusServer::stop() noexcept {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace leadroute::agent
