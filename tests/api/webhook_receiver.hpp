#pragma once
// An organisation's system for the webhook tests: a real HTTPS server on 127.0.0.1 that records
// each request and answers with the status it is told to (or, when silent, never answers).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace homeward::testing {

struct received {
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
};

class receiver {
public:
    receiver(const std::string& cert_dir, std::uint16_t port = 0) {
        tls_.use_certificate_chain_file(cert_dir + "/cert.pem");
        tls_.use_private_key_file(cert_dir + "/key.pem", boost::asio::ssl::context::pem);
        acceptor_.open(boost::asio::ip::tcp::v4());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind({boost::asio::ip::address_v4::loopback(), port});
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        boost::asio::co_spawn(io_, accept(), boost::asio::detached);
        thread_ = std::thread{[this] { io_.run(); }};
    }
    ~receiver() {
        io_.stop();
        thread_.join();
    }
    receiver(const receiver&) = delete;
    receiver& operator=(const receiver&) = delete;

    std::uint16_t port() const { return port_; }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/hooks"; }
    void answer(unsigned status) { status_ = status; }
    void go_silent() { silent_ = true; }
    std::vector<received> requests() {
        const std::lock_guard lock{mutex_};
        return got_;
    }

private:
    boost::asio::awaitable<void> accept() {
        while (true) {
            auto socket = co_await acceptor_.async_accept(boost::asio::use_awaitable);
            boost::asio::co_spawn(io_, serve(std::move(socket)), boost::asio::detached);
        }
    }

    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket) {
        try {
            boost::beast::ssl_stream<boost::beast::tcp_stream> stream{std::move(socket), tls_};
            co_await stream.async_handshake(boost::asio::ssl::stream_base::server,
                                            boost::asio::use_awaitable);
            boost::beast::flat_buffer buffer;
            boost::beast::http::request<boost::beast::http::string_body> request;
            co_await boost::beast::http::async_read(stream, buffer, request,
                                                    boost::asio::use_awaitable);
            if (silent_) {
                boost::asio::steady_timer wait{io_, std::chrono::seconds{30}};
                co_await wait.async_wait(boost::asio::use_awaitable);
                co_return;
            }
            received one;
            one.body = request.body();
            for (const auto& field : request) {
                std::string name{field.name_string()};
                for (auto& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                one.headers[name] = std::string{field.value()};
            }
            {
                const std::lock_guard lock{mutex_};
                got_.push_back(std::move(one));
            }
            boost::beast::http::response<boost::beast::http::string_body> response{
                static_cast<boost::beast::http::status>(status_.load()), 11};
            if (response.result() != boost::beast::http::status::no_content) {
                response.body() = "{}";
            }
            response.prepare_payload();
            co_await boost::beast::http::async_write(stream, response, boost::asio::use_awaitable);
        } catch (const std::exception&) {
            // The client went away: nothing to record.
        }
    }

    boost::asio::io_context io_;
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    std::uint16_t port_{0};
    std::atomic<unsigned> status_{200};
    std::atomic<bool> silent_{false};
    std::mutex mutex_;
    std::vector<received> got_;
    std::thread thread_;
};

} // namespace homeward::testing
