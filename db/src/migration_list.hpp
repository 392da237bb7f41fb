#pragma once

#include <string_view>
#include <vector>

namespace homeward::db {

struct migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

// The migrations compiled into this binary, oldest first.
const std::vector<migration>& embedded_migrations();

} // namespace homeward::db
