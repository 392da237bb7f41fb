#include "homeward/api/email_client.hpp"

#include <curl/curl.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

namespace homeward::api {
namespace {

// libcurl's global state is set up once per process, before any thread uses it.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// RFC 5322 date, in UTC.
std::string mail_date() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::array<char, 64> text{};
    std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S +0000", &utc);
    return text.data();
}

std::string message_id(const std::string& from) {
    std::array<unsigned char, 16> bytes{};
    RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string id;
    constexpr std::string_view hex = "0123456789abcdef";
    for (const auto byte : bytes) {
        id += hex[byte >> 4U];
        id += hex[byte & 0xfU];
    }
    const auto at = from.find('@');
    return "<" + id + (at == std::string::npos ? "@homeward" : from.substr(at)) + ">";
}

// Header values are ours (an address checked by the database, fixed subjects); a line break in
// one would start a header of its own, so none may carry one.
std::string header_value(std::string value) {
    for (auto& c : value) {
        if (c == '\r' || c == '\n') {
            c = ' ';
        }
    }
    return value;
}

// The message with CRLF line ends, as SMTP wants them; a line holding only "." is dot-stuffed by
// libcurl itself.
std::string rfc5322(const services::email_message& message, const std::string& from) {
    std::string text = "Date: " + mail_date() + "\r\nFrom: " + header_value(from) +
                       "\r\nTo: " + header_value(message.to) +
                       "\r\nSubject: " + header_value(message.subject) +
                       "\r\nMessage-ID: " + message_id(from) +
                       "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n";
    for (const char c : message.text) {
        if (c == '\n') {
            text += "\r\n";
        } else if (c != '\r') {
            text += c;
        }
    }
    return text;
}

struct upload {
    std::string data;
    std::size_t offset{0};
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* source = static_cast<upload*>(user);
    const std::size_t room = size * count;
    const std::size_t left = source->data.size() - source->offset;
    const std::size_t n = left < room ? left : room;
    std::memcpy(buffer, source->data.data() + source->offset, n);
    source->offset += n;
    return n;
}

using curl_handle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using curl_list = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

} // namespace

struct email_client::connection {
    curl_handle curl{nullptr, &curl_easy_cleanup};
};

email_client::email_client(email_client_options options)
    : options_(std::move(options)), connection_(std::make_unique<connection>()) {
    global_init();
}

email_client::~email_client() = default;

services::email_result email_client::send(const services::email_message& message) {
    const std::lock_guard lock{mutex_};
    auto& curl = connection_->curl;
    if (curl) {
        // Forgets the last email's options and keeps the open connection to the relay.
        curl_easy_reset(curl.get());
    } else {
        curl.reset(curl_easy_init());
    }
    if (!curl) {
        return {false, "libcurl could not start"};
    }
    upload body{rfc5322(message, options_.from), 0};
    curl_list recipients{curl_slist_append(nullptr, ("<" + message.to + ">").c_str()),
                         &curl_slist_free_all};
    const std::string sender = "<" + options_.from + ">";
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &body);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    // TLS to the relay or nothing: STARTTLS is required on smtp://, and the certificate checked.
    curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    if (!options_.ca_file.empty()) {
        curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    }
    if (!options_.username.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    std::array<char, CURL_ERROR_SIZE> error{};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error.data());
    const CURLcode code = curl_easy_perform(h);
    if (code != CURLE_OK) {
        return {false, error[0] != '\0' ? std::string{error.data()} : curl_easy_strerror(code)};
    }
    return {true, ""};
}

} // namespace homeward::api
