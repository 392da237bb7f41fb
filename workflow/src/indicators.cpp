#include "homeward/workflow/indicators.hpp"

#include <algorithm>
#include <unordered_set>

namespace homeward::workflow {

std::string_view to_string(indicator_category value) {
    switch (value) {
    case indicator_category::warning_sign:
        return "warning_sign";
    case indicator_category::vulnerability:
        return "vulnerability";
    case indicator_category::behavioural:
        return "behavioural";
    }
    return "unknown";
}

std::optional<indicator_category> parse_indicator_category(std::string_view text) {
    for (const auto category : {indicator_category::warning_sign, indicator_category::vulnerability,
                                indicator_category::behavioural}) {
        if (to_string(category) == text) {
            return category;
        }
    }
    return std::nullopt;
}

const indicator* indicator_catalogue::find(std::string_view code) const {
    const auto found = std::find_if(indicators_.begin(), indicators_.end(),
                                    [code](const indicator& entry) { return entry.code == code; });
    return found == indicators_.end() ? nullptr : &*found;
}

cse_risk indicator_catalogue::level_for(int score) const {
    // Bands are sorted by min_score and the first starts at 0 (checked when parsed); a score
    // below every band (only a negative one) takes the lowest band.
    if (bands_.empty()) {
        return cse_risk::none;
    }
    cse_risk level = bands_.front().level;
    for (const auto& band : bands_) {
        if (score >= band.min_score) {
            level = band.level;
        }
    }
    return level;
}

std::vector<std::string>
indicator_catalogue::unknown_or_repeated(std::span<const std::string> observed) const {
    std::vector<std::string> faults;
    std::unordered_set<std::string_view> seen;
    for (const auto& code : observed) {
        const bool repeated = !seen.insert(code).second;
        if ((repeated || find(code) == nullptr) &&
            std::find(faults.begin(), faults.end(), code) == faults.end()) {
            faults.push_back(code);
        }
    }
    return faults;
}

scoring indicator_catalogue::score(std::span<const std::string> observed) const {
    scoring result;
    std::unordered_set<std::string_view> counted;
    for (const auto& code : observed) {
        const indicator* entry = find(code);
        if (entry != nullptr && counted.insert(code).second) {
            result.score += entry->weight;
        }
    }
    result.suggested = level_for(result.score);
    return result;
}

} // namespace homeward::workflow
