// Two-step sign-in: enrolment, confirmation, turning it off, and the check a log-in makes.

#include "use_case.hpp"

#include "homeward/db/two_factor.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/two_factor.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace homeward::services {
namespace {

constexpr std::int64_t step_seconds = 30;
constexpr std::size_t secret_bytes = 20; // 160 bits, as RFC 4226 recommends for HMAC-SHA-1
constexpr int recovery_code_count = 10;
constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

constexpr std::string_view turned_off =
    "two-step sign-in is turned off in this deployment (HOMEWARD_TWO_FACTOR=off)";

// A sealed secret: a version byte, AES-256-GCM's 96-bit nonce, the secret encrypted, its tag.
constexpr unsigned char sealed_version = 1;
constexpr std::size_t nonce_bytes = 12;
constexpr std::size_t tag_bytes = 16;
constexpr std::size_t sealed_bytes = 1 + nonce_bytes + secret_bytes + tag_bytes;
constexpr std::size_t key_bytes = 32;

using cipher_context = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}
unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

// What binds a sealed secret to its user: it opens only in that user's row.
std::string associated_data(std::string_view user_id) {
    return "homeward two-step secret of user " + std::string{user_id};
}

void require_key(const session_rules& rules) {
    if (rules.two_factor_key.size() != key_bytes) {
        throw std::runtime_error("two-step secrets are sealed in this database: "
                                 "HOMEWARD_TWO_FACTOR_KEY must name the file of the key that "
                                 "sealed them");
    }
}

bool is_sealed(std::string_view stored) {
    return stored.size() == sealed_bytes && static_cast<unsigned char>(stored[0]) == sealed_version;
}

// The secret, or nullopt when this key and user do not open it (another key, another user's row,
// or altered).
std::optional<std::string> try_open(const session_rules& rules, std::string_view user_id,
                                    std::string_view stored) {
    require_key(rules);
    const auto nonce = stored.substr(1, nonce_bytes);
    const auto encrypted = stored.substr(1 + nonce_bytes, secret_bytes);
    std::string tag{stored.substr(1 + nonce_bytes + secret_bytes, tag_bytes)};
    const auto aad = associated_data(user_id);
    cipher_context context{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
    std::string secret(secret_bytes, '\0');
    int length = 0;
    int final_length = 0;
    if (!context ||
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                           bytes_of(rules.two_factor_key), bytes_of(nonce)) != 1 ||
        EVP_DecryptUpdate(context.get(), nullptr, &length, bytes_of(aad),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(context.get(), bytes_of(secret), &length, bytes_of(encrypted),
                          static_cast<int>(encrypted.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_bytes),
                            tag.data()) != 1 ||
        EVP_DecryptFinal_ex(context.get(), bytes_of(secret) + length, &final_length) != 1) {
        return std::nullopt;
    }
    return secret;
}

// A code as typed: spaces and hyphens dropped, letters in lower case.
std::string normalised(std::string_view code) {
    std::string text;
    for (const char c : code) {
        if (c != ' ' && c != '-') {
            text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return text;
}

bool is_totp_code(std::string_view code) {
    return code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
}

// The step (the one before, now's, or the one after) whose code this is, if it is later than the
// last step used: a code is accepted once.
std::optional<std::int64_t> matching_step(const std::optional<std::string>& secret,
                                          std::string_view code, workflow::time_point now,
                                          std::optional<std::int64_t> last_step) {
    const auto given = normalised(code);
    if (!secret || !is_totp_code(given)) {
        return std::nullopt;
    }
    const auto current = totp_step(now);
    for (const auto step : {current - 1, current, current + 1}) {
        if ((!last_step || step > *last_step) && totp_code(*secret, step) == given) {
            return step;
        }
    }
    return std::nullopt;
}

// A recovery code: 60 random bits as 12 base32 letters and digits, in three groups of four.
std::string new_recovery_code() {
    const auto bytes = random_bytes(12);
    std::string code;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 8) {
            code += '-';
        }
        const auto letter = base32_alphabet[static_cast<unsigned char>(bytes[i]) % 32];
        code += static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
    }
    return code;
}

void require_enabled(const session_rules& rules) {
    if (rules.two_factor == two_factor_mode::off) {
        throw failure(failure_kind::forbidden, std::string{turned_off});
    }
}

// A wrong code given while signed in: counted towards the lockout (with_codes_counted).
class wrong_totp : public failure {
public:
    wrong_totp()
        : failure(failure_kind::invalid_input, "totp is not a current code from your app",
                  {{"totp", "is not a current code from your app"}}) {}
};
wrong_totp wrong_code() { return {}; }

// The lockout rules apply to the codes a signed-in user gives too: refused while their account is
// locked, and each wrong code counted with their failed log-ins (after the use case's own
// transaction has rolled back).
template <typename Work>
auto with_codes_counted(const environment& env, const actor& who, std::string_view client_address,
                        const session_rules& rules, Work&& work) {
    refuse_while_locked(env, who);
    try {
        return work();
    } catch (const wrong_totp&) {
        count_wrong_code(env, who, client_address, rules);
        throw;
    }
}

// The user's confirmed secret must accept `code` (a current code not used before): the step is
// used up.
void use_current_code(db::unit_of_work& uow, const session_rules& rules, const actor& who,
                      const db::two_factor::enrolment& e, std::string_view code,
                      workflow::time_point now) {
    const auto step =
        matching_step(open_secret(rules, who.user_id, *e.secret), code, now, e.last_step);
    if (!step || !db::two_factor::use_step(uow, who.user_id, *step, now)) {
        throw wrong_code();
    }
}

} // namespace

std::string totp_code(std::string_view secret, std::int64_t step, int digits) {
    std::array<unsigned char, 8> counter{};
    auto value = static_cast<std::uint64_t>(step);
    for (auto it = counter.rbegin(); it != counter.rend(); ++it) {
        *it = static_cast<unsigned char>(value & 0xff);
        value >>= 8;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter.data(),
             counter.size(), digest.data(), &length) == nullptr ||
        length < 20) {
        throw std::runtime_error("HMAC-SHA1 failed");
    }
    // RFC 4226 5.3: dynamic truncation.
    const unsigned offset = digest[length - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
                                 static_cast<std::uint32_t>(digest[offset + 3]);
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) {
        modulus *= 10;
    }
    auto text = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - text.size(), '0') + text;
}

std::int64_t totp_step(workflow::time_point at) {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    return seconds / step_seconds;
}

std::string base32(std::string_view bytes) {
    std::string text;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            text += base32_alphabet[(buffer >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }
    if (bits > 0) {
        text += base32_alphabet[(buffer << (5 - bits)) & 0x1f];
    }
    return text;
}

two_factor_offer enrol_two_factor(const environment& env, const actor& who,
                                  const session_rules& rules, std::string_view current_code,
                                  std::string_view client_address) {
    return with_codes_counted(env, who, client_address, rules, [&] {
        return run_audited(
            env, who, {"two_factor.enrol", "user", who.user_id}, [&](db::unit_of_work& uow) {
                require_enabled(rules);
                const auto now = env.now();
                const auto existing = db::two_factor::of_user(uow, who.user_id);
                const bool enrolled = existing && existing->secret;
                if (enrolled) {
                    // Someone at an unlocked screen cannot move the account's codes
                    // to their own phone without a code from the user's.
                    use_current_code(uow, rules, who, *existing, current_code, now);
                }
                const auto secret = random_bytes(secret_bytes);
                db::two_factor::set_pending(uow, who.user_id,
                                            seal_secret(rules, who.user_id, secret), now);
                audit_success(uow, who, {"two_factor.enrol", "user", who.user_id},
                              {{"replacing", enrolled}});
                two_factor_offer offer;
                offer.secret = base32(secret);
                const auto label =
                    boost::urls::encode("Homeward:" + who.username, boost::urls::unreserved_chars);
                offer.otpauth_uri =
                    "otpauth://totp/" + label + "?secret=" + offer.secret + "&issuer=Homeward";
                return offer;
            });
    });
}

std::vector<std::string> confirm_two_factor(const environment& env, const actor& who,
                                            const session_rules& rules, std::string_view code,
                                            std::string_view client_address) {
    return with_codes_counted(env, who, client_address, rules, [&] {
        return run_audited(
            env, who, {"two_factor.confirm", "user", who.user_id}, [&](db::unit_of_work& uow) {
                require_enabled(rules);
                const auto now = env.now();
                const auto existing = db::two_factor::of_user(uow, who.user_id);
                if (!existing || !existing->pending_secret) {
                    throw failure(failure_kind::state_conflict,
                                  "nothing to confirm: enrol first ({\"action\": \"enrol\"})");
                }
                // The new secret's codes have never been used: no step before this one counts.
                const auto step =
                    matching_step(open_secret(rules, who.user_id, *existing->pending_secret), code,
                                  now, std::nullopt);
                if (!step) {
                    throw wrong_code();
                }
                db::two_factor::confirm(uow, who.user_id, *step, now);
                std::vector<std::string> codes;
                std::vector<std::string> hashes;
                for (int i = 0; i < recovery_code_count; ++i) {
                    codes.push_back(new_recovery_code());
                    hashes.push_back(sha256(normalised(codes.back())));
                }
                db::two_factor::replace_recovery_codes(uow, who.user_id, hashes);
                audit_success(uow, who, {"two_factor.confirm", "user", who.user_id},
                              {{"recovery_codes", recovery_code_count}});
                return codes;
            });
    });
}

void disable_two_factor(const environment& env, const actor& who, const session_rules& rules,
                        std::string_view code, std::string_view client_address) {
    with_codes_counted(env, who, client_address, rules, [&] {
        run_audited(
            env, who, {"two_factor.disable", "user", who.user_id}, [&](db::unit_of_work& uow) {
                require_enabled(rules);
                if (rules.two_factor == two_factor_mode::required) {
                    throw failure(
                        failure_kind::forbidden,
                        "two-step sign-in is required in this deployment: it cannot be turned "
                        "off (HOMEWARD_TWO_FACTOR=required)");
                }
                const auto now = env.now();
                const auto existing = db::two_factor::of_user(uow, who.user_id);
                if (!existing || !existing->secret) {
                    throw failure(failure_kind::state_conflict,
                                  "two-step sign-in is not turned on");
                }
                use_current_code(uow, rules, who, *existing, code, now);
                db::two_factor::clear(uow, who.user_id);
                audit_success(uow, who, {"two_factor.disable", "user", who.user_id});
            });
    });
}

second_factor check_second_factor(db::unit_of_work& uow, const session_rules& rules,
                                  std::string_view user_id, std::string_view code,
                                  workflow::time_point now) {
    const auto existing = db::two_factor::of_user(uow, user_id);
    if (!existing || !existing->secret) {
        return second_factor::not_enrolled;
    }
    if (code.empty() || code.size() > 64) {
        return second_factor::refused;
    }
    if (const auto step = matching_step(open_secret(rules, user_id, *existing->secret), code, now,
                                        existing->last_step)) {
        return db::two_factor::use_step(uow, user_id, *step, now) ? second_factor::accepted
                                                                  : second_factor::refused;
    }
    const auto given = normalised(code);
    if (given.size() == 12 && db::two_factor::use_recovery_code(uow, user_id, sha256(given), now)) {
        return second_factor::accepted;
    }
    return second_factor::refused;
}

std::string seal_secret(const session_rules& rules, std::string_view user_id,
                        std::string_view secret) {
    if (rules.two_factor_key.empty()) {
        return std::string{secret};
    }
    require_key(rules);
    if (secret.size() != secret_bytes) {
        throw std::invalid_argument("a two-step secret is 20 bytes");
    }
    std::string sealed(sealed_bytes, '\0');
    sealed[0] = static_cast<char>(sealed_version);
    auto* nonce = bytes_of(sealed) + 1;
    auto* encrypted = nonce + nonce_bytes;
    auto* tag = encrypted + secret_bytes;
    const auto aad = associated_data(user_id);
    cipher_context context{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
    int length = 0;
    int final_length = 0;
    if (!context || RAND_bytes(nonce, static_cast<int>(nonce_bytes)) != 1 ||
        EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                           bytes_of(rules.two_factor_key), nonce) != 1 ||
        EVP_EncryptUpdate(context.get(), nullptr, &length, bytes_of(aad),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(context.get(), encrypted, &length, bytes_of(secret),
                          static_cast<int>(secret.size())) != 1 ||
        EVP_EncryptFinal_ex(context.get(), encrypted + length, &final_length) != 1 ||
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes),
                            tag) != 1) {
        throw std::runtime_error("AES-256-GCM failed to seal a two-step secret");
    }
    return sealed;
}

std::optional<std::string> open_secret(const session_rules& rules, std::string_view user_id,
                                       std::string_view stored) {
    if (!is_sealed(stored)) {
        return std::string{stored}; // stored before the deployment had a key
    }
    return try_open(rules, user_id, stored);
}

sealing seal_stored_secrets(const environment& env, const session_rules& rules) {
    db::unit_of_work uow{env.pool};
    sealing result;
    int opened = 0;
    std::string first_unopened;
    for (auto row : db::two_factor::all_secrets(uow)) {
        bool changed = false;
        for (auto* stored : {&row.secret, &row.pending_secret}) {
            if (!*stored) {
                continue;
            }
            if (!is_sealed(**stored)) {
                if (!rules.two_factor_key.empty()) {
                    *stored = seal_secret(rules, row.user_id, **stored);
                    changed = true;
                }
            } else if (!rules.two_factor_key.empty() && try_open(rules, row.user_id, **stored)) {
                ++opened;
            } else {
                ++result.unopened;
                if (first_unopened.empty()) {
                    first_unopened = row.user_id;
                }
            }
        }
        if (changed) {
            db::two_factor::replace_secrets(uow, row);
            ++result.sealed;
        }
    }
    if (result.unopened > 0 && rules.two_factor_key.empty()) {
        throw std::runtime_error(std::to_string(result.unopened) +
                                 " two-step secret(s) are sealed and HOMEWARD_TWO_FACTOR_KEY is "
                                 "not set: set it to the key file they were sealed with");
    }
    if (result.unopened > 0 && opened == 0) {
        throw std::runtime_error(
            "the " + std::to_string(result.unopened) + " sealed two-step secret(s) (the first " +
            first_unopened +
            "'s) do not open with HOMEWARD_TWO_FACTOR_KEY, not one: it is not "
            "the key they were sealed with (restore the key file with the backup)");
    }
    uow.commit();
    return result;
}

bool clear_two_factor(db::unit_of_work& uow, std::string_view user_id) {
    return db::two_factor::clear(uow, user_id);
}

} // namespace homeward::services
