#pragma once
// Signed checkpoints of the audit trail, kept outside the database: at a fixed interval and on
// shutdown, serve signs the chain's head (sequence number, hash, time) with an Ed25519 key held in
// a file the database cannot reach, keeps the checkpoint, and sends it to a witness (a file, an
// organisation's webhook). `homeward audit verify --checkpoint` then proves the trail still holds
// exactly what a checkpoint signed: a rewrite of history with every hash recomputed fails it,
// because the rewriter cannot sign.

#include "homeward/services/environment.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace homeward::services {

// A new Ed25519 key: the private key as PEM (keep it where no database administrator can reach
// it) and its public key as PEM (give it to whoever verifies checkpoints).
struct signing_key_pair {
    std::string private_pem;
    std::string public_pem;
};
signing_key_pair new_signing_key();
// The public key of a private key's PEM; throws std::runtime_error when it is not Ed25519.
std::string public_key_of(const std::string& private_pem);

// One checkpoint: the signed document (JSON text: seq, hash, signed_at, key_id, algorithm) and
// its signature, as one JSON line for the witness: {"document": "...", "signature": "base64"}.
struct checkpoint {
    std::int64_t seq{0};
    std::string hash_hex;
    std::string document;
    std::string signature_base64;
    std::string line() const;
};

struct checkpoint_witness {
    std::string file;                        // appended to, one JSON line per checkpoint
    std::optional<std::string> organisation; // its webhook receives each checkpoint
};

// Signs the chain's head now (nullopt while the chain is empty), keeps the checkpoint in the
// database, appends it to the witness file and queues it for the witness organisation's webhook.
std::optional<checkpoint> sign_checkpoint(const environment& env, const std::string& private_pem,
                                          const checkpoint_witness& witness);

struct checkpoint_verdict {
    bool valid{false};
    std::string problem; // why not, when not valid
    std::int64_t seq{0};
};
// Verifies the last checkpoint in the file against the public key, then that the trail holds the
// signed hash at the signed sequence number.
checkpoint_verdict verify_checkpoint(const environment& env, const std::string& checkpoint_text,
                                     const std::string& public_pem);

} // namespace homeward::services
