// leadroute_loadgen: the benchmark's load generator (see bench/README.md).
//   leadroute_loadgen load --reps R --accounts A --rules N [--seed S] [--reference FILE,FILE]
//                          [--fresh]   (default:
//                          bench/plpgsql_router.sql,bench/plpgsql_lean_router.sql)
//   leadroute_loadgen run  --scenario NAME [--suite NAME] --mode insert|copy [--clients C]
//                          [--sync on|off] [--leads L] [--rounds K] [--set mix|early|late]
//                          [--contenders plain,leadroute,plpgsql,lean] [--trace full|compact|off]
//                          [--traces full,compact,off]   (leadroute once per level, interleaved)
//                          [--warmup W] [--no-checkpoint] [--out FILE]
//   leadroute_loadgen emit --set mix|early|late --count N [--first I] [--format copy|insert]
//                          (COPY text, or one INSERT statement per line, on stdout)
// Connects with libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE) or --dsn.
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "leads.h"
#include "loader.h"
#include "runner.h"

using namespace leadroute::bench;

namespace {

struct Args {
  std::string command;
  std::map<std::string, std::string> options;  // --name value; flags get "1"

  std::string get(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
  int64_t number(const std::string& name, int64_t fallback) const {
    auto it = options.find(name);
    return it == options.end() ? fallback : std::stoll(it->second);
  }
  bool flag(const std::string& name) const { return options.count(name) > 0; }
};

Args parse(int argc, char** argv) {
  Args a;
  if (argc < 2) throw std::invalid_argument("usage: leadroute_loadgen load|run|emit [options]");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument " + s);
    std::string name = s.substr(2);
    static const char* const kFlags[] = {"fresh", "no-checkpoint"};
    bool is_flag = false;
    for (const char* f : kFlags) is_flag = is_flag || name == f;
    if (is_flag) {
      a.options[name] = "1";
    } else {
      if (i + 1 >= argc) throw std::invalid_argument("--" + name + " needs a value");
      a.options[name] = argv[++i];
    }
  }
  return a;
}

LeadSet parse_set(const std::string& s) {
  for (LeadSet x : {LeadSet::Mix, LeadSet::Early, LeadSet::Late})
    if (s == lead_set_name(x)) return x;
  throw std::invalid_argument("unknown lead set " + s);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::invalid_argument("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

OrgSpec spec_in_database(Connection& c) {
  auto spec = loaded_spec(c);
  if (!spec)
    throw std::invalid_argument("no organization loaded: run leadroute_loadgen load first");
  return *spec;
}

int cmd_load(const Args& a) {
  Connection c(a.get("dsn"));
  OrgSpec spec;
  spec.reps = static_cast<int>(a.number("reps", 1000));
  spec.accounts = a.number("accounts", 1000);
  spec.rules = static_cast<int>(a.number("rules", 1000));
  spec.seed = static_cast<uint64_t>(a.number("seed", 42));
  // --reference FILE[,FILE...]: the PL/pgSQL routers, the full reference and the lean trigger.
  std::vector<std::string> sources;
  std::stringstream files(
      a.get("reference", "bench/plpgsql_router.sql,bench/plpgsql_lean_router.sql"));
  for (std::string f; std::getline(files, f, ',');)
    if (!f.empty()) sources.push_back(read_file(f));
  load_org(c, spec, sources, a.flag("fresh"));
  return 0;
}

int cmd_run(const Args& a) {
  RunSpec r;
  r.conninfo = a.get("dsn");
  r.suite = a.get("suite", "adhoc");
  r.scenario = a.get("scenario", "adhoc");
  std::string mode = a.get("mode", "insert");
  if (mode != "insert" && mode != "copy") throw std::invalid_argument("--mode insert or copy");
  r.mode = mode == "copy" ? Mode::Copy : Mode::Insert;
  r.clients = static_cast<int>(a.number("clients", 2));
  std::string sync = a.get("sync", "off");
  if (sync != "on" && sync != "off") throw std::invalid_argument("--sync on or off");
  r.sync_commit = sync == "on";
  r.leads = a.number("leads", 2000);
  r.rounds = static_cast<int>(a.number("rounds", 3));
  r.set = parse_set(a.get("set", "mix"));
  r.trace = a.get("trace");
  if (a.flag("traces")) {
    std::stringstream ss(a.get("traces"));
    std::string item;
    while (std::getline(ss, item, ',')) r.traces.push_back(item);
  }
  r.warmup = static_cast<int>(a.number("warmup", 50));
  r.checkpoint = !a.flag("no-checkpoint");
  if (a.flag("contenders")) {
    r.contenders.clear();
    std::stringstream ss(a.get("contenders"));
    std::string item;
    while (std::getline(ss, item, ',')) {
      Contender c;
      if (!parse_contender(item, &c)) throw std::invalid_argument("unknown contender " + item);
      r.contenders.push_back(c);
    }
  }
  if (r.clients < 1 || r.leads < 1 || r.rounds < 1 || r.contenders.empty())
    throw std::invalid_argument("clients, leads, rounds and contenders must be positive");
  Connection c(r.conninfo);
  Org org(spec_in_database(c));
  std::ofstream file;
  if (a.flag("out")) {
    file.open(a.get("out"), std::ios::app);
    if (!file) throw std::invalid_argument("cannot write " + a.get("out"));
  }
  Runner runner(r, org, a.flag("out") ? static_cast<std::ostream&>(file) : std::cout);
  runner.run();
  return 0;
}

int cmd_emit(const Args& a) {
  Connection c(a.get("dsn"));
  Org org(spec_in_database(c));
  LeadGenerator gen(org);
  LeadSet set = parse_set(a.get("set", "mix"));
  int64_t count = a.number("count", 1000);
  auto first = static_cast<uint64_t>(a.number("first", 0));
  bool as_insert = a.get("format", "copy") == "insert";
  std::string out;
  for (int64_t i = 0; i < count; ++i) {
    Lead lead = gen.make(set, first + static_cast<uint64_t>(i));
    if (!as_insert) {
      append_copy_line(lead, &out);
      continue;
    }
    // One statement per line, as a single-user backend reads them.
    out += "INSERT INTO leadroute.leads (" + lead_column_list() + ") VALUES (";
    for (size_t col = 0; col < kLeadColumnCount; ++col)
      out += (col ? ", " : "") + (lead.values[col] ? sql_literal(*lead.values[col]) : "NULL");
    out += ")\n";
  }
  std::cout << out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = parse(argc, argv);
    if (a.command == "load") return cmd_load(a);
    if (a.command == "run") return cmd_run(a);
    if (a.command == "emit") return cmd_emit(a);
    if (a.command == "columns") {
      std::cout << lead_column_list() << "\n";
      return 0;
    }
    throw std::invalid_argument("unknown command " + a.command);
  } catch (const std::invalid_argument& e) {
    std::cerr << "leadroute_loadgen: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "leadroute_loadgen: " << e.what() << "\n";
    return 1;
  }
}
