#pragma once
// The CSE indicator catalogue and the SERAF-style scoring of observed indicators.
// Weights and score bands are data, loaded from the catalogue file.

#include "homeward/workflow/types.hpp"

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::workflow {

enum class indicator_category { warning_sign, vulnerability, behavioural };
std::string_view to_string(indicator_category value);
std::optional<indicator_category> parse_indicator_category(std::string_view text);

struct indicator {
    std::string code;
    indicator_category category;
    std::string label;
    int weight;
};

// A score band: scores from min_score upwards (to the next band's min_score) suggest level.
struct score_band {
    int min_score;
    cse_risk level;
};

class catalogue_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct scoring {
    int score{0};
    cse_risk suggested{cse_risk::none};
};

class indicator_catalogue {
public:
    // Parses the catalogue file's text. Throws catalogue_error naming what is wrong: a missing or
    // mistyped key, a duplicate code, an unknown category, a negative weight, bands that do not
    // start at 0 or are not strictly increasing.
    static indicator_catalogue parse(std::string_view json_text);

    const std::vector<indicator>& indicators() const { return indicators_; }
    const std::vector<score_band>& bands() const { return bands_; }
    const indicator* find(std::string_view code) const;

    // The band a score falls in.
    cse_risk level_for(int score) const;
    // Observed codes must be known and distinct; otherwise the codes at fault are returned.
    std::vector<std::string> unknown_or_repeated(std::span<const std::string> observed) const;
    // Sum of weights of the observed (known, distinct) codes, and the suggested level.
    scoring score(std::span<const std::string> observed) const;

private:
    std::vector<indicator> indicators_;
    std::vector<score_band> bands_;
};

} // namespace homeward::workflow
