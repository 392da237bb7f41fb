#include "homeward/services/passwords.hpp"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <semaphore>
#include <stdexcept>
#include <thread>

namespace homeward::services {
namespace {

constexpr std::uint32_t argon2_time_cost = 2;
constexpr std::uint32_t argon2_memory_kib = 19 * 1024;
constexpr std::uint32_t argon2_parallelism = 1;
constexpr std::size_t argon2_salt_bytes = 16;
constexpr std::size_t argon2_hash_bytes = 32;

const int hashing_limit =
    static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2U, 64U));
std::counting_semaphore<64> hashing_slots{hashing_limit};
std::atomic<int> hashing_now{0};
std::atomic<int> hashing_peak{0};

// One of the slots for as long as it lives.
class hashing_slot {
public:
    hashing_slot() {
        hashing_slots.acquire();
        const int now = hashing_now.fetch_add(1) + 1;
        int peak = hashing_peak.load();
        while (now > peak && !hashing_peak.compare_exchange_weak(peak, now)) {
        }
    }
    ~hashing_slot() {
        hashing_now.fetch_sub(1);
        hashing_slots.release();
    }
    hashing_slot(const hashing_slot&) = delete;
    hashing_slot& operator=(const hashing_slot&) = delete;
};

} // namespace

password_hashing_load password_hashing() { return {hashing_limit, hashing_peak.load()}; }

std::string hash_password(std::string_view password) {
    const hashing_slot slot;
    const auto salt = random_bytes(argon2_salt_bytes);
    const std::size_t length =
        argon2_encodedlen(argon2_time_cost, argon2_memory_kib, argon2_parallelism,
                          static_cast<std::uint32_t>(salt.size()), argon2_hash_bytes, Argon2_id);
    std::string encoded(length, '\0');
    const int rc = argon2id_hash_encoded(argon2_time_cost, argon2_memory_kib, argon2_parallelism,
                                         password.data(), password.size(), salt.data(), salt.size(),
                                         argon2_hash_bytes, encoded.data(), length);
    if (rc != ARGON2_OK) {
        throw std::runtime_error(std::string{"argon2id failed: "} + argon2_error_message(rc));
    }
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool verify_password(std::string_view password, const std::string& encoded_hash) {
    const hashing_slot slot;
    return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("the system random number generator failed");
    }
    return bytes;
}

std::string new_token() {
    const auto bytes = random_bytes(32);
    std::array<unsigned char, 64> encoded{};
    const int length =
        EVP_EncodeBlock(encoded.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                        static_cast<int>(bytes.size()));
    std::string token;
    for (int i = 0; i < length; ++i) {
        const char c = static_cast<char>(encoded[static_cast<std::size_t>(i)]);
        if (c == '=') {
            break;
        }
        token += c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return token;
}

std::string sha256(std::string_view text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    text.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0x0f];
    }
    return text;
}

} // namespace homeward::services
