// The email client against a real SMTP relay: Debian's aiosmtpd under Debian's own Python,
// requiring STARTTLS with the test's certificate. It proves what email_client.hpp says of itself:
// a batch of emails goes over one connection (one handshake, not one per email), a relay that went
// away and came back is reached again without a restart, and a relay that is down is a result
// with its reason, never an exception.

#include "https_fixture.hpp"

#include "homeward/api/email_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace homeward::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

int unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

std::string read_file(const fs::path& path) {
    std::ifstream in{path};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The HTTPS tests' certificate (localhost and 127.0.0.1), which the relay presents and the client
// trusts.
struct test_tls : https_test {
    using https_test::cert_dir;
};

// The connections that carried the delivered mail: aiosmtpd's Mailbox stamps each message with
// an X-Peer header naming the client's address and port, one port per TCP connection.
std::set<std::string> peers_in(const fs::path& maildir) {
    std::set<std::string> peers;
    const auto delivered = maildir / "new";
    if (!fs::exists(delivered)) {
        return peers;
    }
    for (const auto& file : fs::directory_iterator{delivered}) {
        std::istringstream text{read_file(file.path())};
        for (std::string line; std::getline(text, line) && !line.empty() && line != "\r";) {
            if (line.rfind("X-Peer: ", 0) == 0) {
                peers.insert(line.substr(8));
            }
        }
    }
    return peers;
}

std::size_t messages_in(const fs::path& maildir) {
    const auto delivered = maildir / "new";
    if (!fs::exists(delivered)) {
        return 0;
    }
    return static_cast<std::size_t>(std::distance(fs::directory_iterator{delivered}, {}));
}

// aiosmtpd with STARTTLS required, delivering into a Maildir; its output goes to `log`.
class relay {
public:
    relay(int port, const fs::path& maildir, const fs::path& log) {
        const std::string cert = test_tls::cert_dir() + "/cert.pem";
        const std::string key = test_tls::cert_dir() + "/key.pem";
        const std::string listen = "127.0.0.1:" + std::to_string(port);
        std::vector<std::string> args{
            "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", listen,
            "--tlscert",        cert, "--tlskey", key,  "-c", "aiosmtpd.handlers.Mailbox",
            maildir.string()};
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 2, 1);
        EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
        posix_spawn_file_actions_destroy(&actions);
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!accepts(port) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(50ms);
        }
        EXPECT_TRUE(accepts(port)) << "aiosmtpd did not start:\n" << read_file(log);
    }
    ~relay() { stop(); }
    relay(const relay&) = delete;
    relay& operator=(const relay&) = delete;

    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

private:
    pid_t pid_{-1};
};

services::email_message alert(int n) {
    return {"worker" + std::to_string(n) + "@council.example", "Homeward: overdue work",
            "A return interview is 5 hours overdue.\nhttps://homeward.example/episodes/1\n"};
}

TEST(email_client, sends_a_batch_over_one_connection_and_reaches_a_relay_that_came_back) {
    const fs::path dir = fs::temp_directory_path() / ("email-client-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const int port = unused_port();
    api::email_client client{{"smtp://127.0.0.1:" + std::to_string(port),
                              "homeward@council.example", "", "",
                              test_tls::cert_dir() + "/cert.pem", std::chrono::seconds{10}}};
    {
        relay first{port, dir / "mail", dir / "first.log"};
        for (int n = 0; n < 5; ++n) {
            const auto result = client.send(alert(n));
            EXPECT_TRUE(result.sent) << result.error;
        }
        EXPECT_EQ(messages_in(dir / "mail"), 5u);
        EXPECT_EQ(peers_in(dir / "mail").size(), 1u) << "the emails did not share one connection";
    }
    // The relay restarted: the kept connection is dead, and the next email finds the new relay.
    relay second{port, dir / "mail", dir / "second.log"};
    const auto after_restart = client.send(alert(5));
    EXPECT_TRUE(after_restart.sent) << after_restart.error;
    EXPECT_EQ(messages_in(dir / "mail"), 6u);
    EXPECT_EQ(peers_in(dir / "mail").size(), 2u);
    second.stop();
    // A relay that is down: the reason, not an exception, and nothing was delivered.
    const auto down = client.send(alert(6));
    EXPECT_FALSE(down.sent);
    EXPECT_FALSE(down.error.empty());
    EXPECT_EQ(messages_in(dir / "mail"), 6u);
    fs::remove_all(dir);
}

} // namespace
} // namespace homeward::testing
