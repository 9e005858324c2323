#include "geo/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "geo/error.hpp"

namespace recompose::geo {

namespace fs = std::filesystem;

namespace {

std::string system_reason(int err) { return std::strerror(err); }

constexpr const char* kLockName = ".recompose.lock";
constexpr const char* kOutputsName = ".recompose-outputs";
constexpr const char* kStagingPrefix = ".recompose-staging-";

}  // namespace

void write_file_atomic(const std::string& path, std::initializer_list<std::string_view> parts) {
  const fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw Error("cannot create folder " + p.parent_path().string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + path + ": " + system_reason(errno));
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw Error("cannot write " + path + ": " + system_reason(err));
  };
  for (std::string_view part : parts) {
    const char* data = part.data();
    std::size_t left = part.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, data, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail(errno);
      }
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  if (::fsync(fd) != 0 && errno != EINVAL) fail(errno);
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot write " + path + ": " + system_reason(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error("cannot rename " + tmp + " to " + path + ": " + system_reason(err));
  }
}

std::string user_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return (fs::path(x) / "recompose").string();
  if (const char* h = std::getenv("HOME"); h && *h) return (fs::path(h) / ".cache" / "recompose").string();
  return "";
}

std::string probable_write_failure(const std::string& path) {
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (::access(dir.c_str(), W_OK) != 0) return system_reason(errno);  // EACCES, EROFS
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) == 0) {
    const double free_b = static_cast<double>(st.f_bavail) * static_cast<double>(st.f_frsize);
    if (free_b < 1024.0 * 1024.0) {
      return system_reason(ENOSPC) + " (" + std::to_string(static_cast<long long>(free_b / 1024)) + " KiB free)";
    }
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    return system_reason(EFBIG) + " (file-size limit of " + std::to_string(lim.rlim_cur / 1024) + " KiB, ulimit -f)";
  }
  return "";
}

OutputFolder::OutputFolder(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec)) {
    throw Error("output folder " + dir_ + " is a file, not a folder");
  }
  fs::create_directories(dir_, ec);
  if (ec) throw Error("cannot create output folder " + dir_ + ": " + ec.message());
  const std::string lock = (fs::path(dir_) / kLockName).string();
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw Error("cannot write in output folder " + dir_ + ": " + system_reason(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t n = ::pread(lock_fd_, buf, sizeof buf - 1, 0);
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK) {
      std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("?");
      pid.erase(std::remove(pid.begin(), pid.end(), '\n'), pid.end());
      throw Error("output folder " + dir_ + " is being written by another run (process " + pid +
                  "); wait for it to end, or write elsewhere");
    }
    throw Error("cannot lock output folder " + dir_ + ": " + system_reason(err));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid; only the message of a second run is poorer.
  }
  // Staging folders of runs that were killed: nobody else holds the lock, remove them.
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().filename().string().rfind(kStagingPrefix, 0) == 0) fs::remove_all(e.path(), ec);
  }
  staging_ = (fs::path(dir_) / (kStagingPrefix + std::to_string(::getpid()))).string();
  fs::create_directory(staging_, ec);
  if (ec) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw Error("cannot write in output folder " + dir_ + ": " + ec.message());
  }
}

OutputFolder::~OutputFolder() {
  std::error_code ec;
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

Error OutputFolder::explained(const Error& e) const {
  std::string m = e.what();
  if (!staging_.empty()) {
    for (std::size_t pos = m.find(staging_); pos != std::string::npos; pos = m.find(staging_, pos + dir_.size())) {
      m.replace(pos, staging_.size(), dir_);
    }
  }
  return Error(m, e.kind());
}

void OutputFolder::commit() {
  if (committed_) throw Error("output folder committed twice", ErrorKind::Internal);
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(staging_, ec)) names.push_back(e.path().filename().string());
  if (ec) throw Error("cannot read staging folder " + staging_ + ": " + ec.message());
  std::sort(names.begin(), names.end());
  std::set<std::string> previous;
  {
    std::ifstream in((fs::path(dir_) / kOutputsName).string());
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) previous.insert(line);
    }
  }
  for (const auto& name : names) {
    const fs::path from = fs::path(staging_) / name, to = fs::path(dir_) / name;
    if (fs::is_directory(to, ec) && !fs::is_directory(from, ec)) {
      throw Error("cannot replace " + to.string() + ": a folder has that name");
    }
    if (fs::is_directory(from, ec)) fs::remove_all(to, ec);  // a whole sub-folder of outputs
    if (::rename(from.c_str(), to.c_str()) != 0) {
      throw Error("cannot move " + from.string() + " to " + to.string() + ": " + system_reason(errno));
    }
  }
  for (const auto& k : kept_) {
    if (fs::exists(fs::path(dir_) / k, ec)) names.push_back(k);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& old : previous) {
    if (std::find(names.begin(), names.end(), old) != names.end()) continue;
    if (old.find('/') != std::string::npos || old.rfind(".recompose", 0) == 0) continue;  // only our own names
    fs::remove_all(fs::path(dir_) / old, ec);
  }
  std::string list;
  for (const auto& name : names) list += name + "\n";
  write_file_atomic((fs::path(dir_) / kOutputsName).string(), {list});
  fs::remove_all(staging_, ec);
  staging_.clear();
  committed_ = true;
}

}  // namespace recompose::geo
