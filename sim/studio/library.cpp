#include "sim/studio/library.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "sim/core/errors.hpp"
#include "sim/input/scenario.hpp"
#include "sim/studio/errors.hpp"

namespace fs = std::filesystem;

namespace motsim::studio {

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

Library::Library(const std::string& dir, const std::string& uploads) : uploads_(uploads) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir + ": error: no such scenario library (a directory of .toml files)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    if (!plain_name(f.stem().string())) continue;
    try {
      const Scenario sc = load_scenario(f.string());
      entries_.push_back({f.stem().string(), fs::absolute(f).lexically_normal().string(), sc.title, sc.question});
    } catch (const InputError&) {  // not a scenario (a spec, a broken file): not offered
    }
  }
  if (entries_.empty()) throw InputError(dir + ": error: no scenario in the library (no .toml file that loads)");
  const auto base = std::find_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.name == "baseline"; });
  default_ = base != entries_.end() ? base->name : entries_.front().name;
  fs::create_directories(uploads_);
  for (const auto& e : fs::directory_iterator(uploads_)) {  // numbering goes on after a restart
    const std::string s = e.path().stem().string();
    if (s.rfind("upload-", 0) == 0) next_upload_ = std::max(next_upload_, std::atoi(s.c_str() + 7) + 1);
  }
}

nlohmann::json Library::list() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json s = nlohmann::json::array();
  for (const auto& e : entries_)
    if (e.name.rfind("upload-", 0) != 0) s.push_back({{"name", e.name}, {"title", e.title}, {"question", e.question}});
  return {{"scenarios", s}, {"default", default_}};
}

std::string Library::path_of(const std::string& name) const {
  if (!plain_name(name))
    throw BadRequest(
        400, "scenario '" + name + "': a scenario is named by its library name (such as baseline), never by a path");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : entries_)
    if (e.name == name) return e.path;
  throw BadRequest(404, "scenario '" + name + "': no such scenario in the library or among the uploads");
}

std::string Library::upload(const std::string& file_name, const std::string& text) {
  std::string shown = fs::path(file_name).filename().string();  // only for messages
  if (shown.empty()) shown = "upload.toml";
  Scenario sc;
  try {
    // Relative paths in an uploaded text (extends, a network file) resolve in the library.
    const std::string dir = fs::path(entries_.front().path).parent_path().string();
    sc = parse_scenario(text, shown, dir);
  } catch (const InputError& e) {
    throw BadRequest(400, e.what());
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string name = "upload-" + std::to_string(next_upload_++);
  const fs::path path = fs::absolute(fs::path(uploads_) / (name + ".toml")).lexically_normal();
  // Kept resolved (its `extends` merged), so that it loads from the uploads directory too.
  std::ofstream(path) << "# uploaded to motsim studio as " << shown << ", resolved\n" << scenario_to_toml(sc);
  entries_.push_back({name, path.string(), sc.title, sc.question});
  return name;
}

}  // namespace motsim::studio
