#include "homeward/services/audit.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/unit_of_work.hpp"

namespace homeward::services {

audit_verdict verify_audit(const environment& env) {
    db::unit_of_work uow{env.pool, db::unit_of_work::isolation::snapshot};
    const auto check = db::audit::verify(uow);
    return {check.entries, check.first_broken, check.problem};
}

} // namespace homeward::services
