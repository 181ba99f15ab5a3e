// Command line of leadroute-agent (see --help and docs/agent.md).
#pragma once

#include <string>

namespace leadroute::agent {

struct Options {
  std::string conninfo;  // empty: libpq's PG* environment
  std::string name;      // the agent's name in claimed_by; default host:pid
  std::string listen_host = "127.0.0.1";
  int listen_port = 9187;  // 0: no /healthz and /metrics
  int batch = 50;
  int visibility_s = 60;
  double poll_s = 5;
  int max_in_flight = 200;
  bool verbose = false;
  bool once = false;  // deliver what is ready, then exit (cron, tests)
};

// Parses argv; on --help or --version prints and exits 0, on an error prints what was wrong and
// exits 2.
Options parse_options(int argc, char** argv);

}  // namespace leadroute::agent
