#pragma once
// The stable text of an enumeration, as one table per enum: the only place a name is written.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace homeward::workflow {

template <typename Enum, std::size_t N>
using name_table = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
constexpr std::string_view name_of(const name_table<Enum, N>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return "unknown";
}

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> value_of(const name_table<Enum, N>& table, std::string_view text) {
    for (const auto& [candidate, name] : table) {
        if (name == text) {
            return candidate;
        }
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
constexpr std::array<Enum, N> values_of(const name_table<Enum, N>& table) {
    std::array<Enum, N> values{};
    for (std::size_t i = 0; i < N; ++i) {
        values[i] = table[i].first;
    }
    return values;
}

template <typename Enum, std::size_t N>
std::string choices_text(const name_table<Enum, N>& table) {
    std::string text;
    for (const auto& [value, name] : table) {
        text += (text.empty() ? "" : ", ") + std::string{name};
    }
    return text;
}

} // namespace homeward::workflow
