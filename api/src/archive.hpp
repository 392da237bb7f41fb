#pragma once
// A ZIP archive made in memory by libarchive (Debian's libarchive-dev): what the subject-access
// export answers with. This file and archive.cpp are the only ones that include libarchive.

#include <chrono>
#include <string>
#include <vector>

namespace homeward::api {

struct archive_file {
    std::string name; // the path inside the archive
    std::string data;
};

// The files, deflated, each with this modification time and mode 0600.
std::string zip_archive(const std::vector<archive_file>& files, std::chrono::sys_seconds modified);

} // namespace homeward::api
