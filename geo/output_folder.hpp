// Files and folders written whole.
//
// `write_file_atomic` writes a file through a temporary beside it (POSIX write, then
// fsync, then rename): a failed write (a full disk, a file-size limit, a read-only
// folder) throws an Error with the system's reason ("No space left on device"),
// removes the temporary and leaves the previous file as it was.
//
// `OutputFolder` makes a folder of outputs one unit:
//   - a lock (`DIR/.recompose.lock`, flock): a second run writing the same folder at
//     the same time is refused with the first one's process id; the lock is released
//     when the first run ends, even when it crashes;
//   - every output is written into a staging folder inside DIR
//     (`DIR/.recompose-staging-PID`); a failure anywhere leaves DIR as it was and
//     the staging folder is removed (destructor), with every temporary in it;
//   - `commit()` moves the staged files into DIR (renames on one file system: no
//     space needed, no partial file) and removes the files the previous run wrote
//     and this one did not (listed in `DIR/.recompose-outputs`), never another file.
// Staging folders left by a run that was killed are removed by the next one.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "geo/error.hpp"

namespace recompose::geo {

void write_file_atomic(const std::string& path, std::initializer_list<std::string_view> parts);

// Why writing `path` may have failed when the library that failed did not say (GDAL
// and SQLite report a later symptom, "no such table", errno is gone): the system's
// conditions, checked now: "No space left on device (12 KiB free)", "File too large
// (file-size limit of 40 KiB reached)", "Permission denied", "Read-only file system";
// empty when none holds.
std::string probable_write_failure(const std::string& path);

// The user's cache folder for Recompose: $XDG_CACHE_HOME/recompose, else
// $HOME/.cache/recompose (created on demand by writers); empty when neither is set.
std::string user_cache_dir();

class OutputFolder {
 public:
  // Creates `dir` if needed, takes its lock, creates the staging folder. Throws
  // Error naming the folder (held by another run, not writable...).
  explicit OutputFolder(const std::string& dir);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  // Where the outputs are written until commit().
  [[nodiscard]] const std::string& staging() const { return staging_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  // Declares a file already in DIR (not staged) as an output of this run: kept at
  // commit (an import that reuses the territory's graph.rcg).
  void keep(const std::string& name) { kept_.push_back(name); }
  // Moves the staged outputs into the folder; throws Error with the system's reason.
  void commit();
  // `e` with the staging folder's paths shown as the folder's own (the file the user
  // asked for), for messages.
  [[nodiscard]] Error explained(const Error& e) const;

 private:
  std::string dir_, staging_;
  std::vector<std::string> kept_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

}  // namespace recompose::geo
