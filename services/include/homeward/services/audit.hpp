#pragma once

#include "homeward/services/environment.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace homeward::services {

struct audit_verdict {
    std::int64_t entries{0};
    std::optional<std::int64_t> first_broken;
    std::string problem;
    // Committed entries the sequencer has not chained yet, and how long the oldest has waited.
    std::int64_t unchained{0};
    std::optional<std::chrono::milliseconds> oldest_unchained;
    bool intact() const { return !first_broken; }
};

// Walks the audit trail's hash chain from the first entry to the head, and checks that every
// entry is chained or waiting to be.
audit_verdict verify_audit(const environment& env);

// Chains what has committed since the last pass (the sequencer's pass, run by serve several
// times a second); returns how many entries it chained.
int sequence_audit(const environment& env);

} // namespace homeward::services
