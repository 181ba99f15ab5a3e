// What the agent counts, in Prometheus text format, and the local /healthz and /metrics server
// (cpp-httplib).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agent/outbox.h"

namespace httplib {
class Server;
}

namespace leadroute::agent {

class Metrics {
 public:
  void delivered(const std::string& channel, const std::string& endpoint);
  void failed(const std::string& channel, const std::string& endpoint);
  void dead_lettered(const std::string& channel, const std::string& endpoint);
  void observe_commit_to_send(double seconds);
  void set_depth(const Depth& d);
  void set_connected(bool connected);
  void set_in_flight(size_t n);
  void heartbeat();
  // Connected to the database, and the main loop ran within `max_age_s`.
  bool healthy(double max_age_s, std::string* why) const;
  std::string prometheus() const;

 private:
  struct Counts {
    uint64_t delivered = 0, failed = 0, dead = 0;
  };
  static const std::vector<double>& buckets();
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, Counts> counts_;
  std::vector<uint64_t> bucket_counts_ = std::vector<uint64_t>(buckets().size(), 0);
  uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  Depth depth_;
  bool connected_ = false;
  size_t in_flight_ = 0;
  double last_beat_ = 0;
};

class StatusServer {
 public:
  StatusServer(Metrics& metrics, double max_loop_age_s);
  ~StatusServer() noexcept;
  // Binds host:port (throws with the address when it cannot) and serves in its own thread.
  void start(const std::string& host, int port);
  void stop() noexcept;

 private:
  Metrics& metrics_;
  double max_loop_age_s_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace leadroute::agent
