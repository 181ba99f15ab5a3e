// Runs one scenario: the contenders on the same leads, interleaved round by round (the order
// rotates: ABC, BCA, CAB, ...), each on a truncated leads table after a checkpoint and a warm-up,
// and writes one JSON line per contender and round.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "leads.h"
#include "org.h"
#include "pg.h"

namespace leadroute::bench {

// Plpgsql is the full reference (bench/plpgsql_router.sql), Lean the lean hand-written trigger
// (bench/plpgsql_lean_router.sql).
enum class Contender { Plain, Leadroute, Plpgsql, Lean };
const char* contender_name(Contender c);
bool parse_contender(const std::string& s, Contender* c);

enum class Mode { Insert, Copy };

struct RunSpec {
  std::string suite = "adhoc";
  std::string scenario = "adhoc";
  Mode mode = Mode::Insert;
  int clients = 2;
  bool sync_commit = false;
  int64_t leads = 2000;  // per contender and round
  int rounds = 3;
  LeadSet set = LeadSet::Mix;
  std::vector<Contender> contenders = {Contender::Plain, Contender::Leadroute, Contender::Plpgsql,
                                       Contender::Lean};
  std::string trace;  // leadroute.trace for the run; "" = the default (full)
  // Several leadroute.trace levels, each run as a contender of its own (interleaved like the
  // others); empty: leadroute runs once, with `trace`.
  std::vector<std::string> traces;
  int warmup = 50;  // single-row inserts per client before each measured run
  bool checkpoint = true;
  std::string conninfo;
};

class Runner {
 public:
  Runner(const RunSpec& spec, const Org& org, std::ostream& out);
  void run();

 private:
  struct Measured;
  void switch_to(Connection& control, Contender c);
  Measured run_inserts(const std::vector<Lead>& leads);
  Measured run_copy(const std::string& data, int64_t rows);
  void emit(Contender c, const std::string& trace, int round, int position, const Measured& m,
            Connection& control, int64_t watermark);
  void compare_decisions(Connection& control);

  RunSpec spec_;
  const Org& org_;
  LeadGenerator generator_;
  std::ostream& out_;
  std::vector<std::unique_ptr<Connection>> clients_;
};

}  // namespace leadroute::bench
