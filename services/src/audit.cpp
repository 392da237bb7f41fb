#include "homeward/services/audit.hpp"

#include "homeward/db/repository.hpp"

namespace homeward::services {

audit_verdict verify_audit(const environment& env) {
    db::unit_of_work uow{env.pool, db::unit_of_work::isolation::snapshot};
    const auto check = db::verify_audit_chain(uow);
    return {check.entries, check.first_broken, check.problem};
}

} // namespace homeward::services
