// Text for the report's page (harness/report/html.h): report fields read
// without exceptions, whatever their type, and turned into escaped HTML.
//
// A report is read from files a user hands in, so any field may be missing
// or of another type; nlohmann's value() and get() throw on a wrong type,
// these accessors never do: a field of the wrong type reads as absent.
// Numbers may also be the strings "nan", "inf" and "-inf", which is how the
// reports write what JSON cannot hold.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace convt::report::html {

// The member `key` of `object`, or a null value when `object` is no object
// or has no such member.
const nlohmann::json& member(const nlohmann::json& object, std::string_view key);

// A value as text: a string as it is, a number or boolean as JSON writes
// it, anything else as `fallback`.
std::string scalar_text(const nlohmann::json& value, std::string_view fallback = "");

// The member as text: a string as it is, a number or boolean as JSON writes
// it, anything else (null, arrays, objects, absent) as `fallback`.
std::string text(const nlohmann::json& object, std::string_view key, std::string_view fallback = "");

// A number, or one of the strings "nan", "inf", "-inf" (also "infinity");
// nullopt for anything else.
std::optional<double> number(const nlohmann::json& value);
std::optional<double> number(const nlohmann::json& object, std::string_view key);

// A boolean member; nullopt when absent or not a boolean.
std::optional<bool> flag(const nlohmann::json& object, std::string_view key);

// The array member `key` (a section's "records"), or an empty array.
const nlohmann::json& array(const nlohmann::json& object, std::string_view key);

// The leading number of a text such as "192.06 (per core x threads; ...)",
// or of a number; nullopt when there is none.
std::optional<double> leading_number(const nlohmann::json& value);

// Escaped for HTML text and attribute values (also inside inline SVG):
// & < > " ' become entities.
std::string escape(std::string_view text);

// <name attributes>content</name>: `content` is HTML already (escape text
// first), `attributes` as written.
std::string tag(std::string_view name, std::string_view content, std::string_view attributes = "");

// A number with `significant` digits, trailing zeros dropped: 192, 0.0123,
// 1.5e-07, 2.5e+06; "nan", "inf" and "-inf" for the others.
std::string format_number(double v, int significant = 3);

// A number with exactly `decimals` decimals (2 -> "1.50").
std::string format_fixed(double v, int decimals);

// A canonical problem descriptor without the tokens that hold their
// default (reference/descriptor.h: mb 1, iw = ih, kw = kh, sh 1, sw = sh,
// ph 0, pw = ph, oph 0, opw = oph, dh 1, dw = dh, g 1): the labels of the
// plots. "mb1ic2048ih8iw6oc256kh4kw4sh2sw2ph1pw1oph0opw0dh1dw1g1nobias"
// becomes "ic2048ih8iw6oc256kh4sh2ph1nobias". A text that is not a
// descriptor comes back as it is.
std::string short_descriptor(std::string_view descriptor);

}  // namespace convt::report::html
