#pragma once
// Password hashing (Argon2id: 19 MiB, t=2, p=1) and session tokens (256 random bits, kept in the
// database only as their SHA-256), and the HMAC that signs webhooks.

#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

// An encoded Argon2id hash ("$argon2id$v=19$m=19456,t=2,p=1$...") with a fresh random salt.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& encoded_hash);

// At most `limit` Argon2id computations run at once, one per core (at least two): each holds
// 19 MiB and a core, so more at once would only add memory (a burst of log-ins on many workers),
// never speed. The rest wait their turn. `peak`: the most that have run at once so far.
struct password_hashing_load {
    int limit;
    int peak;
};
password_hashing_load password_hashing();

// 32 random bytes, base64url without padding (43 characters).
std::string new_token();
// `count` bytes from the system's random number generator (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t count);
// SHA-256 of the text, raw bytes.
std::string sha256(std::string_view text);
// HMAC-SHA256 of the message under the key, lower-case hex (64 characters): webhook signatures.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

} // namespace homeward::services
