// A test seam of the database writers: called at named steps of a publication
// ("layers copied", "before switch", "in switch") with the writing connection, so a
// test can cut that connection at a chosen point. No hook by default.
#pragma once

#include <functional>
#include <string>

#include "geo/postgres.hpp"

namespace recompose::planner::workspace {

using PublishHook = std::function<void(const std::string& step, geo::pg::Connection& c)>;

// Sets the hook (an empty function removes it); returns the previous one.
PublishHook set_publish_hook(PublishHook hook);
void publish_hook(const std::string& step, geo::pg::Connection& c);

}  // namespace recompose::planner::workspace
