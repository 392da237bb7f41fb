#include "tls_context.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <stdexcept>

namespace homeward::api {

namespace ssl = boost::asio::ssl;

// Mozilla's intermediate profile: TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20, no
// renegotiation. The server's order of ciphers decides (testssl.sh rates a server without one
// high): every cipher offered is an AEAD with forward secrecy, so the order only prefers AES-GCM
// and lets a client that puts ChaCha20 first (a phone without AES instructions) have it.
std::shared_ptr<ssl::context> make_tls_context(const server_options& options) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                         ssl::context::single_dh_use);
    SSL_CTX* native = context->native_handle();
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA |
                                    SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
    if (SSL_CTX_set_cipher_list(native,
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1 ||
        SSL_CTX_set_ciphersuites(native, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                         "TLS_CHACHA20_POLY1305_SHA256") != 1) {
        throw std::runtime_error("the TLS cipher configuration was refused by OpenSSL");
    }
    SSL_CTX_set1_groups_list(native, "X25519:prime256v1:secp384r1");
    // An idle keep-alive connection gives its read and write record buffers back (about 34 KiB
    // each connection): a thousand idle browsers cost what they hold, not what they once sent.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    context->use_certificate_chain_file(options.tls_cert);
    context->use_private_key_file(options.tls_key, ssl::context::pem);
    // A renewed certificate with the old key (or the reverse) must not replace a working pair.
    if (SSL_CTX_check_private_key(native) != 1) {
        throw std::runtime_error("the private key does not match the certificate");
    }
    return context;
}

// "CN=example.org" and "Mar  1 12:00:00 2027 GMT": enough for an operator to see which
// certificate is in use.
std::pair<std::string, std::string> describe_certificate(ssl::context& context) {
    X509* certificate = SSL_CTX_get0_certificate(context.native_handle());
    if (certificate == nullptr) {
        return {"", ""};
    }
    std::array<char, 256> subject{};
    X509_NAME_oneline(X509_get_subject_name(certificate), subject.data(),
                      static_cast<int>(subject.size()));
    std::string not_after;
    if (BIO* text = BIO_new(BIO_s_mem()); text != nullptr) {
        if (ASN1_TIME_print(text, X509_get0_notAfter(certificate)) == 1) {
            char* data = nullptr;
            const long size = BIO_get_mem_data(text, &data);
            not_after.assign(data, static_cast<std::size_t>(size));
        }
        BIO_free(text);
    }
    return {subject.data(), not_after};
}

} // namespace homeward::api
