// homeward: the one executable. Subcommands are dispatched here; each does one job.

#include "homeward/db/connection.hpp"

#include <cstdlib>
#include <iostream>
#include <string_view>

namespace {

constexpr std::string_view usage = R"(usage: homeward COMMAND [OPTIONS]

Tracks episodes in which children go missing, from the police report to the closing of the
follow-up.

Commands:
  check-database     connect to HOMEWARD_DATABASE_URL and print the server version

Options:
  --help             print this help
  --version          print the version

Configuration comes from the environment:
  HOMEWARD_DATABASE_URL   libpq connection string or URI (required)
)";

int check_database() {
    const char* url = std::getenv("HOMEWARD_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
        std::cerr << "homeward: HOMEWARD_DATABASE_URL is not set\n";
        return 2;
    }
    std::cout << "PostgreSQL " << homeward::db::server_version(url) << " reachable\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "--help";
    try {
        if (command == "--help" || command == "-h" || command == "help") {
            std::cout << usage;
            return argc > 1 ? 0 : 2;
        }
        if (command == "--version") {
            std::cout << "homeward " << HOMEWARD_VERSION << '\n';
            return 0;
        }
        if (command == "check-database") {
            return check_database();
        }
        std::cerr << "homeward: unknown command '" << command << "' (see homeward --help)\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "homeward: " << error.what() << '\n';
        return 1;
    }
}
