#include "homeward/db/identity.hpp"

#include "homeward/db/unit_of_work.hpp"

#include <pqxx/pqxx>

#include <chrono>

namespace homeward::db::identity {
namespace {

std::atomic<std::uint64_t> current{0};

void move_on() { current.fetch_add(1); }

constexpr const char* identity_channel = "homeward_identity";

// Every notification on the channel moves the generation: the payload does not matter.
class receiver final : public pqxx::notification_receiver {
public:
    explicit receiver(pqxx::connection_base& connection)
        : pqxx::notification_receiver(connection, identity_channel) {}
    void operator()(const std::string&, int) override { move_on(); }
};

} // namespace

std::uint64_t generation() { return current.load(); }

void changed(unit_of_work& uow) { uow.after_commit(move_on); }

watch::watch(std::string database_url)
    : url_(std::move(database_url)), thread_([this] { run(); }) {}

watch::~watch() {
    stopping_ = true;
    thread_.join();
}

void watch::run() {
    using namespace std::chrono_literals;
    while (!stopping_) {
        try {
            pqxx::connection connection{url_};
            receiver listening_here{connection}; // LISTEN, before anything is trusted
            move_on();
            listening_ = true;
            while (!stopping_) {
                // Wakes for a notification, or after a quarter of a second to look at stopping_.
                connection.await_notification(0, 250000);
            }
        } catch (const std::exception&) {
            // The connection failed or was lost: deaf until listening again.
        }
        listening_ = false;
        move_on();
        for (int waited = 0; waited < 4 && !stopping_; ++waited) {
            std::this_thread::sleep_for(250ms);
        }
    }
}

} // namespace homeward::db::identity
