#include "policy/key_hash.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {

TEST_CASE("HashKey gives the sha256: form of the key's SHA-256") {
  CHECK(HashKey("abc") ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HashKey("") ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace mcpgw::policy
