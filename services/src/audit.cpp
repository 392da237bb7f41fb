#include "homeward/services/audit.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/unit_of_work.hpp"

namespace homeward::services {

audit_verdict verify_audit(const environment& env) {
    db::unit_of_work uow{env.pool, db::unit_of_work::isolation::snapshot};
    const auto check = db::audit::verify(uow);
    return {check.entries, check.first_broken, check.problem, check.unchained,
            check.oldest_unchained};
}

int sequence_audit(const environment& env) {
    // Each pass takes up to this many; a pass that fills it runs again at once.
    constexpr int batch = 5000;
    int chained = 0;
    while (true) {
        db::unit_of_work uow{env.pool};
        const int n = db::audit::sequence(uow, batch);
        uow.commit();
        chained += n;
        if (n < batch) {
            return chained;
        }
    }
}

} // namespace homeward::services
