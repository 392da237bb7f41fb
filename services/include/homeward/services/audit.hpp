#pragma once

#include "homeward/services/environment.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace homeward::services {

struct audit_verdict {
    std::int64_t entries{0};
    std::optional<std::int64_t> first_broken;
    std::string problem;
    bool intact() const { return !first_broken; }
};

// Walks the audit trail's hash chain from the first entry to the head.
audit_verdict verify_audit(const environment& env);

} // namespace homeward::services
