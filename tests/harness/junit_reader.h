// Reads a JUnit XML document with expat, a real XML parser (a document it
// refuses is not well-formed), into what the tests assert on: the
// <testsuite>'s attributes and each <testcase> with its outcome.
#pragma once

#include <expat.h>

#include <map>
#include <string>
#include <vector>

namespace convt::testing {

struct JUnitTestcase {
  std::map<std::string, std::string> attributes;  // classname, name, time
  std::string outcome = "passed";                 // "passed", "failure" or "skipped"
  std::string message;                            // of the failure or skip
  std::string text;                               // the failure's body, or system-out
};

struct JUnitDocument {
  std::string error;                         // empty when the document is well-formed
  std::map<std::string, std::string> suite;  // attributes of the (last) <testsuite>
  std::vector<JUnitTestcase> cases;
};

inline JUnitDocument read_junit(const std::string& xml) {
  struct State {
    JUnitDocument doc;
    std::string* text = nullptr;  // where character data goes
  } state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char** attributes) {
        State& s = *static_cast<State*>(data);
        std::map<std::string, std::string> a;
        for (int i = 0; attributes[i]; i += 2) a[attributes[i]] = attributes[i + 1];
        const std::string element = name;
        if (element == "testsuite") s.doc.suite = a;
        if (element == "testcase") s.doc.cases.push_back({a, "passed", "", ""});
        if ((element == "failure" || element == "skipped") && !s.doc.cases.empty()) {
          s.doc.cases.back().outcome = element;
          s.doc.cases.back().message = a["message"];
        }
        if ((element == "failure" || element == "system-out") && !s.doc.cases.empty())
          s.text = &s.doc.cases.back().text;
      },
      [](void* data, const XML_Char*) { static_cast<State*>(data)->text = nullptr; });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* chars, int length) {
    State& s = *static_cast<State*>(data);
    if (s.text) s.text->append(chars, size_t(length));
  });
  if (XML_Parse(parser, xml.data(), int(xml.size()), 1) == XML_STATUS_ERROR)
    state.doc.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                      std::to_string(XML_GetCurrentLineNumber(parser));
  XML_ParserFree(parser);
  return state.doc;
}

}  // namespace convt::testing
