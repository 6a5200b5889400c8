// The token syntax shared by convt's problem descriptors and benchdnn's
// problem lines: a run of lowercase letters (the token's name), then a
// non-negative decimal integer; '_' between tokens is ignored. Each reader
// decides which names it knows and what they mean; the scanner finds where
// tokens begin and end and says what is malformed, and where (0-based), in
// the descriptor's words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace convt {

struct TokenError {
  size_t position;   // of the offending character (0-based)
  std::string what;  // e.g. "token 'kh' needs a non-negative integer after it"
};

class TokenScanner {
 public:
  explicit TokenScanner(std::string_view text) : text_(text) {}

  // Skips '_'; false at the end of the text.
  bool more();
  size_t position() const { return i_; }
  // Whether the text here begins with `word`; consumes it if so.
  bool take(std::string_view word);
  // The rest of the text, consumed.
  std::string_view rest();

  // The run of lowercase letters here. Refuses a digit ("a number without
  // a token before it") or another character ("unexpected character 'X'").
  std::optional<TokenError> name(std::string_view& out);
  // The integer after the name `name`, which began at `start`. Refuses a
  // missing number and one beyond int64.
  std::optional<TokenError> number(std::string_view name, size_t start, int64_t& out);

 private:
  std::string_view text_;
  size_t i_ = 0;
};

}  // namespace convt
