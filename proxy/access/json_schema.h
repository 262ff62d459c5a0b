#pragma once

#include "protocol/status.h"

#include <memory>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// One way a value breaks a schema: where (a JSON pointer into the value, "" for the value
// itself) and why.
struct SchemaViolation {
  std::string path;
  std::string message;
};

// A JSON Schema compiled once for many validations: draft-07 as the library (valijson) knows it,
// after ToDraft7, with regular expressions checked by RE2 (regex_keywords.h). Immutable once built, so any number of threads may validate at once.
class JsonSchema {
 public:
  // Compiles schema. Never fetches anything: remote $refs are replaced by `true` first. Fails
  // with kInvalidArgument, naming the library's complaint, when the library cannot parse it.
  // notes receives what was left unchecked (see ToDraft7).
  static protocol::Result<std::shared_ptr<const JsonSchema>> Compile(
      const protocol::Json& schema, std::vector<std::string>& notes);

  ~JsonSchema();

  // Every violation of the schema by value; empty when it conforms. Never throws: should the
  // library fail mid-way, what it found so far is returned. Regular expressions ("pattern",
  // "patternProperties", "format") run on RE2, in time linear in the value's size.
  std::vector<SchemaViolation> Validate(const protocol::Json& value) const;

 private:
  struct Compiled;  // the library's schemas; defined in json_schema.cc
  explicit JsonSchema(std::unique_ptr<Compiled> compiled);

  std::unique_ptr<Compiled> compiled_;
};

}  // namespace mcpgw::proxy
