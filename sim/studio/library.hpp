#pragma once
// The scenarios a studio client may name: the files of the library directory (by their stem,
// e.g. "baseline") and the texts clients uploaded (kept as files under the history, named
// "upload-N"). A client never gives a path: a name is looked up here or refused.
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace motsim::studio {

class Library {
 public:
  // `dir`: the library (*.toml, every one that loads); `uploads`: where uploaded texts go.
  Library(const std::string& dir, const std::string& uploads);
  // {"scenarios": [{"name", "title", "question"}], "default": NAME}
  nlohmann::json list() const;
  // The file of a scenario name; BadRequest (404) when there is no such scenario, 400 when the
  // name is not a plain name (a path, say).
  std::string path_of(const std::string& name) const;
  // Validates an uploaded text as a scenario (the loader's messages, naming `file_name`), keeps
  // it and returns its name. BadRequest (400) with the validator's message.
  std::string upload(const std::string& file_name, const std::string& text);
  const std::string& default_name() const { return default_; }
  void set_default(const std::string& name) { default_ = name; }

 private:
  struct Entry {
    std::string name, path, title, question;
  };
  std::vector<Entry> entries_;
  std::string uploads_, default_;
  int next_upload_ = 1;
  mutable std::mutex mu_;
};

// Whether `s` is 1-64 letters, digits, '-' or '_' (a scenario, client or run name).
bool plain_name(const std::string& s);

}  // namespace motsim::studio
