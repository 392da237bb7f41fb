#pragma once
// `homeward demo`: the first-run world of ops/run (demo.cpp).

#include "homeward/services/environment.hpp"

#include <ostream>

namespace homeward::api {

// Adds the demo organisations, teams and users (printing their generated passwords once) and
// their cases. Refuses, changing nothing, when the demo organisations exist already. Returns the
// exit code.
int load_demo(const services::environment& env, std::ostream& out);

} // namespace homeward::api
