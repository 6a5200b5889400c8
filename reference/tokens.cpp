#include "reference/tokens.h"

#include <cctype>
#include <limits>

namespace convt {
namespace {

bool is_lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

bool TokenScanner::more() {
  while (i_ < text_.size() && text_[i_] == '_') ++i_;
  return i_ < text_.size();
}

bool TokenScanner::take(std::string_view word) {
  if (text_.substr(i_, word.size()) != word) return false;
  i_ += word.size();
  return true;
}

std::string_view TokenScanner::rest() {
  const std::string_view r = text_.substr(i_);
  i_ = text_.size();
  return r;
}

std::optional<TokenError> TokenScanner::name(std::string_view& out) {
  const size_t start = i_;
  if (i_ >= text_.size() || !is_lower(text_[i_]))
    return TokenError{i_, i_ < text_.size() && is_digit(text_[i_])
                              ? "a number without a token before it"
                              : "unexpected character '" + std::string(text_.substr(i_, 1)) + "'"};
  while (i_ < text_.size() && is_lower(text_[i_])) ++i_;
  out = text_.substr(start, i_ - start);
  return std::nullopt;
}

std::optional<TokenError> TokenScanner::number(std::string_view name, size_t start, int64_t& out) {
  const size_t digits = i_;
  int64_t value = 0;
  while (i_ < text_.size() && is_digit(text_[i_])) {
    const int digit = text_[i_] - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) {
      while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
      return TokenError{start, "the number " + std::string(text_.substr(digits, i_ - digits)) + " of '" +
                                   std::string(name) + "' does not fit a 64-bit integer"};
    }
    value = value * 10 + digit;
    ++i_;
  }
  if (i_ == digits)
    return TokenError{start, "token '" + std::string(name) + "' needs a non-negative integer after it"};
  out = value;
  return std::nullopt;
}

}  // namespace convt
