// Fuzz target: the JSON body readers of the episode's events (workflow/events.hpp). The first byte
// chooses the event (in the order of HOMEWARD_EPISODE_EVENTS); the rest is the request body,
// parsed as the router parses it and read field by field as the services read it. Besides not
// crashing, the reader keeps its promise that every error it reports names its field in clean
// text: nothing a key carries may reach a message or a log unescaped.

#include "homeward/workflow/events.hpp"
#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/input.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using namespace homeward::workflow;

const indicator_catalogue& catalogue() {
    static const indicator_catalogue loaded = [] {
        std::ifstream in{std::string{HOMEWARD_SOURCE_DATA_DIR} + "/cse_indicators.json"};
        std::stringstream text;
        text << in.rdbuf();
        return indicator_catalogue::parse(text.str());
    }();
    return loaded;
}

bool printable(std::string_view text) {
    return is_clean_text(text) && std::none_of(text.begin(), text.end(), [](char c) {
               return static_cast<unsigned char>(c) < 0x20;
           });
}

void check(const input_reader& input) {
    for (const auto& error : input.errors()) {
        if (!printable(error.field) || !is_clean_text(error.message)) {
            std::cerr << "an error names its field with unprintable text\n";
            std::abort();
        }
    }
    static_cast<void>(describe(input.errors()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto events = all_events();
    const auto chosen = events[data[0] % events.size()];
    boost::json::error_code ec;
    auto value =
        boost::json::parse(std::string_view{reinterpret_cast<const char*>(data + 1), size - 1}, ec);
    if (ec || !value.is_object()) {
        return 0;
    }
    const read_context context{time_point{std::chrono::seconds{1'790'000'000}}, &catalogue()};
    for_each_event([&]<typename Event>(std::type_identity<Event>) {
        if (Event::id != chosen) {
            return;
        }
        input_reader input{value.as_object(), Event::fields};
        static_cast<void>(Event::read(input, context));
        check(input);
    });
    return 0;
}
