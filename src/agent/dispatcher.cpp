#include "agent/dispatcher.h"

#include <chrono>

#include "agent/transport.h"

namespace leadroute::agent {

namespace {

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Rows without an endpoint fail at once, without the network; they share one pool.
std::string pool_key(const Delivery& d) {
  return d.endpoint.empty() ? "(none)/" + d.channel : d.endpoint;
}

}  // namespace

Dispatcher::Dispatcher(std::function<void()> wake) : wake_(std::move(wake)) {}

Dispatcher::~Dispatcher() noexcept {
  drain_and_stop();
}

void Dispatcher::submit(Delivery d) {
  std::string key = pool_key(d);
  std::lock_guard<std::mutex> lock(mutex_);
  Pool& pool = pools_[key];
  pool.limit = static_cast<size_t>(d.max_parallel > 0 ? d.max_parallel : 1);
  pool.queue.push_back(std::move(d));
  ++in_flight_;
  // Threads start on demand, up to the endpoint's limit (a lowered limit takes effect as the
  // surplus threads find nothing to do: they stay, idle, until the agent stops).
  size_t busy = pool.running + pool.queue.size();
  if (pool.threads.size() < pool.limit && pool.threads.size() < busy)
    pool.threads.emplace_back([this, key] { work(key); });
  ready_.notify_all();
}

void Dispatcher::work(const std::string& key) {
  Transport transport;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    Pool& pool = pools_[key];
    // Stopping: the queue is finished first.
    ready_.wait(lock, [&] {
      return (stopping_ && pool.queue.empty()) ||
             (!pool.queue.empty() && pool.running < pool.limit);
    });
    if (pool.queue.empty()) return;
    Delivery d = std::move(pool.queue.front());
    pool.queue.pop_front();
    ++pool.running;
    lock.unlock();
    double lag = epoch_now() - d.created_at_epoch;
    Outcome o = transport.send(d);
    o.commit_to_send = lag;
    lock.lock();
    --pools_[key].running;
    finished_.push_back(Finished{d.id, d.channel, d.endpoint, std::move(o)});
    lock.unlock();
    wake_();
    lock.lock();
    ready_.notify_all();
  }
}

std::vector<std::string> Dispatcher::busy_endpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [key, pool] : pools_)
    if (key.rfind("(none)/", 0) != 0 && pool.queue.size() + pool.running >= 2 * pool.limit)
      out.push_back(key);
  return out;
}

size_t Dispatcher::in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_;
}

std::vector<Finished> Dispatcher::take_finished() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Finished> out;
  out.swap(finished_);
  in_flight_ -= out.size();
  return out;
}

void Dispatcher::drain_and_stop() noexcept {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [key, pool] : pools_)
      for (auto& t : pool.threads) threads.push_back(std::move(t));
    for (auto& [key, pool] : pools_) pool.threads.clear();
    ready_.notify_all();
  }
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

}  // namespace leadroute::agent
