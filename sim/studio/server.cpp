#include "sim/studio/server.hpp"

#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "sim/core/errors.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/input/scenario.hpp"
#include "sim/io/compare_file.hpp"
#include "sim/studio/assets.hpp"
#include "sim/studio/errors.hpp"
#include "sim/studio/levers.hpp"

extern char** environ;

namespace fs = std::filesystem;
using nlohmann::json;

namespace motsim::studio {
namespace {

std::string random_token() {
  std::random_device rd;  // the system's entropy (/dev/urandom)
  char b[33];
  for (int i = 0; i < 4; ++i) std::snprintf(b + 8 * i, 9, "%08x", rd());
  return b;
}

// Compares in time independent of where the strings differ.
bool same_token(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

bool loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& key = "") {
  json j = {{"error", message}};
  if (!key.empty()) j["key"] = key;
  send_json(res, j, status);
}

// A handler whose refusals become their status and message.
using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
Handler guarded(const Handler& h) {
  return [h](const httplib::Request& req, httplib::Response& res) {
    try {
      h(req, res);
    } catch (const BadRequest& e) {
      send_error(res, e.status, e.what(), e.key);
    } catch (const json::exception& e) {
      send_error(res, 400, std::string("bad JSON: ") + e.what());
    } catch (const InputError& e) {
      send_error(res, 400, e.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "motsim serve: internal error on %s %s: %s\n", req.method.c_str(), req.path.c_str(),
                   e.what());
      send_error(res, 500, std::string("internal error: ") + e.what());
    }
  };
}

json body_json(const httplib::Request& req) {
  if (req.body.empty()) throw BadRequest(400, "an empty body: expected a JSON object");
  return json::parse(req.body);
}

std::string client_of(const httplib::Request& req) {
  std::string c = req.get_header_value("X-Motsim-Client");
  if (!plain_name(c))
    throw BadRequest(400, "the header X-Motsim-Client must name the client (1-64 letters, digits, - or _)");
  return c;
}

std::string read_file_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs scripts/report on a run's compare file: a program and its arguments, no shell.
void write_report(const std::string& script, const std::string& dir) {
  if (script.empty() || !fs::exists(script))
    throw BadRequest(501, "the report needs scripts/report, not found (motsim serve --report-script)");
  const std::string in = dir + "/compare.h5", out = dir + "/report";
  std::vector<std::string> args = {script, in, "-o", out, "--single-file", "--force"};
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, script.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error(script + ": cannot be started");
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(script + " failed on " + in + " (exit " + std::to_string(WEXITSTATUS(status)) + ")");
}

std::string kpis_csv(const CompareFile& c) {
  const std::size_t J = c.kpi_names.size(), K1 = c.products.size() + 1;
  std::ostringstream o;
  o.precision(17);
  o << "kpi,product,base_mean,base_ci95,variant_mean,variant_ci95,diff_mean,diff_ci95,diff_relative,significant\n";
  for (std::size_t j = 0; j < J; ++j)
    for (std::size_t k = 0; k < K1; ++k) {
      const std::size_t b = j * K1 + k, v = (J + j) * K1 + k;
      o << c.kpi_names[j] << ',' << (k < c.products.size() ? c.products[k] : "all") << ',' << c.mean[b] << ','
        << c.ci95[b] << ',' << c.mean[v] << ',' << c.ci95[v] << ',' << c.diff_mean[b] << ',' << c.diff_ci95[b] << ','
        << c.diff_relative[b] << ',' << (c.diff_significant[b] > 0.5 ? 1 : 0) << '\n';
    }
  return o.str();
}

struct Studio {
  ServeOptions opt;
  std::string token;
  Library library;
  Runs runs;
  Studio(const ServeOptions& o, const std::string& t)
      : opt(o), token(t), library(o.library, o.history + "/uploads"), runs(library, o.history, o.limits, o.threads) {}
};

bool authorised(const Studio& st, const httplib::Request& req) {
  std::string t = req.get_param_value("token");
  const std::string auth = req.get_header_value("Authorization");
  if (t.empty() && auth.rfind("token ", 0) == 0) t = auth.substr(6);
  return !t.empty() && same_token(t, st.token);
}

json levers_answer(const Studio& st, const std::string& name) {
  const Scenario sc = load_scenario(st.library.path_of(name));
  json j = levers_json(sc);
  const auto& l = st.opt.limits;
  j["scenario"] = name;
  j["title"] = sc.title;
  j["question"] = sc.question;
  j["agents"] = sc.simulation.agents;
  j["days"] = sc.simulation.days;
  j["replicates"] = 4;
  j["limits"] = {{"max_agents", l.max_agents},
                 {"max_days", l.max_days},
                 {"max_replicates", l.max_replicates},
                 {"max_agent_days", l.max_agent_days}};
  return j;
}

void page_routes(httplib::Server& svr, Studio& st) {
  svr.Get("/", guarded([&st](const httplib::Request&, httplib::Response& res) {
            std::string page(find_asset("index.html")->data);
            for (std::size_t at = page.find("{{TOKEN}}"); at != std::string::npos; at = page.find("{{TOKEN}}", at))
              page.replace(at, 9, st.token);
            res.set_header("Cache-Control", "no-store");
            res.set_content(page, "text/html; charset=utf-8");
          }));
  svr.Get(R"(/assets/([A-Za-z0-9_.-]+))", guarded([](const httplib::Request& req, httplib::Response& res) {
            const Asset* a = find_asset(req.matches[1].str());
            if (!a || a->name == "index.html") throw BadRequest(404, "no asset " + req.matches[1].str());
            res.set_content(std::string(a->data), std::string(a->type).c_str());
          }));
}

void scenario_routes(httplib::Server& svr, Studio& st) {
  svr.Get("/api/scenarios",
          guarded([&st](const httplib::Request&, httplib::Response& res) { send_json(res, st.library.list()); }));
  svr.Get("/api/levers", guarded([&st](const httplib::Request& req, httplib::Response& res) {
            send_json(res, levers_answer(st, req.get_param_value("scenario")));
          }));
  svr.Post("/api/upload", guarded([&st](const httplib::Request& req, httplib::Response& res) {
             const json b = body_json(req);
             if (!b.is_object() || !b.contains("toml") || !b["toml"].is_string())
               throw BadRequest(400, "expected {\"name\": FILE_NAME, \"toml\": TEXT}");
             const std::string name = st.library.upload(b.value("name", "upload.toml"), b["toml"].get<std::string>());
             send_json(res, levers_answer(st, name));
           }));
}

void run_routes(httplib::Server& svr, Studio& st) {
  svr.Post("/api/runs", guarded([&st](const httplib::Request& req, httplib::Response& res) {
             const std::string client = client_of(req);
             send_json(res, {{"id", st.runs.submit(client, body_json(req))}}, 202);
           }));
  svr.Get("/api/runs",
          guarded([&st](const httplib::Request&, httplib::Response& res) { send_json(res, st.runs.history()); }));
  svr.Get(R"(/api/runs/([A-Za-z0-9_-]+))", guarded([&st](const httplib::Request& req, httplib::Response& res) {
            send_json(res, st.runs.status(req.matches[1].str()));
          }));
  svr.Post(R"(/api/runs/([A-Za-z0-9_-]+)/cancel)", guarded([&st](const httplib::Request& req, httplib::Response& res) {
             st.runs.cancel(req.matches[1].str());
             send_json(res, {{"state", "cancelled"}});
           }));
}

void file_routes(httplib::Server& svr, Studio& st) {
  auto download = [](httplib::Response& res, const std::string& text, const char* type, const std::string& name) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    res.set_content(text, type);
  };
  svr.Get(R"(/api/runs/([A-Za-z0-9_-]+)/scenario.toml)",
          guarded([&st, download](const httplib::Request& req, httplib::Response& res) {
            const std::string dir = st.runs.done_dir(req.matches[1].str());
            download(res, read_file_text(dir + "/variant.toml"), "application/toml", "variant.toml");
          }));
  svr.Get(R"(/api/runs/([A-Za-z0-9_-]+)/compare.h5)",
          guarded([&st, download](const httplib::Request& req, httplib::Response& res) {
            const std::string dir = st.runs.done_dir(req.matches[1].str());
            download(res, read_file_text(dir + "/compare.h5"), "application/x-hdf5", req.matches[1].str() + ".h5");
          }));
  svr.Get(R"(/api/runs/([A-Za-z0-9_-]+)/kpis.csv)",
          guarded([&st, download](const httplib::Request& req, httplib::Response& res) {
            const std::string dir = st.runs.done_dir(req.matches[1].str());
            download(res, kpis_csv(read_compare_file(dir + "/compare.h5")), "text/csv", req.matches[1].str() + ".csv");
          }));
  svr.Post(R"(/api/runs/([A-Za-z0-9_-]+)/report)", guarded([&st](const httplib::Request& req, httplib::Response& res) {
             const std::string id = req.matches[1].str();
             write_report(st.opt.report_script, st.runs.done_dir(id));
             send_json(res, {{"url", "/api/runs/" + id + "/report.html"}});
           }));
  svr.Get(R"(/api/runs/([A-Za-z0-9_-]+)/report.html)",
          guarded([&st](const httplib::Request& req, httplib::Response& res) {
            const fs::path page = fs::path(st.runs.done_dir(req.matches[1].str())) / "report" / "index.html";
            if (!fs::exists(page)) throw BadRequest(404, "no report yet: POST /api/runs/ID/report writes it");
            res.set_content(read_file_text(page), "text/html; charset=utf-8");
          }));
}

void guard_routes(httplib::Server& svr, Studio& st) {
  svr.set_pre_routing_handler([&st](const httplib::Request& req, httplib::Response& res) {
    if (authorised(st, req)) return httplib::Server::HandlerResponse::Unhandled;
    if (req.path == "/favicon.ico") {  // a browser asks for it without the token: nothing to hide, nothing to give
      res.status = 204;
      return httplib::Server::HandlerResponse::Handled;
    }
    send_error(res, 401, "a token is needed: open the address motsim serve printed (it ends in ?token=...)");
    return httplib::Server::HandlerResponse::Handled;
  });
  svr.set_error_handler([&st](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) send_error(res, 404, "no such route: " + req.method + " " + req.path + " (docs/studio.md)");
    if (res.status == 413)
      send_error(res, 413, "the request body is over the limit of " + std::to_string(st.opt.max_body) + " bytes");
    if (res.body.empty()) send_error(res, res.status, "HTTP " + std::to_string(res.status));
  });
  svr.set_payload_max_length(st.opt.max_body);
}

// Stops the server on SIGINT or SIGTERM: the runs are cancelled, then the listener closes.
std::thread watch_signals(httplib::Server& svr, Studio& st, std::atomic<bool>& done) {
  return std::thread([&svr, &st, &done] {
    while (!done && !stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    st.runs.stop();
    svr.stop();
  });
}

int bind_port(httplib::Server& svr, const ServeOptions& opt) {
  if (opt.port == 0) {
    const int p = svr.bind_to_any_port(opt.bind);
    if (p <= 0) throw InputError("serve: error: cannot listen on " + opt.bind);
    return p;
  }
  if (!svr.bind_to_port(opt.bind, opt.port))
    throw InputError("serve: error: cannot listen on " + opt.bind + ":" + std::to_string(opt.port) +
                     " (in use? choose another with --port, or --port 0 for any free port)");
  return opt.port;
}

}  // namespace

int serve(const ServeOptions& opt) {
  if (opt.port < 0 || opt.port > 65535)
    throw InputError("serve: error: --port " + std::to_string(opt.port) + " is out of range; expected 0 to 65535");
  if (!opt.token.empty() && (opt.token.size() < 8 || !plain_name(opt.token)))
    throw InputError("serve: error: --token must be 8 to 64 letters, digits, - or _");
  install_interrupt_handlers();
  Studio st(opt, opt.token.empty() ? random_token() : opt.token);
  if (!opt.default_scenario.empty()) st.library.set_default(fs::path(opt.default_scenario).stem().string());
  httplib::Server svr;
  guard_routes(svr, st);
  page_routes(svr, st);
  scenario_routes(svr, st);
  run_routes(svr, st);
  file_routes(svr, st);
  const int port = bind_port(svr, opt);
  if (!loopback(opt.bind))
    std::fprintf(stderr,
                 "motsim serve: warning: listening on %s, not only this machine: anyone who can reach it and has "
                 "the token can run simulations here (docs/reliability.md, the studio's threat model)\n",
                 opt.bind.c_str());
  const std::string host = opt.bind.find(':') != std::string::npos ? "[" + opt.bind + "]" : opt.bind;
  std::printf("motsim studio: open http://%s:%d/?token=%s\n(Ctrl-C stops it; runs are kept in %s)\n", host.c_str(),
              port, st.token.c_str(), opt.history.c_str());
  std::fflush(stdout);
  std::atomic<bool> done{false};
  std::thread watcher = watch_signals(svr, st, done);
  svr.listen_after_bind();
  done = true;
  watcher.join();
  std::fprintf(stderr, "motsim serve: stopped\n");
  return 0;
}

}  // namespace motsim::studio
