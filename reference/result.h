// Errors are values: a refusal carries one line that says what is wrong, in
// words a user can act on. Functions that can refuse return Result<T> (or an
// optional Error); nothing in reference/ or harness/ throws for bad input.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace convt {

struct Error {
  std::string message;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace convt
