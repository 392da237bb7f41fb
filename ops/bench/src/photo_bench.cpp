// Measures the photograph's re-encoding (services::reencode_image, what PUT
// /api/v1/children/{id}/photo runs on a worker): the time of each of N runs on one image (min,
// median, max) and the process's peak resident memory before and after. Run by ops/bench/photo.
//   photo_bench FILE image/jpeg|image/png [RUNS]

#include "images.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace {

long peak_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: photo_bench FILE image/jpeg|image/png [RUNS]\n";
        return 2;
    }
    std::ifstream in{argv[1], std::ios::binary};
    const std::string bytes{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    const std::string type = argv[2];
    const int runs = argc > 3 ? std::stoi(argv[3]) : 5;
    const long before = peak_kib();
    std::vector<double> seconds;
    homeward::services::clean_image clean;
    for (int i = 0; i < runs; ++i) {
        const auto started = std::chrono::steady_clock::now();
        clean = homeward::services::reencode_image(type, bytes);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    std::sort(seconds.begin(), seconds.end());
    std::cout << "input_bytes=" << bytes.size() << " output_bytes=" << clean.data.size()
              << " thumbnail_bytes=" << clean.thumbnail.size() << " width=" << clean.width
              << " height=" << clean.height << " runs=" << runs << "\n"
              << "reencode_seconds min=" << seconds.front()
              << " median=" << seconds[seconds.size() / 2] << " max=" << seconds.back() << "\n"
              << "peak_rss_kib before=" << before << " after=" << peak_kib()
              << " (the input and output buffers included)\n";
    return 0;
}
