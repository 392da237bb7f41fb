// homeward: the one executable.

#include "homeward/api/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return homeward::api::run_command(args, std::cin, std::cout, std::cerr);
}
