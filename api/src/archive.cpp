#include "archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>

namespace homeward::api {
namespace {

la_ssize_t append(struct archive* /*unused*/, void* out, const void* buffer, size_t length) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
}

void check(struct archive* a, int status) {
    if (status != ARCHIVE_OK) {
        const char* why = archive_error_string(a);
        throw std::runtime_error(std::string{"the archive could not be made: "} +
                                 (why != nullptr ? why : "unknown error"));
    }
}

} // namespace

std::string zip_archive(const std::vector<archive_file>& files, std::chrono::sys_seconds modified) {
    std::string out;
    const std::unique_ptr<struct archive, decltype(&archive_write_free)> a{archive_write_new(),
                                                                           &archive_write_free};
    check(a.get(), archive_write_set_format_zip(a.get()));
    check(a.get(), archive_write_open(a.get(), &out, nullptr, &append, nullptr));
    for (const auto& file : files) {
        const std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry{
            archive_entry_new(), &archive_entry_free};
        archive_entry_set_pathname(entry.get(), file.name.c_str());
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.data.size()));
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0600);
        archive_entry_set_mtime(entry.get(), modified.time_since_epoch().count(), 0);
        check(a.get(), archive_write_header(a.get(), entry.get()));
        if (archive_write_data(a.get(), file.data.data(), file.data.size()) !=
            static_cast<la_ssize_t>(file.data.size())) {
            check(a.get(), ARCHIVE_FATAL);
        }
    }
    check(a.get(), archive_write_close(a.get()));
    return out;
}

} // namespace homeward::api
