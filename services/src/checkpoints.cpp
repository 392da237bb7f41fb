// Signed checkpoints of the audit trail (Ed25519 through OpenSSL).

#include "homeward/services/checkpoints.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/outbox.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace homeward::services {
namespace {

namespace json = boost::json;

using pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using md_context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string hex(const std::string& bytes) {
    constexpr std::string_view digits = "0123456789abcdef";
    std::string text;
    for (const auto c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += digits[byte >> 4U];
        text += digits[byte & 0xfU];
    }
    return text;
}

std::string base64(const std::string& bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(n));
    return text;
}

std::optional<std::string> unbase64(const std::string& text) {
    std::string bytes(3 * text.size() / 4 + 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) {
        return std::nullopt;
    }
    auto padding = std::count(
        text.end() - std::min<std::ptrdiff_t>(2, static_cast<std::ptrdiff_t>(text.size())),
        text.end(), '=');
    bytes.resize(static_cast<std::size_t>(n) - static_cast<std::size_t>(padding));
    return bytes;
}

pkey read_private(const std::string& pem) {
    bio in{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
    pkey key{PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free};
    if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
        throw std::runtime_error("the signing key is not an Ed25519 private key in PEM");
    }
    return key;
}

pkey read_public(const std::string& pem) {
    bio in{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
    pkey key{PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free};
    if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
        throw std::runtime_error("the public key is not an Ed25519 public key in PEM");
    }
    return key;
}

std::string public_pem_of(EVP_PKEY* key) {
    bio out{BIO_new(BIO_s_mem()), &BIO_free};
    PEM_write_bio_PUBKEY(out.get(), key);
    char* data = nullptr;
    const long n = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

// A short name for the key: the first 16 hexadecimal digits of its raw public key's SHA-256.
std::string key_id_of(EVP_PKEY* key) {
    std::array<unsigned char, 32> raw{};
    std::size_t length = raw.size();
    EVP_PKEY_get_raw_public_key(key, raw.data(), &length);
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(raw.data(), length, digest.data());
    return hex(std::string(reinterpret_cast<const char*>(digest.data()), 8));
}

std::string sign(EVP_PKEY* key, const std::string& message) {
    md_context context{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    std::size_t length = 0;
    if (EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1) {
        throw std::runtime_error("OpenSSL could not sign the checkpoint");
    }
    std::string signature(length, '\0');
    EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                   reinterpret_cast<const unsigned char*>(message.data()), message.size());
    signature.resize(length);
    return signature;
}

bool verifies(EVP_PKEY* key, const std::string& message, const std::string& signature) {
    md_context context{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    return EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key) == 1 &&
           EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

} // namespace

std::string checkpoint::line() const {
    return json::serialize(json::object{{"document", document}, {"signature", signature_base64}});
}

signing_key_pair new_signing_key() {
    using key_context = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
    key_context context{EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free};
    EVP_PKEY* made = nullptr;
    if (!context || EVP_PKEY_keygen_init(context.get()) != 1 ||
        EVP_PKEY_keygen(context.get(), &made) != 1) {
        throw std::runtime_error("OpenSSL could not make an Ed25519 key");
    }
    pkey key{made, &EVP_PKEY_free};
    bio out{BIO_new(BIO_s_mem()), &BIO_free};
    PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(out.get(), &data);
    return {std::string(data, static_cast<std::size_t>(n)), public_pem_of(key.get())};
}

std::string public_key_of(const std::string& private_pem) {
    return public_pem_of(read_private(private_pem).get());
}

std::optional<checkpoint> sign_checkpoint(const environment& env, const std::string& private_pem,
                                          const checkpoint_witness& witness) {
    const auto key = read_private(private_pem);
    db::unit_of_work uow{env.pool};
    const auto head = db::audit::head(uow);
    if (!head) {
        return std::nullopt;
    }
    const auto now = env.now();
    checkpoint made;
    made.seq = head->first;
    made.hash_hex = hex(head->second);
    made.document = json::serialize(json::object{{"algorithm", "Ed25519"},
                                                 {"hash", made.hash_hex},
                                                 {"key_id", key_id_of(key.get())},
                                                 {"seq", made.seq},
                                                 {"signed_at", workflow::format_rfc3339(now)}});
    const auto signature = sign(key.get(), made.document);
    made.signature_base64 = base64(signature);
    db::audit::save_checkpoint(
        uow, {made.seq, head->second, now, key_id_of(key.get()), signature, made.document});
    if (witness.organisation) {
        if (const auto organisation = db::organisations::by_code(uow, *witness.organisation)) {
            db::queue_message(uow, organisation->id, "audit.checkpoint", made.line());
        }
    }
    uow.commit();
    if (!witness.file.empty()) {
        std::ofstream file{witness.file, std::ios::app};
        file << made.line() << '\n';
        if (!file) {
            throw std::runtime_error("the checkpoint witness file " + witness.file +
                                     " cannot be written");
        }
    }
    return made;
}

checkpoint_verdict verify_checkpoint(const environment& env, const std::string& checkpoint_text,
                                     const std::string& public_pem) {
    checkpoint_verdict verdict;
    // The last line that holds a checkpoint: a witness file grows by one line each time.
    std::string last;
    std::size_t start = 0;
    while (start < checkpoint_text.size()) {
        auto end = checkpoint_text.find('\n', start);
        if (end == std::string::npos) {
            end = checkpoint_text.size();
        }
        const auto line = checkpoint_text.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
            last = line;
        }
        start = end + 1;
    }
    json::error_code error;
    const auto parsed = json::parse(last, error);
    if (error || !parsed.is_object() || !parsed.as_object().contains("document") ||
        !parsed.as_object().contains("signature")) {
        verdict.problem = "the checkpoint file holds no checkpoint (a JSON line with document and "
                          "signature)";
        return verdict;
    }
    const std::string document{parsed.at("document").as_string()};
    const auto signature = unbase64(std::string{parsed.at("signature").as_string()});
    const auto key = read_public(public_pem);
    if (!signature || !verifies(key.get(), document, *signature)) {
        verdict.problem = "the checkpoint's signature does not verify with this public key";
        return verdict;
    }
    const auto signed_fields = json::parse(document).as_object();
    verdict.seq = signed_fields.at("seq").to_number<std::int64_t>();
    const std::string signed_hash{signed_fields.at("hash").as_string()};
    db::unit_of_work uow{env.pool, db::unit_of_work::isolation::snapshot};
    const auto held = db::audit::hash_at(uow, verdict.seq);
    if (!held) {
        verdict.problem = "the trail has no entry " + std::to_string(verdict.seq) +
                          ", which the checkpoint signed: entries were removed";
        return verdict;
    }
    if (hex(*held) != signed_hash) {
        verdict.problem = "entry " + std::to_string(verdict.seq) +
                          " is not what the checkpoint signed: the trail was rewritten";
        return verdict;
    }
    verdict.valid = true;
    return verdict;
}

} // namespace homeward::services
