// leadroute-agent: the delivery loop. One thread talks to the database (LISTEN, claim, ack,
// fail), each endpoint's workers talk to the network; no transaction is open while they do.
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>

#include "agent/dispatcher.h"
#include "agent/log.h"
#include "agent/metrics.h"
#include "agent/options.h"
#include "agent/outbox.h"

namespace leadroute::agent {

namespace {

std::atomic<bool> g_stop{false};
int g_wake_fd = -1;

void wake() {
  uint64_t one = 1;
  ssize_t n = write(g_wake_fd, &one, sizeof one);
  (void)n;
}

void on_signal(int) {
  g_stop = true;
  wake();  // write(2) is async-signal-safe
}

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class Loop {
 public:
  Loop(const Options& o, Metrics& m)
      : opt_(o), metrics_(m), outbox_(o.conninfo), dispatcher_(wake) {}

  int run() {
    double reconnect_wait = 1;
    for (;;) {
      metrics_.heartbeat();
      metrics_.set_in_flight(dispatcher_.in_flight());
      bool idle = dispatcher_.in_flight() == 0 && acks_.empty() && fails_.empty();
      if (g_stop && idle) break;
      if (opt_.once && idle && claimed_once_ && !more_) break;
      if (!outbox_.connected()) {
        if (g_stop) {
          log_warn(
              "stopping without the database: the outcomes not recorded are sent again "
              "once their visibility runs out (same idempotency key)",
              {{"unrecorded", acks_.size() + fails_.size()}});
          break;
        }
        if (!connect(reconnect_wait)) {
          wait_for(reconnect_wait);
          reconnect_wait = std::min(reconnect_wait * 2, 30.0);
          collect();  // sends that finish meanwhile are kept for when the database is back
          continue;
        }
        reconnect_wait = 1;
        more_ = true;
      }
      try {
        collect();
        report();
        if (opt_.once && claimed_once_ && !more_ && dispatcher_.in_flight() == 0) break;
        if (next_retry_ && epoch_now() >= next_retry_) {
          next_retry_ = 0;
          more_ = true;  // a failed notification is due again
        }
        if (!g_stop && (more_ || seconds_between(last_claim_, Clock::now()) >= opt_.poll_s))
          claim();
        if (seconds_between(last_depth_, Clock::now()) >= 2) refresh_depth();
        if (outbox_.drain_notifications()) more_ = true;
        call_wait_ = 1;
        if (!more_) {
          double wait = opt_.poll_s - seconds_between(last_claim_, Clock::now());
          if (next_retry_) wait = std::min(wait, next_retry_ - epoch_now() + 0.005);
          wait_for(std::max(0.0, wait));
        }
      } catch (const ConnectionLost& e) {
        log_warn("lost the database connection; reconnecting",
                 {{"error", e.what()}, {"in_flight", dispatcher_.in_flight()}});
        outbox_.disconnect();
        metrics_.set_connected(false);
      } catch (const std::exception& e) {
        log_error("delivery call failed; retrying",
                  {{"error", e.what()}, {"retry_in_s", call_wait_}});
        wait_for(call_wait_);
        call_wait_ = std::min(call_wait_ * 2, 30.0);
      }
    }
    dispatcher_.drain_and_stop();
    log_info("stopped", {{"agent", opt_.name}});
    return 0;
  }

 private:
  // The depth is for /metrics only: its failure is logged and holds up no delivery.
  void refresh_depth() {
    last_depth_ = Clock::now();
    try {
      metrics_.set_depth(outbox_.depth());
    } catch (const ConnectionLost&) {
      throw;
    } catch (const std::exception& e) {
      log_warn("cannot read the outbox depth (for /metrics)", {{"error", e.what()}});
    }
  }

  bool connect(double wait_s) {
    try {
      outbox_.connect();
      metrics_.set_connected(true);
      log_info("connected; listening on channel leadroute", {{"agent", opt_.name}});
      return true;
    } catch (const ConnectionLost& e) {
      metrics_.set_connected(false);
      log_warn("cannot reach the database; retrying",
               {{"error", e.what()},
                {"retry_in_s", wait_s},
                {"hint", "check --conninfo or the PG* environment, and that the server runs"}});
      return false;
    }
  }

  // Sleeps until a wake-up (a NOTIFY on the socket, a finished send, a signal) or the timeout.
  void wait_for(double seconds) {
    struct pollfd fds[2] = {{g_wake_fd, POLLIN, 0}, {outbox_.socket(), POLLIN, 0}};
    int n = outbox_.socket() >= 0 ? 2 : 1;
    int rc = poll(fds, static_cast<nfds_t>(n), static_cast<int>(seconds * 1000));
    if (rc > 0 && (fds[0].revents & POLLIN)) {
      uint64_t count;
      ssize_t r = read(g_wake_fd, &count, sizeof count);
      (void)r;
    }
    if (rc > 0 && n == 2 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) more_ = true;
  }

  void collect() {
    for (Finished& f : dispatcher_.take_finished()) {
      metrics_.observe_commit_to_send(f.outcome.commit_to_send);
      (f.outcome.ok ? acks_ : fails_).push_back(std::move(f));
    }
  }

  // Writes the outcomes; what cannot be written yet (the database is away) stays for later.
  void report() {
    if (!acks_.empty()) {
      std::vector<int64_t> ids;
      for (const Finished& f : acks_) ids.push_back(f.id);
      outbox_.ack(opt_.name, ids);
      for (const Finished& f : acks_) {
        metrics_.delivered(f.channel, f.endpoint);
        log_debug("delivered",
                  {{"id", f.id},
                   {"channel", f.channel},
                   {"endpoint", f.endpoint},
                   {"send_ms", static_cast<int>(f.outcome.seconds * 1000)},
                   {"commit_to_send_ms", static_cast<int>(f.outcome.commit_to_send * 1000)}});
      }
      acks_.clear();
    }
    while (!fails_.empty()) {
      const Finished& f = fails_.back();
      Outbox::FailResult result = outbox_.fail(opt_.name, f.outcome);
      const std::string& state = result.state;
      if (state == "retry" && (next_retry_ == 0 || result.retry_at < next_retry_))
        next_retry_ = result.retry_at;
      metrics_.failed(f.channel, f.endpoint);
      if (state == "dead") {
        metrics_.dead_lettered(f.channel, f.endpoint);
        log_error("dead-lettered: delivery gave up",
                  {{"id", f.id},
                   {"channel", f.channel},
                   {"endpoint", f.endpoint},
                   {"error", f.outcome.error},
                   {"hint",
                    "see leadroute.notifications.last_error; fix the endpoint, then "
                    "UPDATE leadroute.notifications SET dead_at = NULL, attempts = 0 "
                    "WHERE id = " +
                        std::to_string(f.id)}});
      } else {
        log_warn("send failed", {{"id", f.id},
                                 {"channel", f.channel},
                                 {"endpoint", f.endpoint},
                                 {"error", f.outcome.error},
                                 {"state", state}});
      }
      fails_.pop_back();
    }
  }

  void claim() {
    int room = opt_.max_in_flight - static_cast<int>(dispatcher_.in_flight());
    last_claim_ = Clock::now();
    if (room <= 0) {
      more_ = false;
      return;
    }
    int want = std::min(opt_.batch, room);
    std::vector<Delivery> rows =
        outbox_.claim(opt_.name, want, opt_.visibility_s, dispatcher_.busy_endpoints());
    claimed_once_ = true;
    more_ = static_cast<int>(rows.size()) == want;
    for (Delivery& d : rows) {
      // A claim waits in the endpoint's queue (up to four sends long) before it is sent: it must
      // not become visible to other agents meanwhile.
      if (4.0 * d.timeout_ms > 1000.0 * opt_.visibility_s && warned_.insert(d.endpoint).second)
        log_warn(
            "--visibility is short for this endpoint's timeout: another agent may send "
            "the same notification",
            {{"endpoint", d.endpoint},
             {"timeout_ms", d.timeout_ms},
             {"visibility_s", opt_.visibility_s},
             {"hint", "give --visibility more than four times the endpoint's timeout_ms"}});
      dispatcher_.submit(std::move(d));
    }
    if (!rows.empty()) log_debug("claimed", {{"rows", rows.size()}});
  }

  const Options& opt_;
  Metrics& metrics_;
  Outbox outbox_;
  Dispatcher dispatcher_;
  std::vector<Finished> acks_, fails_;
  Clock::time_point last_claim_{};
  Clock::time_point last_depth_{};
  bool more_ = true;
  bool claimed_once_ = false;
  double call_wait_ = 1;   // after a failed SQL call (not a lost connection): grows to 30 s
  double next_retry_ = 0;  // when the earliest failed notification is due again (epoch seconds)
  std::set<std::string> warned_;
};

}  // namespace

int run(int argc, char** argv) {
  Options opt = parse_options(argc, argv);
  set_log_level(opt.verbose ? LogLevel::Debug : LogLevel::Info);
  g_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (g_wake_fd < 0) {
    log_error("eventfd failed", {{"error", std::strerror(errno)}});
    return 1;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    log_error("libcurl could not initialize");
    return 1;
  }
  Metrics metrics;
  StatusServer server(metrics, 3 * opt.poll_s + 30);
  if (opt.listen_port) {
    try {
      server.start(opt.listen_host, opt.listen_port);
    } catch (const std::exception& e) {
      log_error(e.what());
      return 1;
    }
  }
  log_info("starting",
           {{"agent", opt.name},
            {"version", LEADROUTE_AGENT_VERSION},
            {"listen",
             opt.listen_port ? opt.listen_host + ":" + std::to_string(opt.listen_port) : "off"},
            {"batch", opt.batch},
            {"visibility_s", opt.visibility_s},
            {"poll_s", opt.poll_s}});
  int rc;
  {
    Loop loop(opt, metrics);
    rc = loop.run();
  }
  server.stop();
  curl_global_cleanup();
  return rc;
}

}  // namespace leadroute::agent

int main(int argc, char** argv) {
  try {
    return leadroute::agent::run(argc, argv);
  } catch (const std::exception& e) {
    leadroute::agent::log_error("fatal", {{"error", e.what()}});
  } catch (...) {
    leadroute::agent::log_error("fatal: unknown exception");
  }
  return 1;
}
