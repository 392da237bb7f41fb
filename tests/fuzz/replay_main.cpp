// Replays a fuzz target's corpus outside libFuzzer: runs LLVMFuzzerTestOneInput once on every file
// of the directories (or files) given, in name order, as the regression test that ops/test runs.
// A crash, a sanitizer report or an uncaught exception fails the test, as it would the fuzzer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize != nullptr) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path given{argv[i]};
        if (std::filesystem::is_directory(given)) {
            for (const auto& entry : std::filesystem::directory_iterator{given}) {
                if (entry.is_regular_file()) {
                    inputs.push_back(entry.path());
                }
            }
        } else {
            inputs.push_back(given);
        }
    }
    std::sort(inputs.begin(), inputs.end());
    // An empty corpus proves nothing: a wrong path must not pass as a green test.
    if (inputs.empty()) {
        std::cerr << "no inputs found in the paths given\n";
        return 2;
    }
    for (const auto& path : inputs) {
        std::ifstream in{path, std::ios::binary};
        const std::vector<char> bytes{std::istreambuf_iterator<char>{in},
                                      std::istreambuf_iterator<char>{}};
        // A copy of exactly the input's size, so that AddressSanitizer sees a read past its end.
        const auto data = std::make_unique<std::uint8_t[]>(std::max<std::size_t>(bytes.size(), 1));
        std::copy(bytes.begin(), bytes.end(), data.get());
        LLVMFuzzerTestOneInput(data.get(), bytes.size());
    }
    std::cout << "replayed " << inputs.size() << " inputs\n";
    return 0;
}
