// Error types shared by every layer of Recompose.
//
// Setup and I/O failures throw `recompose::geo::Error` carrying a context chain
// (file, layer, feature, id, coordinate). Callers add context on the way up with
// `with_context`, and the command-line `main` prints the whole chain and maps the
// error kind to an exit code: `BadInput` -> 1, `Usage` -> 2.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace recompose::geo {

enum class ErrorKind {
  BadInput,  // a file, layer, field, feature or value the user gave is wrong
  Usage,     // the command line is wrong
  Internal,  // a library failed in a way the input cannot explain
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, ErrorKind kind = ErrorKind::BadInput)
      : std::runtime_error(message), message_(std::move(message)), kind_(kind) {}

  // Returns a copy with `context` prepended ("file x.geojson: layer y: ...").
  [[nodiscard]] Error with_context(const std::string& context) const {
    Error e(*this);
    e.contexts_.insert(e.contexts_.begin(), context);
    e.full_ = e.render();
    return e;
  }

  const char* what() const noexcept override {
    return full_.empty() ? message_.c_str() : full_.c_str();
  }
  [[nodiscard]] ErrorKind kind() const { return kind_; }
  [[nodiscard]] const std::string& message() const { return message_; }

 private:
  [[nodiscard]] std::string render() const {
    std::string s;
    for (const auto& c : contexts_) s += c + ": ";
    return s + message_;
  }
  std::string message_;
  std::vector<std::string> contexts_;
  std::string full_;
  ErrorKind kind_;
};

// Runs `f`, re-throwing any `Error` with `context` prepended.
template <class F>
auto with_error_context(const std::string& context, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw e.with_context(context);
  }
}

}  // namespace recompose::geo
