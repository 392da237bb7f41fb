#pragma once
// Reads' audit entries made durable without a thread waiting for them. While a deferred_read_audit
// is active on a thread, every read run on that thread through an environment with a batcher
// hands its audit entries to it instead of waiting for their commit; make_durable then queues them
// on the batcher and calls back once they are durable. The HTTPS server holds the answer until
// that call: a response that shows case content still leaves only after its entry is durable, but
// no worker thread sits waiting for the commit meanwhile.

#include "homeward/services/environment.hpp"

#include <exception>
#include <functional>
#include <memory>

namespace homeward::services {

class deferred_read_audit {
public:
    deferred_read_audit(); // inactive: holds nothing
    // Active on this thread until stop() (or destruction) when the environment has a batcher;
    // otherwise reads write their entries themselves, as without it.
    explicit deferred_read_audit(const environment& env);
    ~deferred_read_audit();
    deferred_read_audit(deferred_read_audit&&) noexcept;
    deferred_read_audit& operator=(deferred_read_audit&&) noexcept;
    deferred_read_audit(const deferred_read_audit&) = delete;
    deferred_read_audit& operator=(const deferred_read_audit&) = delete;

    // Reads on this thread write their own entries again. Call it before leaving the thread.
    void stop();
    // Whether the reads left entries to make durable.
    bool pending() const;
    // Stops, then queues the entries on the batcher; `done` is called once, on the batcher's
    // thread (it must not block), with null once they are durable or with what failed. Nothing
    // pending: `done` is called at once, here.
    void make_durable(std::function<void(std::exception_ptr)> done);

    struct state;

private:
    std::unique_ptr<state> state_;
};

} // namespace homeward::services
