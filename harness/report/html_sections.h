// The tables of the report's page (harness/report/html.h), one function
// per section: each takes the section's JSON and returns the HTML under
// the section's heading (the page writes the headings, and the line for a
// section the report lacks). Backends are coloured as in the plots.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/report/svg.h"

namespace convt::report::html {

// Per backend the counts of passed, failed, mistrusted and skipped cases,
// the run's options, then the first failures with their repro commands.
std::string conformance_tables(const nlohmann::json& conformance, Palette& palette);

// Per backend the verdicts and the worst ratios (strict, TF32) and errors,
// then the records that did not pass with their reasons.
std::string accuracy_tables(const nlohmann::json& accuracy, Palette& palette);

// Declared against observed per problem (rows) and backend (columns),
// each cell coloured by its verdict, then the records that did not pass.
std::string determinism_tables(const nlohmann::json& determinism, Palette& palette);

// A coloured square, the backend's mark in tables, and its name.
std::string backend_name(const std::string& backend, Palette& palette);

}  // namespace convt::report::html
