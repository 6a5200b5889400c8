// The fixture of the command-line tests: runs the convt executable
// (CONVT_BINARY) as a user would, each argument quoted, and collects its exit
// code, stdout and stderr; each test gets a directory of its own.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "harness/npy.h"
#include "tests/expect_contains.h"

#ifndef CONVT_BINARY
#error "CONVT_BINARY must name the convt executable"
#endif

namespace convt::testing {

namespace fs = std::filesystem;

// Single-quoted for /bin/sh.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  q += '\'';
  return q;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

inline size_t lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("convt_cli_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(fs::exists(CONVT_BINARY)) << CONVT_BINARY << " does not exist: build the convt target";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs convt with the arguments (each quoted), stdout through the pipe,
  // stderr into a file of the test's directory.
  Outcome convt(const std::vector<std::string>& args) {
    std::string command = quote(CONVT_BINARY);
    for (const std::string& a : args) {
      command += ' ';
      command += quote(a);
    }
    return shell(command);
  }

  // Runs a command line with /bin/sh, as convt() runs convt.
  Outcome shell(const std::string& command_line) {
    const std::string err_file = path("stderr.txt");
    const std::string command = "{ " + command_line + "\n} 2>" + quote(err_file);
    Outcome r;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "popen failed: " << command;
      return r;
    }
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r.err = read_file(err_file);
    return r;
  }

  // A bad input: exit 2, exactly one line on stderr, "convt: " and the text.
  void expect_bad_input(const std::vector<std::string>& args, const std::string& text) {
    std::string shown;
    for (const std::string& a : args) {
      shown += ' ';
      shown += a;
    }
    SCOPED_TRACE("convt" + shown);
    const Outcome r = convt(args);
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(lines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("convt: ", 0), 0u) << r.err;
    EXPECT_FALSE(r.err.empty() || r.err.back() != '\n') << r.err;
    EXPECT_CONTAINS(r.err, text);
  }

  // The backends `convt list` calls available, in its order.
  std::vector<std::string> available_backends() {
    const Outcome list = convt({"list"});
    EXPECT_EQ(list.code, 0) << list.err;
    std::vector<std::string> backends;
    std::istringstream in(list.out);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string name, device, state;
      words >> name >> device >> state;
      if (state == "available") backends.push_back(name);
    }
    return backends;
  }

  std::string write_float32(const std::string& name, const std::vector<int64_t>& shape,
                            const std::vector<float>& values) {
    const std::string p = path(name);
    EXPECT_FALSE(write_npy(p, shape, std::span<const float>(values)).has_value());
    return p;
  }

  fs::path dir_;
};

}  // namespace convt::testing
