#pragma once
// The real `homeward serve` process, started by the tests that need it whole (its signals, its
// settings, its log, several of it on one database): the fixture that spawns it with the test
// database and certificate, waits for it, stops it and runs the binary's other commands.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace homeward::testing {

// A TCP port on 127.0.0.1 nobody listens on: ops/lib.sh's free_port, which picks it below the
// kernel's range for outgoing connections' local ports (a port the kernel hands out for port 0
// can be taken by any connection opened before serve binds it).
inline std::uint16_t free_port() {
    const std::string command = std::string{"bash -c 'source \"$0\" && free_port' "} +
                                HOMEWARD_SOURCE_DATA_DIR + "/../ops/lib.sh";
    std::unique_ptr<FILE, decltype(&pclose)> pipe{popen(command.c_str(), "r"), &pclose};
    std::array<char, 16> digits{};
    if (!pipe || std::fgets(digits.data(), digits.size(), pipe.get()) == nullptr) {
        throw std::runtime_error("ops/lib.sh's free_port found no port");
    }
    return static_cast<std::uint16_t>(std::stoi(digits.data()));
}

class serve_process : public https_test {
protected:
    // With a descriptor limit, serve runs under a shell that sets it first (soft and hard).
    pid_t spawn_server(const std::vector<std::string>& settings, const std::string& log,
                       int descriptor_limit = 0) {
        std::vector<std::string> env_text = settings;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            if (std::string_view{*entry}.starts_with("HOMEWARD_") == false) {
                env_text.emplace_back(*entry);
            }
        }
        std::vector<char*> env;
        for (auto& entry : env_text) {
            env.push_back(entry.data());
        }
        env.push_back(nullptr);
        std::string binary = HOMEWARD_BINARY;
        std::string command = "serve";
        std::string shell = "/bin/sh";
        std::string dash_c = "-c";
        std::string script =
            "ulimit -n " + std::to_string(descriptor_limit) + " && exec \"$0\" serve";
        std::vector<char*> argv{binary.data(), command.data(), nullptr};
        if (descriptor_limit > 0) {
            argv = {shell.data(), dash_c.data(), script.data(), binary.data(), nullptr};
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        pid_t pid = 0;
        EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data()), 0);
        posix_spawn_file_actions_destroy(&actions);
        return pid;
    }

    static int wait_exit(pid_t pid) {
        int status = 0;
        for (int i = 0; i < 300; ++i) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }

    static std::string read_file(const std::string& path) {
        std::ifstream in{path};
        return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    }

    // The process logs asynchronously to a file: polled, with a generous bound as a safety net.
    static bool wait_for_log(const std::string& path, const std::string& text, int times = 1) {
        for (int i = 0; i < 400; ++i) {
            if (occurrences(read_file(path), text) >= times) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        return false;
    }

    static int occurrences(const std::string& haystack, const std::string& needle) {
        int found = 0;
        for (auto at = haystack.find(needle); at != std::string::npos;
             at = haystack.find(needle, at + needle.size())) {
            ++found;
        }
        return found;
    }

    static std::vector<std::string> standard_settings(std::uint16_t port) {
        return {"HOMEWARD_DATABASE_URL=" + app_database_url(),
                "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(port),
                "HOMEWARD_TLS_CERT=" + cert_dir() + "/cert.pem",
                "HOMEWARD_TLS_KEY=" + cert_dir() + "/key.pem",
                std::string{"HOMEWARD_DATA_DIR="} + HOMEWARD_SOURCE_DATA_DIR,
                "HOMEWARD_TWO_FACTOR_KEY=" + two_factor_key_file()};
    }

    // Whether GET `path` answers 200 within 10 s, asked every 50 ms (a refused or failed
    // connection is asked again).
    static bool answers_within(std::uint16_t port, const char* path) {
        for (int i = 0; i < 200; ++i) {
            try {
                if (https_call(port, "GET", path).status == 200) {
                    return true;
                }
            } catch (const std::exception&) {
                // not listening yet, or still refusing
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{50});
        }
        return false;
    }

    static bool wait_until_ready(std::uint16_t port) { return answers_within(port, "/readyz"); }

    // The flood's connections end on the server a little after the client closes them: until
    // then a new one may still be refused. Polled, bounded.
    static bool admitted_within(std::uint16_t port) { return answers_within(port, "/healthz"); }

    struct command_result {
        int code{0};
        std::string output; // standard output and error together
    };
    // The real binary run once as a command (not serve), against this database URL.
    static command_result run_homeward(const std::vector<std::string>& args,
                                       const std::string& database) {
        const auto output = cert_dir() + "/command-" + unique_code() + ".out";
        std::string command = "env HOMEWARD_DATABASE_URL='" + database +
                              "' HOMEWARD_DATA_DIR='" HOMEWARD_SOURCE_DATA_DIR "' '" +
                              std::string{HOMEWARD_BINARY} + "'";
        for (const auto& arg : args) {
            command += " '" + arg + "'";
        }
        command += " >" + output + " 2>&1";
        const int status = std::system(command.c_str());
        command_result result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(output)};
        std::filesystem::remove(output);
        return result;
    }

    // Several serve processes on the test database, each on its own port and log under `dir`.
    struct serves {
        std::vector<std::uint16_t> ports;
        std::vector<pid_t> pids;
        std::vector<std::string> logs;
    };
    serves start_serves(const std::filesystem::path& dir, std::size_t count,
                        const std::vector<std::string>& extra = {}) {
        std::filesystem::create_directories(dir);
        serves started;
        for (std::size_t i = 0; i < count; ++i) {
            started.ports.push_back(free_port());
            started.logs.push_back((dir / ("serve-" + std::to_string(i) + ".log")).string());
            auto settings = standard_settings(started.ports.back());
            settings.insert(settings.end(), extra.begin(), extra.end());
            started.pids.push_back(spawn_server(settings, started.logs.back()));
        }
        for (std::size_t i = 0; i < count; ++i) {
            EXPECT_TRUE(wait_until_ready(started.ports[i])) << read_file(started.logs[i]);
        }
        return started;
    }
    // Stops them (SIGTERM) and expects each to exit cleanly.
    static void stop_serves(const serves& running) {
        for (const auto pid : running.pids) {
            kill(pid, SIGTERM);
        }
        for (std::size_t i = 0; i < running.pids.size(); ++i) {
            EXPECT_EQ(wait_exit(running.pids[i]), 0) << read_file(running.logs[i]);
        }
    }

    // Polls until the condition holds, up to `bound`; true when it held.
    static bool within(std::chrono::milliseconds bound, const std::function<bool()>& condition) {
        const auto until = std::chrono::steady_clock::now() + bound;
        while (!condition()) {
            if (std::chrono::steady_clock::now() > until) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return true;
    }

    // Every line the process wrote is one JSON object with a time, a level and an event.
    static void expect_json_lines(const std::string& log) {
        std::istringstream lines{log};
        int count = 0;
        for (std::string line; std::getline(lines, line); ++count) {
            boost::json::error_code error;
            const auto value = boost::json::parse(line, error);
            ASSERT_FALSE(error) << line;
            ASSERT_TRUE(value.is_object()) << line;
            for (const auto* key : {"ts", "level", "event"}) {
                EXPECT_TRUE(value.as_object().contains(key)) << key << " missing in " << line;
            }
        }
        EXPECT_GT(count, 0);
    }
};

} // namespace homeward::testing
