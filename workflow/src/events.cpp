// The names and static facts of the events declared in events.hpp, gathered from the declarations
// themselves so that nothing about an event is written twice.

#include "homeward/workflow/events.hpp"

#include <array>

namespace homeward::workflow {
namespace {

template <typename Event>
constexpr event_traits traits_for() {
    return {Event::id, Event::name, Event::target, Event::path, Event::roles, Event::fields};
}

#define HOMEWARD_EVENT_TRAITS(name) traits_for<events::name>(),
constexpr std::array all_traits{HOMEWARD_EPISODE_EVENTS(HOMEWARD_EVENT_TRAITS)};
#undef HOMEWARD_EVENT_TRAITS

#define HOMEWARD_EVENT_ID(name) episode_event::name,
constexpr std::array all_ids{HOMEWARD_EPISODE_EVENTS(HOMEWARD_EVENT_ID)};
#undef HOMEWARD_EVENT_ID

// The declarations are listed in the order of the enumeration: traits_of() indexes by it.
constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < all_traits.size(); ++i) {
        if (static_cast<std::size_t>(all_traits[i].id) != i) {
            return false;
        }
    }
    return true;
}
static_assert(in_enum_order());

} // namespace

const event_traits& traits_of(episode_event event) {
    return all_traits.at(static_cast<std::size_t>(event));
}

std::string_view to_string(episode_event value) { return traits_of(value).name; }

std::optional<episode_event> parse_episode_event(std::string_view name) {
    for (const auto& traits : all_traits) {
        if (traits.name == name) {
            return traits.id;
        }
    }
    return std::nullopt;
}

std::optional<episode_event> event_for_path(event_target target, std::string_view path) {
    for (const auto& traits : all_traits) {
        if (traits.target == target && traits.path == path && !path.empty()) {
            return traits.id;
        }
    }
    return std::nullopt;
}

std::span<const episode_event> all_events() { return all_ids; }

} // namespace homeward::workflow
