// Bounded parallelism per endpoint: each endpoint has its own queue and at most max_parallel
// worker threads, so a slow or failing endpoint holds up no other. Finished sends are collected
// for the main thread, which acks or fails them in the database.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/delivery.h"

namespace leadroute::agent {

struct Finished {
  int64_t id;
  std::string channel;
  std::string endpoint;
  Outcome outcome;
};

class Dispatcher {
 public:
  // `wake` is called (from a worker thread) each time a send finishes.
  explicit Dispatcher(std::function<void()> wake);
  ~Dispatcher() noexcept;
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void submit(Delivery d);
  // Endpoints whose queue is full (twice max_parallel waiting or running): not to be claimed.
  std::vector<std::string> busy_endpoints() const;
  size_t in_flight() const;
  std::vector<Finished> take_finished();
  // Stops the workers once their queues are empty; the sends under way complete.
  void drain_and_stop() noexcept;

 private:
  struct Pool {
    std::deque<Delivery> queue;
    size_t running = 0;
    size_t limit = 1;
    std::vector<std::thread> threads;
  };
  void work(const std::string& key);

  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::map<std::string, Pool> pools_;
  std::vector<Finished> finished_;
  size_t in_flight_ = 0;
  bool stopping_ = false;
};

}  // namespace leadroute::agent
