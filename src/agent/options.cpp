#include "agent/options.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace leadroute::agent {

namespace {

const char* const kHelp =
    R"(leadroute-agent: delivers leadroute's notification outbox to Slack, webhooks and e-mail.

Usage: leadroute-agent [OPTION]...

It connects with libpq, LISTENs on channel "leadroute" (a wake-up), claims ready notifications with
leadroute.claim_notifications(), sends them with libcurl, and acks or fails each one. Run it as a
login that holds the role leadroute_agent. Endpoints, secrets, the admins' channel and the retry
policy are configured in the database (leadroute.delivery_endpoints, leadroute.delivery_settings,
leadroute.queues); see docs/agent.md.

Options:
  -d, --conninfo=STR     libpq connection string or URI (default: the PG* environment variables)
  -n, --name=NAME        this agent's name in notifications.claimed_by (default: HOST:PID)
  -l, --listen=HOST:PORT /healthz and /metrics (default 127.0.0.1:9187; "off" for none)
  -b, --batch=N          notifications claimed at once, at most (default 50)
      --visibility=SEC   a claimed notification stays hidden from other agents this long; more
                         than twice the slowest endpoint's timeout (default 60)
      --poll=SEC         claim at least this often without a wake-up (default 5)
      --max-in-flight=N  notifications held by this agent at once, at most (default 200)
      --once             deliver what is ready now, wait for the sends, and exit
  -v, --verbose          log every send (debug level)
  -h, --help             this text
  -V, --version          the version

Logs are JSON lines on stderr. Exit status: 0 after SIGTERM or SIGINT (in-flight sends finish and
are acknowledged first), 1 on a fatal error, 2 on a bad option.
)";

[[noreturn]] void bad(const std::string& what) {
  std::fprintf(stderr, "leadroute-agent: %s\nTry 'leadroute-agent --help'.\n", what.c_str());
  std::exit(2);
}

long number(const std::string& opt, const std::string& v, long lo, long hi) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || n < lo || n > hi)
    bad(opt + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
        ", not \"" + v + "\"");
  return n;
}

std::string default_name() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
    }
    auto need = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) bad(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    } else if (arg == "-V" || arg == "--version") {
      std::puts("leadroute-agent " LEADROUTE_AGENT_VERSION);
      std::exit(0);
    } else if (arg == "-d" || arg == "--conninfo") {
      o.conninfo = need();
    } else if (arg == "-n" || arg == "--name") {
      o.name = need();
    } else if (arg == "-l" || arg == "--listen") {
      std::string v = need();
      if (v == "off") {
        o.listen_port = 0;
        continue;
      }
      auto colon = v.rfind(':');
      if (colon == std::string::npos || colon == 0)
        bad("--listen needs HOST:PORT, not \"" + v + "\"");
      o.listen_host = v.substr(0, colon);
      o.listen_port = static_cast<int>(number("--listen's port", v.substr(colon + 1), 1, 65535));
    } else if (arg == "-b" || arg == "--batch") {
      o.batch = static_cast<int>(number(arg, need(), 1, 1000));
    } else if (arg == "--visibility") {
      o.visibility_s = static_cast<int>(number(arg, need(), 1, 86400));
    } else if (arg == "--poll") {
      o.poll_s = static_cast<double>(number(arg, need(), 1, 3600));
    } else if (arg == "--max-in-flight") {
      o.max_in_flight = static_cast<int>(number(arg, need(), 1, 10000));
    } else if (arg == "--once") {
      o.once = true;
    } else if (arg == "-v" || arg == "--verbose") {
      o.verbose = true;
    } else {
      bad("unknown option " + arg);
    }
  }
  if (o.name.empty()) o.name = default_name();
  return o;
}

}  // namespace leadroute::agent
