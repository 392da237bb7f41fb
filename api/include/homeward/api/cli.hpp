#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace homeward::api {

// Runs one `homeward` command line; returns the exit code (0 success, 1 failure, 2 bad argument
// or setting). Reads standard input for --password-stdin.
int run_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err);

} // namespace homeward::api
