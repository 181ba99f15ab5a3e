#include "runner.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string_view>
#include <thread>

#include "core/util/json.h"
#include "stats.h"

namespace leadroute::bench {

namespace {

using Clock = std::chrono::steady_clock;

std::string json_string(std::string_view s) {
  std::string out;
  leadroute::append_json_string(out, s);
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// One JSON object, built field by field.
class JsonLine {
 public:
  JsonLine& field(const char* key, const std::string& v) { return raw(key, json_string(v)); }
  JsonLine& field(const char* key, const char* v) { return raw(key, json_string(v)); }
  JsonLine& field(const char* key, double v) { return raw(key, num(v)); }
  JsonLine& field(const char* key, int64_t v) { return raw(key, std::to_string(v)); }
  JsonLine& field(const char* key, int v) { return raw(key, std::to_string(v)); }
  JsonLine& field(const char* key, bool v) { return raw(key, v ? "true" : "false"); }
  JsonLine& raw(const char* key, const std::string& v) {
    text_ += (text_.empty() ? "{" : ", ") + json_string(key) + ": " + v;
    return *this;
  }
  std::string str() const { return text_ + "}"; }

 private:
  std::string text_;
};

constexpr const char* kLeadrouteTriggers =
    "ALTER TABLE leadroute.leads ENABLE TRIGGER USER, DISABLE TRIGGER bench_plpgsql_route, "
    "DISABLE TRIGGER bench_lean_route";

const char* mode_name(Mode m) {
  return m == Mode::Insert ? "insert" : "copy";
}

std::string insert_sql() {
  std::string params;
  for (size_t i = 1; i <= kLeadColumnCount; ++i)
    params += (i > 1 ? ", $" : "$") + std::to_string(i);
  return "INSERT INTO leadroute.leads (" + lead_column_list() + ") VALUES (" + params + ")";
}

std::string copy_sql() {
  return "COPY leadroute.leads (" + lead_column_list() + ") FROM STDIN";
}

void insert_one(Connection& c, const Lead& lead) {
  const char* values[kLeadColumnCount];
  for (size_t i = 0; i < kLeadColumnCount; ++i)
    values[i] = lead.values[i] ? lead.values[i]->c_str() : nullptr;
  c.exec_prepared("insert_lead", values, static_cast<int>(kLeadColumnCount));
}

}  // namespace

const char* contender_name(Contender c) {
  switch (c) {
    case Contender::Plain:
      return "plain";
    case Contender::Leadroute:
      return "leadroute";
    case Contender::Plpgsql:
      return "plpgsql";
    case Contender::Lean:
      return "lean";
  }
  return "?";
}

bool parse_contender(const std::string& s, Contender* c) {
  for (Contender x : {Contender::Plain, Contender::Leadroute, Contender::Plpgsql, Contender::Lean})
    if (s == contender_name(x)) {
      *c = x;
      return true;
    }
  return false;
}

struct Runner::Measured {
  double seconds = 0;
  int64_t rows = 0;
  Percentiles latency;  // µs per INSERT as the client sees it (insert mode)
};

Runner::Runner(const RunSpec& spec, const Org& org, std::ostream& out)
    : spec_(spec), org_(org), generator_(org), out_(out) {}

// Plain: every user trigger off (no routing, no records: the physical limit of the table).
// leadroute: its triggers on, the references' off. A PL/pgSQL router: only its own trigger on.
void Runner::switch_to(Connection& control, Contender c) {
  switch (c) {
    case Contender::Plain:
      control.exec("ALTER TABLE leadroute.leads DISABLE TRIGGER USER");
      break;
    case Contender::Leadroute:
      control.exec(kLeadrouteTriggers);
      break;
    case Contender::Plpgsql:
      control.exec(
          "ALTER TABLE leadroute.leads DISABLE TRIGGER USER, ENABLE TRIGGER bench_plpgsql_route");
      break;
    case Contender::Lean:
      control.exec(
          "ALTER TABLE leadroute.leads DISABLE TRIGGER USER, ENABLE TRIGGER bench_lean_route");
      break;
  }
}

Runner::Measured Runner::run_inserts(const std::vector<Lead>& leads) {
  size_t n = clients_.size();
  std::vector<std::vector<double>> samples(n);
  std::vector<std::string> errors(n);
  std::mutex mutex;
  std::condition_variable cv;
  bool go = false;
  size_t ready = 0;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      Connection& c = *clients_[t];
      samples[t].reserve(leads.size() / n + 1);
      {
        std::unique_lock<std::mutex> lock(mutex);
        ++ready;
        cv.notify_all();
        cv.wait(lock, [&] { return go; });
      }
      try {
        for (size_t i = t; i < leads.size(); i += n) {
          auto start = Clock::now();
          insert_one(c, leads[i]);
          samples[t].push_back(
              std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  Clock::time_point start;
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return ready == n; });
    start = Clock::now();
    go = true;
  }
  cv.notify_all();
  for (auto& th : threads) th.join();
  Measured m;
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const std::string& e : errors)
    if (!e.empty()) throw PgError("insert failed: " + e);
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  m.rows = static_cast<int64_t>(all.size());
  m.latency = percentiles(all);
  return m;
}

Runner::Measured Runner::run_copy(const std::string& data, int64_t rows) {
  Measured m;
  auto start = Clock::now();
  m.rows = clients_[0]->copy_in(copy_sql(), data);
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (m.rows != rows)
    throw PgError("COPY stored " + std::to_string(m.rows) + " of " + std::to_string(rows));
  return m;
}

void Runner::emit(Contender c, const std::string& trace, int round, int position, const Measured& m,
                  Connection& control, int64_t watermark) {
  std::string w = std::to_string(watermark);
  Result trig = control.query(
      "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_us),"
      " percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_us),"
      " percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_us),"
      " avg(duration_us), max(duration_us)"
      " FROM leadroute.decisions WHERE lead_id > " +
      w);
  Result leads = control.query(
      "SELECT count(*), count(*) FILTER (WHERE queue = 'routing_error'), count(account_id),"
      " count(*) FILTER (WHERE is_freemail), avg(rule_id),"
      " count(*) FILTER (WHERE status = 'assigned'),"
      " count(*) FILTER (WHERE rule_id = (SELECT max(id) FROM leadroute.rules))"
      " FROM leadroute.leads WHERE id > " +
      w);
  std::string triggers = control.value(
      "SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = "
      "'leadroute.leads'::regclass AND NOT tgisinternal AND tgenabled <> 'D'");
  const OrgSpec& o = org_.spec();
  JsonLine j;
  j.field("type", "run")
      .field("suite", spec_.suite)
      .field("scenario", spec_.scenario)
      .field("mode", mode_name(spec_.mode))
      .field("contender", contender_name(c))
      .field("round", round)
      .field("position", position)
      .field("rules", o.rules)
      .field("reps", o.reps)
      .field("accounts", o.accounts)
      .field("seed", static_cast<int64_t>(o.seed))
      .field("clients", static_cast<int>(clients_.size()))
      .field("sync_commit", spec_.sync_commit)
      .field("set", lead_set_name(spec_.set))
      .field("trace", trace.empty() ? "default" : trace)
      .field("leads", m.rows)
      .field("seconds", m.seconds)
      .field("throughput", m.seconds > 0 ? static_cast<double>(m.rows) / m.seconds : 0.0)
      .field("us_per_lead", m.rows > 0 ? m.seconds * 1e6 / static_cast<double>(m.rows) : 0.0);
  if (spec_.mode == Mode::Insert)
    j.field("lat_p50_us", m.latency.p50)
        .field("lat_p90_us", m.latency.p90)
        .field("lat_p99_us", m.latency.p99)
        .field("lat_max_us", m.latency.max)
        .field("lat_mean_us", m.latency.mean);
  j.field("decisions", static_cast<int64_t>(trig.number(0, 0)));
  if (trig.number(0, 0) > 0)
    j.field("trig_p50_us", trig.number(0, 1))
        .field("trig_p90_us", trig.number(0, 2))
        .field("trig_p99_us", trig.number(0, 3))
        .field("trig_mean_us", trig.number(0, 4))
        .field("trig_max_us", trig.number(0, 5));
  j.field("stored", static_cast<int64_t>(leads.number(0, 0)))
      .field("routing_errors", static_cast<int64_t>(leads.number(0, 1)))
      .field("with_account", static_cast<int64_t>(leads.number(0, 2)))
      .field("freemail", static_cast<int64_t>(leads.number(0, 3)))
      .field("mean_rule_position", leads.number(0, 4))
      .field("assigned", static_cast<int64_t>(leads.number(0, 5)))
      .field("catch_all", static_cast<int64_t>(leads.number(0, 6)))
      .field("triggers", triggers);
  out_ << j.str() << std::endl;
  std::string name = contender_name(c);
  if (!trace.empty()) name += ":" + trace;
  std::fprintf(stderr, "  %-17s round %d: %7.0f leads/s", name.c_str(), round,
               static_cast<double>(m.rows) / m.seconds);
  if (spec_.mode == Mode::Insert)
    std::fprintf(stderr, "  INSERT p50 %6.0f p99 %6.0f us", m.latency.p50, m.latency.p99);
  if (trig.number(0, 0) > 0)
    std::fprintf(stderr, "  trigger p50 %4.0f p99 %5.0f mean %6.1f us", trig.number(0, 1),
                 trig.number(0, 3), trig.number(0, 4));
  std::fprintf(stderr, "\n");
  if (c != Contender::Plain && trig.number(0, 0) != static_cast<double>(m.rows))
    throw PgError(std::string(contender_name(c)) + " recorded " +
                  std::to_string(static_cast<int64_t>(trig.number(0, 0))) + " decisions for " +
                  std::to_string(m.rows) + " leads: is its trigger on?");
}

// The two routers must decide alike: the same normalization, account, rule, status and queue for
// every lead (the rep may differ: each has its own rotation).
void Runner::compare_decisions(Connection& control) {
  control.exec("ANALYZE public.leadroute_bench_outcomes");
  Result r = control.query(
      "SELECT count(*), count(*) FILTER (WHERE (a.email_domain, a.is_freemail, a.account_id,"
      " a.match_tier, a.rule_id, a.status, a.queue, a.country) IS NOT DISTINCT FROM"
      " (b.email_domain, b.is_freemail, b.account_id, b.match_tier, b.rule_id, b.status,"
      " b.queue, b.country))"
      " FROM public.leadroute_bench_outcomes a JOIN public.leadroute_bench_outcomes b"
      " USING (submission) WHERE a.contender = 'leadroute' AND b.contender = 'plpgsql'");
  if (r.number(0, 0) == 0) return;
  Result diff = control.query(
      "SELECT a.submission, row(a.email_domain, a.is_freemail, a.account_id, a.match_tier,"
      " a.rule_id, a.status, a.queue, a.country)::text, row(b.email_domain, b.is_freemail,"
      " b.account_id, b.match_tier, b.rule_id, b.status, b.queue, b.country)::text"
      " FROM public.leadroute_bench_outcomes a JOIN public.leadroute_bench_outcomes b"
      " USING (submission) WHERE a.contender = 'leadroute' AND b.contender = 'plpgsql'"
      " AND (a.email_domain, a.is_freemail, a.account_id, a.match_tier, a.rule_id, a.status,"
      " a.queue, a.country) IS DISTINCT FROM (b.email_domain, b.is_freemail, b.account_id,"
      " b.match_tier, b.rule_id, b.status, b.queue, b.country) ORDER BY 1 LIMIT 5");
  std::string examples = "[";
  for (int i = 0; i < diff.rows(); ++i)
    examples += (i ? ", " : "") + json_string("lead " + diff.text(i, 0) + ": leadroute " +
                                              diff.text(i, 1) + " plpgsql " + diff.text(i, 2));
  examples += "]";
  auto compared = static_cast<int64_t>(r.number(0, 0));
  auto identical = static_cast<int64_t>(r.number(0, 1));
  out_ << JsonLine()
              .field("type", "agreement")
              .field("suite", spec_.suite)
              .field("scenario", spec_.scenario)
              .field("rules", org_.spec().rules)
              .field("reps", org_.spec().reps)
              .field("accounts", org_.spec().accounts)
              .field("set", lead_set_name(spec_.set))
              .field("compared", compared)
              .field("identical", identical)
              .raw("examples", examples)
              .str()
       << std::endl;
  std::fprintf(stderr, "  decisions: leadroute and PL/pgSQL agree on %lld of %lld leads\n",
               static_cast<long long>(identical), static_cast<long long>(compared));
  for (int i = 0; i < diff.rows(); ++i)
    std::fprintf(stderr, "    lead %s: leadroute %s, plpgsql %s\n", diff.text(i, 0).c_str(),
                 diff.text(i, 1).c_str(), diff.text(i, 2).c_str());
}

void Runner::run() {
  Connection control(spec_.conninfo);
  control.exec("SET client_min_messages = warning");
  int nclients = spec_.mode == Mode::Copy ? 1 : spec_.clients;
  for (int i = 0; i < nclients; ++i) {
    clients_.push_back(std::make_unique<Connection>(spec_.conninfo));
    clients_.back()->exec("SET client_min_messages = warning");
    clients_.back()->prepare("insert_lead", insert_sql(), static_cast<int>(kLeadColumnCount));
  }
  control.exec(
      "CREATE TABLE IF NOT EXISTS public.leadroute_bench_outcomes (contender text, submission "
      "bigint, email_domain text, is_freemail boolean, account_id bigint, match_tier text, "
      "rule_id bigint, status text, queue text, country text, PRIMARY KEY (contender, "
      "submission)); "
      "TRUNCATE public.leadroute_bench_outcomes");
  std::fprintf(stderr, "%s: %s, %d client(s), synchronous_commit %s, %lld %s leads x %d rounds\n",
               spec_.scenario.c_str(), mode_name(spec_.mode), nclients,
               spec_.sync_commit ? "on" : "off", static_cast<long long>(spec_.leads),
               lead_set_name(spec_.set), spec_.rounds);
  // Each contender once; leadroute once per trace level when several are asked for.
  struct Entry {
    Contender contender;
    std::string trace;
    std::string label;  // in the outcome table
  };
  std::vector<Entry> entries;
  for (Contender c : spec_.contenders) {
    if (c == Contender::Leadroute && !spec_.traces.empty()) {
      for (const std::string& t : spec_.traces)
        entries.push_back({c, t, std::string(contender_name(c)) + ":" + t});
    } else {
      entries.push_back(
          {c, c == Contender::Leadroute ? spec_.trace : std::string(), contender_name(c)});
    }
  }
  size_t nc = entries.size();
  for (int round = 0; round < spec_.rounds; ++round) {
    uint64_t first = static_cast<uint64_t>(round) * static_cast<uint64_t>(spec_.leads);
    std::vector<Lead> leads;
    std::string copy_data;
    for (int64_t i = 0; i < spec_.leads; ++i) {
      Lead lead = generator_.make(spec_.set, first + static_cast<uint64_t>(i));
      if (spec_.mode == Mode::Copy)
        append_copy_line(lead, &copy_data);
      else
        leads.push_back(std::move(lead));
    }
    for (size_t pos = 0; pos < nc; ++pos) {
      const Entry& entry = entries[(static_cast<size_t>(round) + pos) % nc];
      Contender c = entry.contender;
      control.exec(
          "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, "
          "leadroute.notifications");
      switch_to(control, c);
      if (spec_.checkpoint) control.exec("CHECKPOINT");
      for (size_t t = 0; t < clients_.size(); ++t) {
        Connection& conn = *clients_[t];
        conn.exec(std::string("SET synchronous_commit = ") + (spec_.sync_commit ? "on" : "off"));
        conn.exec(entry.trace.empty() ? "RESET leadroute.trace"
                                      : "SET leadroute.trace = " + entry.trace);
        for (int k = 0; k < spec_.warmup; ++k)
          insert_one(conn,
                     generator_.make(LeadSet::Warmup, static_cast<uint64_t>(round) * 100000 +
                                                          t * 1000 + static_cast<uint64_t>(k)));
      }
      int64_t watermark =
          std::stoll(control.value("SELECT coalesce(max(id), 0) FROM leadroute.leads"));
      Measured m = spec_.mode == Mode::Copy ? run_copy(copy_data, spec_.leads) : run_inserts(leads);
      emit(c, entry.trace, round, static_cast<int>(pos), m, control, watermark);
      if (round == 0 && c != Contender::Plain)
        control.exec("INSERT INTO public.leadroute_bench_outcomes SELECT '" + entry.label +
                     "', (attributes->>'submission')::bigint, email_domain, is_freemail, "
                     "account_id, match_tier, rule_id, status, queue, country FROM "
                     "leadroute.leads WHERE id > " +
                     std::to_string(watermark));
    }
    if (round == 0) compare_decisions(control);
  }
  control.exec(kLeadrouteTriggers);
}

}  // namespace leadroute::bench
