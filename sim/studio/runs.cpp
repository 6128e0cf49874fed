#include "sim/studio/runs.hpp"

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "motsim/version.hpp"
#include "sim/core/errors.hpp"
#include "sim/engine/memory.hpp"
#include "sim/experiment/compare.hpp"
#include "sim/input/param_table.hpp"
#include "sim/input/scenario.hpp"
#include "sim/input/scenario_diff.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/studio/errors.hpp"
#include "sim/studio/result_json.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace motsim::studio {

const char* state_name(RunState s) {
  switch (s) {
    case RunState::queued:
      return "queued";
    case RunState::running:
      return "running";
    case RunState::done:
      return "done";
    case RunState::failed:
      return "failed";
    case RunState::cancelled:
      return "cancelled";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

std::string now_text() {
  const std::time_t t = std::time(nullptr);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return b;
}

// Written beside the target and renamed: a reader never sees half a file.
void write_text(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << text;
    if (!f) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, path);
}

json read_json(const fs::path& path) {
  std::ifstream f(path);
  if (!f) return nullptr;
  try {
    return json::parse(f);
  } catch (const json::exception&) {
    return nullptr;
  }
}

long long int_field(const json& req, const char* name, long long dflt, long long lo, long long hi) {
  if (!req.contains(name)) return dflt;
  const json& v = req[name];
  if (!v.is_number_integer())
    throw BadRequest(400,
                     std::string("'") + name + "' = " + v.dump() + ": expected an integer from " + std::to_string(lo) +
                         " to " + std::to_string(hi),
                     name);
  const long long x = v.get<long long>();
  if (x < lo || x > hi)
    throw BadRequest(400,
                     std::string("'") + name + "' = " + std::to_string(x) + " is out of range; expected " +
                         std::to_string(lo) + " to " + std::to_string(hi),
                     name);
  return x;
}

// A lever's value as the right side of --set KEY=VALUE.
std::string set_value(const std::string& key, const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return json(v.get<std::string>()).dump();  // a TOML basic string reads the same escapes
  if (!v.is_number())
    throw BadRequest(400, key + " = " + v.dump() + ": expected a number, true/false or a string", key);
  const double x = v.get<double>();
  if (!std::isfinite(x)) throw BadRequest(400, key + ": expected a finite number", key);
  if (is_integer_key(key) && x != std::floor(x))
    throw BadRequest(400, key + " = " + v.dump() + ": this parameter takes a whole number", key);
  return set_literal(key, x);
}

// The changes as --set assignments, each checked alone first, so that a bad value's message
// goes next to its own control.
std::vector<std::string> change_sets(const ParsedScenario& base, const Scenario& base_sc, const json& changes) {
  if (!changes.is_object()) throw BadRequest(400, "'changes' must be an object of lever keys and values");
  std::set<std::string> keys;
  for (const auto& f : scenario_fields(base_sc)) keys.insert(f.key);
  std::vector<std::string> sets;
  for (const auto& [key, v] : changes.items()) {
    if (!keys.count(key)) {
      const std::string near = did_you_mean(key, {keys.begin(), keys.end()});
      throw BadRequest(400, "unknown lever '" + key + "'" + (near.empty() ? "" : "; did you mean " + near + "?"), key);
    }
    const std::string set = key + "=" + set_value(key, v);
    try {
      (void)base.with({set});
    } catch (const InputError& e) {
      std::string m = e.what();  // "--set KEY=VALUE: error: ..." names the command line's option: not the page's
      if (m.rfind("--set ", 0) == 0 && m.find(": ") != std::string::npos) m = m.substr(m.find(": ") + 2);
      throw BadRequest(400, m, key);
    }
    sets.push_back(set);
  }
  return sets;
}

// The products a change touches (every product for a market-wide change).
std::vector<std::string> focus_of(const Scenario& sc, const std::vector<KeyChange>& changes) {
  std::vector<std::string> f;
  auto add = [&](const std::string& p) {
    if (std::find(f.begin(), f.end(), p) == f.end()) f.push_back(p);
  };
  for (const auto& c : changes) {
    if (c.key.rfind("product.", 0) == 0) add(c.key.substr(8, c.key.find('.', 8) - 8));
    if (c.key.rfind("campaign.", 0) == 0) {
      const std::size_t i = std::stoul(c.key.substr(9));
      if (i < sc.campaigns.size()) add(sc.campaigns[i].product);
    }
  }
  return f;
}

}  // namespace

Runs::Runs(Library& library, std::string history, StudioLimits limits, int threads)
    : library_(library), history_(std::move(history)), limits_(limits), threads_(threads) {
  fs::create_directories(fs::path(history_) / "runs");
  for (const auto& e : fs::directory_iterator(fs::path(history_) / "runs")) {  // numbering goes on
    const std::string s = e.path().filename().string();
    if (s.size() == 7 && s[0] == 'r') next_id_ = std::max(next_id_, std::atoi(s.c_str() + 1) + 1);
  }
  worker_ = std::thread([this] { work(); });
}

Runs::~Runs() { stop(); }

void Runs::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [id, r] : runs_) r->cancel = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

namespace {

void check_fields(const json& req) {
  if (!req.is_object()) throw BadRequest(400, "the body must be a JSON object (docs/studio.md, POST /api/runs)");
  static const std::set<std::string> known = {"scenario", "changes", "agents", "days", "replicates", "attribute"};
  for (const auto& [k, v] : req.items())
    if (!known.count(k))
      throw BadRequest(400,
                       "unknown field '" + k + "'; expected scenario, changes, agents, days, replicates, attribute");
  if (!req.contains("scenario") || !req["scenario"].is_string())
    throw BadRequest(400, "'scenario' must name a scenario of the library (GET /api/scenarios)");
  if (req.contains("attribute") && !req["attribute"].is_boolean())
    throw BadRequest(400, "'attribute' must be true or false");
}

std::string variant_comment(const Run& r, const std::vector<KeyChange>& diff, long long agents, long long days) {
  std::string c = "# A variant saved by motsim studio (run " + r.id + ", motsim " + std::string(kVersion) + ", " +
                  r.created + ")\n# from " + r.base_path + ".\n";
  for (const auto& ch : diff) c += "#   " + ch.key + ": " + ch.base + " -> " + ch.variant + "\n";
  c += "# The studio's numbers, reproduced:\n#   motsim compare " + r.base_path + " THIS_FILE --agents " +
       std::to_string(agents) + " --days " + std::to_string(days) + " --replicates " + std::to_string(r.replicates) +
       "\n";
  return c;
}

// The simulations a request makes: base and variant per replicate, and with an attribution
// every subset of the levers (the most an attribution of N levers can need).
long long simulations_of(int replicates, bool attribute, std::size_t levers) {
  const std::size_t n = std::min<std::size_t>(levers, 12);
  return static_cast<long long>(replicates) * (attribute ? (1LL << n) : 2);
}

}  // namespace

std::shared_ptr<Run> Runs::prepare(const std::string& client, const json& req) {
  check_fields(req);
  auto r = std::make_shared<Run>();
  r->client = client;
  r->request = req;
  r->base_path = library_.path_of(req["scenario"].get<std::string>());
  ParsedScenario base;
  try {
    base = ParsedScenario(r->base_path);
  } catch (const InputError& e) {
    throw BadRequest(400, e.what());
  }
  const Scenario base_sc = base.with();
  const long long agents = int_field(req, "agents", base_sc.simulation.agents, 100, limits_.max_agents);
  const long long days = int_field(req, "days", base_sc.simulation.days, 1, limits_.max_days);
  r->replicates = static_cast<int>(int_field(req, "replicates", 4, 2, limits_.max_replicates));
  r->attribute = req.value("attribute", false);
  const auto sets = change_sets(base, base_sc, req.value("changes", json::object()));
  r->sets = {"simulation.agents=" + std::to_string(agents), "simulation.days=" + std::to_string(days)};
  Scenario variant;
  try {
    variant = base.with(sets);
    std::vector<std::string> all = sets;
    all.insert(all.end(), r->sets.begin(), r->sets.end());
    check_memory(base.with(all), false);
  } catch (const InputError& e) {
    throw BadRequest(400, e.what());
  }
  const auto diff = scenario_diff(base_sc, variant);
  if (r->attribute && diff.empty()) throw BadRequest(400, "nothing to attribute: change a lever first");
  const long long sims = simulations_of(r->replicates, r->attribute, diff.size());
  if (static_cast<double>(agents) * days * sims > static_cast<double>(limits_.max_agent_days))
    throw BadRequest(400, "agents x days x simulations = " + std::to_string(agents) + " x " + std::to_string(days) +
                              " x " + std::to_string(sims) + " is over this server's limit of " +
                              std::to_string(limits_.max_agent_days) + " agent-days (motsim serve --max-agent-days)");
  r->focus = focus_of(variant, diff);
  std::string what;
  for (const auto& ch : diff) what += (what.empty() ? "" : ", ") + ch.key + " = " + ch.variant;
  variant.title = base_sc.title + (base_sc.title.empty() ? "" : ": ") + "a studio variant";
  variant.question = diff.empty() ? base_sc.question : "What if " + what + "?";
  {
    std::lock_guard<std::mutex> lock(mu_);
    char id[16];
    std::snprintf(id, sizeof id, "r%06d", next_id_++ % 1000000);
    r->id = id;
  }
  r->created = now_text();
  r->dir = (fs::path(history_) / "runs" / r->id).string();
  fs::create_directories(r->dir);
  r->variant_path = fs::absolute(fs::path(r->dir) / "variant.toml").lexically_normal().string();
  write_text(r->variant_path, variant_toml(base_sc, variant, r->base_path, variant_comment(*r, diff, agents, days)));
  if (!scenario_diff(variant, load_scenario(r->variant_path)).empty())  // the saved file must be the variant run
    throw std::logic_error(r->variant_path + ": the variant file does not reproduce the variant");
  write_text(fs::path(r->dir) / "request.json",
             json({{"id", r->id}, {"created", r->created}, {"request", req}, {"base", r->base_path}}).dump(1));
  return r;
}

std::string Runs::submit(const std::string& client, const json& request) {
  std::shared_ptr<Run> r = prepare(client, request);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, old] : runs_)  // one run at a time per client
    if (old->client == client && (old->state == RunState::queued || old->state == RunState::running))
      old->cancel = true;
  std::size_t waiting = 0;
  for (const auto& q : queue_) waiting += !q->cancel;
  if (static_cast<int>(waiting) >= limits_.max_queue)
    throw BadRequest(429, "the studio is busy: " + std::to_string(waiting) + " runs are waiting; try again shortly");
  r->seen = Clock::now();
  runs_[r->id] = r;
  queue_.push_back(r);
  cv_.notify_all();
  return r->id;
}

void Runs::work() {
  for (;;) {
    std::shared_ptr<Run> r;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      r = queue_.front();
      queue_.pop_front();
      if (std::chrono::duration<double>(Clock::now() - r->seen).count() > limits_.abandon_seconds) r->cancel = true;
      r->state = RunState::running;
    }
    execute(*r);
  }
}

void Runs::execute(Run& r) {
  const auto t0 = Clock::now();
  if (r.cancel) return finish(r, RunState::cancelled, "");
  CompareOptions opt;
  opt.scenarios = {r.base_path, r.variant_path};
  opt.sets = r.sets;
  opt.replicates = r.replicates;
  opt.threads = threads_;
  opt.out = (fs::path(r.dir) / "compare.h5").string();
  opt.quiet = true;
  opt.attribute = r.attribute;
  RunHooks hooks;
  hooks.stop = &r.cancel;
  hooks.cache = &cache_;
  hooks.progress = [&](int done, int total) {
    std::lock_guard<std::mutex> lock(mu_);
    r.done = done;
    r.total = total;
    if (std::chrono::duration<double>(Clock::now() - r.seen).count() > limits_.abandon_seconds) r.cancel = true;
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    r.total = 2 * r.replicates;
  }
  try {
    if (run_compare(opt, "motsim serve: studio run " + r.id, hooks) != 0)
      return finish(r, RunState::cancelled, r.cancel ? "" : "interrupted");
    json result = result_json(read_compare_file(opt.out), r.focus);
    result["seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    result["replicates"] = r.replicates;
    result["agents"] = std::stoll(r.sets[0].substr(r.sets[0].find('=') + 1));
    result["days"] = std::stoll(r.sets[1].substr(r.sets[1].find('=') + 1));
    result["motsim_version"] = std::string(kVersion);
    write_text(fs::path(r.dir) / "result.json", result.dump());
    finish(r, RunState::done, "");
  } catch (const InputError& e) {
    finish(r, RunState::failed, e.what());
  } catch (const std::exception& e) {
    finish(r, RunState::failed, std::string("internal error: ") + e.what());
  }
}

void Runs::finish(Run& r, RunState s, const std::string& error) {
  json st;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r.state = s;
    r.error = error;
    st = {{"state", state_name(s)}, {"error", error},         {"done", r.done},
          {"total", r.total},       {"finished", now_text()}, {"motsim_version", std::string(kVersion)}};
  }
  try {
    write_text(fs::path(r.dir) / "state.json", st.dump(1));
  } catch (const std::exception&) {  // the history cannot be written: the run's answer stands
  }
}

nlohmann::json Runs::status(const std::string& id) {
  if (!plain_name(id)) throw BadRequest(404, "no run '" + id + "'");
  json out;
  std::string dir;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = runs_.find(id);
    if (it != runs_.end()) {
      Run& r = *it->second;
      r.seen = Clock::now();
      out = {{"id", id},         {"state", state_name(r.state)}, {"done", r.done}, {"total", r.total},
             {"error", r.error}, {"request", r.request}};
      if (r.state != RunState::done) return out;
      dir = r.dir;
    }
  }
  if (dir.empty()) {  // a run of the history, from disk
    dir = (fs::path(history_) / "runs" / id).string();
    const json req = read_json(fs::path(dir) / "request.json");
    const json st = read_json(fs::path(dir) / "state.json");
    if (req.is_null()) throw BadRequest(404, "no run '" + id + "' in this studio's history");
    out = {{"id", id},
           {"state", st.is_null() ? "cancelled" : st.value("state", "failed")},
           {"done", st.is_null() ? 0 : st.value("done", 0)},
           {"total", st.is_null() ? 0 : st.value("total", 0)},
           {"error", st.is_null() ? "stopped with the server" : st.value("error", "")},
           {"request", req["request"]}};
    if (out["state"] != "done") return out;
  }
  out["result"] = read_json(fs::path(dir) / "result.json");
  return out;
}

void Runs::cancel(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = runs_.find(id);
  if (it == runs_.end()) throw BadRequest(404, "no run '" + id + "' queued or running");
  it->second->cancel = true;
}

nlohmann::json Runs::history() const {
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(fs::path(history_) / "runs"))
    if (plain_name(e.path().filename().string())) ids.push_back(e.path().filename().string());
  std::sort(ids.rbegin(), ids.rend());
  json out = json::array();
  for (const auto& id : ids) {
    const fs::path dir = fs::path(history_) / "runs" / id;
    const json req = read_json(dir / "request.json");
    if (req.is_null()) continue;
    json st = read_json(dir / "state.json");
    std::string state = st.is_null() ? "cancelled" : st.value("state", "failed");
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (const auto it = runs_.find(id); it != runs_.end()) state = state_name(it->second->state);
    }
    const json& rq = req["request"];
    out.push_back({{"id", id},
                   {"created", req.value("created", "")},
                   {"scenario", rq.value("scenario", "")},
                   {"changes", rq.value("changes", json::object())},
                   {"state", state}});
  }
  return out;
}

std::string Runs::done_dir(const std::string& id) const {
  if (!plain_name(id)) throw BadRequest(404, "no run '" + id + "'");
  const fs::path dir = fs::path(history_) / "runs" / id;
  const json st = read_json(dir / "state.json");
  if (read_json(dir / "request.json").is_null()) throw BadRequest(404, "no run '" + id + "' in this studio's history");
  if (st.is_null() || st.value("state", "") != "done") throw BadRequest(409, "run " + id + " has not finished");
  return dir.string();
}

}  // namespace motsim::studio
