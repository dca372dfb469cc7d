// The fuzz targets in `make test`, without libFuzzer: a target's entry point
// (LLVMFuzzerTestOneInput) linked with this main runs every input of its seed
// corpus, then random mutations of them for a bounded time — bit flips, byte
// changes, inserted and deleted ranges, tokens of the target's dictionary,
// boundary numbers, splices of two inputs — under the build's AddressSanitizer
// and UndefinedBehaviorSanitizer (docs/fuzzing.md, "In make test"). The
// mutations are drawn from a fixed seed, so a run is repeatable.
//
// Usage: replay_fuzz_x [--seconds N] [--seed S] [--dict FILE] CORPUS_DIR_OR_FILE...
//
// A failing input (sanitizer report, failed property, crash) is written to
// ./crash-<target> before the process dies; replay it with
// `replay_fuzz_x --seconds 0 crash-<target>` or the libFuzzer build.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

// The sanitizer runtime's death callback exists only in sanitized builds
// (the release preset builds these too, without sanitizers).
#if defined(__SANITIZE_ADDRESS__)
#define LW_HAVE_SANITIZER_DEATH_CALLBACK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_HAVE_SANITIZER_DEATH_CALLBACK 1
#endif
#endif
#ifdef LW_HAVE_SANITIZER_DEATH_CALLBACK
#include <sanitizer/common_interface_defs.h>
#endif

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kMaxInput = 16 * 1024;

// The input running now, for the crash file. Plain globals: read from a signal handler.
const std::uint8_t* g_input = nullptr;
std::size_t g_size = 0;
char g_crash_path[512] = "crash-input";

void save_input() {
  const int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  std::size_t done = 0;
  while (g_input != nullptr && done < g_size) {
    const ssize_t n = ::write(fd, g_input + done, g_size - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  static constexpr char kSaved[] = "\nthe failing input is saved as ";
  (void)!::write(2, kSaved, sizeof kSaved - 1);
  (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
  (void)!::write(2, "\n", 1);
}

extern "C" void on_fatal_signal(int sig) {
  save_input();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void run(const Bytes& input) {
  g_input = input.data();
  g_size = input.size();
  // A copy the target cannot keep pointers into past its call, like libFuzzer's.
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[input.size() + 1]);
  std::copy(input.begin(), input.end(), copy.get());
  g_input = copy.get();
  (void)LLVMFuzzerTestOneInput(copy.get(), input.size());
  g_input = nullptr;
}

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// libFuzzer's dictionary format: one token per line, `name="value"` or
/// `"value"`, with \\, \" and \xNN escapes; lines starting with # are comments.
std::vector<Bytes> read_dictionary(const std::string& path) {
  std::vector<Bytes> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find('"');
    const auto last = line.rfind('"');
    if (line.empty() || line[0] == '#' || first == std::string::npos || last <= first) continue;
    Bytes token;
    for (std::size_t i = first + 1; i < last; ++i) {
      if (line[i] == '\\' && i + 1 < last) {
        if (line[i + 1] == 'x' && i + 3 < last) {
          token.push_back(
              static_cast<std::uint8_t>(std::strtoul(line.substr(i + 2, 2).c_str(), nullptr, 16)));
          i += 3;
          continue;
        }
        token.push_back(static_cast<std::uint8_t>(line[++i]));
        continue;
      }
      token.push_back(static_cast<std::uint8_t>(line[i]));
    }
    if (!token.empty()) out.push_back(std::move(token));
  }
  return out;
}

class Mutator {
 public:
  Mutator(std::uint64_t seed, std::vector<Bytes> dictionary) : rng_(seed), dict_(std::move(dictionary)) {
    for (const char* s : {"0",
                          "-1",
                          "1",
                          "255",
                          "256",
                          "65535",
                          "65536",
                          "2147483647",
                          "-2147483648",
                          "4294967296",
                          "9223372036854775807",
                          "18446744073709551616",
                          "1e309",
                          "-0",
                          "0.5",
                          "NaN",
                          "null",
                          "true",
                          "\"\"",
                          "[]",
                          "{}",
                          "%00",
                          "%ff",
                          "\xff",
                          "\xc3\x28"}) {
      dict_.emplace_back(s, s + std::strlen(s));
    }
  }

  Bytes mutate(const std::vector<Bytes>& corpus) {
    Bytes b = corpus[below(corpus.size())];
    const std::size_t steps = 1 + below(4);
    for (std::size_t i = 0; i < steps; ++i) step(b, corpus);
    if (b.size() > kMaxInput) b.resize(kMaxInput);
    return b;
  }

 private:
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  void step(Bytes& b, const std::vector<Bytes>& corpus) {
    const std::size_t at = below(b.size() + 1);
    switch (below(8)) {
      case 0:  // flip a bit
        if (!b.empty()) b[below(b.size())] ^= static_cast<std::uint8_t>(1U << below(8));
        break;
      case 1:  // set a byte
        if (!b.empty()) b[below(b.size())] = static_cast<std::uint8_t>(below(256));
        break;
      case 2:  // insert random bytes
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), 1 + below(4),
                 static_cast<std::uint8_t>(below(256)));
        break;
      case 3: {  // delete a range
        if (b.empty()) break;
        const std::size_t from = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(16, b.size() - from));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(from),
                b.begin() + static_cast<std::ptrdiff_t>(from + n));
        break;
      }
      case 4: {  // repeat a range
        if (b.empty()) break;
        const std::size_t from = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(64, b.size() - from));
        const Bytes piece(b.begin() + static_cast<std::ptrdiff_t>(from),
                          b.begin() + static_cast<std::ptrdiff_t>(from + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), piece.begin(), piece.end());
        break;
      }
      case 5:    // insert a token
      case 6: {  // overwrite with a token
        const Bytes& token = dict_[below(dict_.size())];
        if (below(2) == 0 || b.size() < token.size()) {
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), token.begin(), token.end());
        } else {
          const std::size_t to = below(b.size() - token.size() + 1);
          std::copy(token.begin(), token.end(), b.begin() + static_cast<std::ptrdiff_t>(to));
        }
        break;
      }
      default: {  // splice: this input's head, another's tail
        const Bytes& other = corpus[below(corpus.size())];
        const std::size_t cut = below(b.size() + 1);
        const std::size_t from = below(other.size() + 1);
        b.resize(cut);
        b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  std::vector<Bytes> dict_;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  std::uint64_t seed = 1;
  std::string dict_path;
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--dict" && i + 1 < argc) {
      dict_path = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "usage: %s [--seconds N] [--seed S] [--dict FILE] CORPUS_DIR_OR_FILE...\n",
                   argv[0]);
      return 2;
    } else {
      inputs.emplace_back(arg);
    }
  }
  const std::string target = std::filesystem::path(argv[0]).filename().string();
  std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s", target.c_str());
  for (int sig : {SIGSEGV, SIGILL, SIGABRT, SIGFPE, SIGBUS, SIGTRAP}) std::signal(sig, on_fatal_signal);
#ifdef LW_HAVE_SANITIZER_DEATH_CALLBACK
  __sanitizer_set_death_callback(save_input);
#endif

  std::vector<std::filesystem::path> files;
  for (const auto& p : inputs) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "%s: no such corpus: %s\n", target.c_str(), p.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Bytes> corpus;
  for (const auto& f : files) {
    corpus.push_back(read_file(f));
    run(corpus.back());
  }
  if (corpus.empty()) corpus.emplace_back();

  Mutator mutator(seed, dict_path.empty() ? std::vector<Bytes>{} : read_dictionary(dict_path));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t mutations = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    run(mutator.mutate(corpus));
    ++mutations;
  }
  std::printf("%s: %zu corpus inputs, %llu mutations in %.0f s, no finding\n", target.c_str(), files.size(),
              static_cast<unsigned long long>(mutations), seconds);
  return 0;
}
