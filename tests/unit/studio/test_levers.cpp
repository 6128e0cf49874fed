// The studio's levers (sim/studio/levers.cpp): product fields by moment of truth, campaigns by
// product, each lever with its value, range, kind and meaning from the parameter table.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "sim/studio/levers.hpp"

using namespace motsim;
using nlohmann::json;

namespace {
const json* lever(const json& j, const std::string& key, std::string* moment = nullptr) {
  for (const auto& g : j["groups"])
    for (const auto& l : g["levers"])
      if (l["key"] == key) {
        if (moment) *moment = g["moment"];
        return &l;
      }
  return nullptr;
}
}  // namespace

TEST_CASE("studio levers: each product field in its moment of truth, with value, range and meaning") {
  const Scenario sc = test::scenario(std::string(test::kTwoProducts) +
                                     "[[campaign]]\nproduct = \"B\"\nchannel = \"tv\"\nstart_day = 3\nend_day = 20\n");
  const json j = studio::levers_json(sc);
  CHECK(j["products"] == json({"A", "B"}));
  std::string m;
  const json* claim = lever(j, "product.B.claim", &m);
  REQUIRE(claim);
  CHECK(m == "stimulus");
  CHECK((*claim)["value"] == 6);
  CHECK((*claim)["min"] == 0);
  CHECK((*claim)["max"] == 10);
  CHECK((*claim)["kind"] == "real");
  CHECK(!(*claim)["doc"].get<std::string>().empty());
  const std::pair<const char*, const char*> where[] = {
      {"product.A.visibility", "zmot"},        {"product.A.price", "fmot"},
      {"product.A.defect_prob", "smot"},       {"product.A.response_rate", "tmot"},
      {"product.A.unit_cost", "economics"},    {"economics.discount_rate", "economics"},
      {"campaign.0.daily_reach", "campaigns"}, {"behavior.wom_rate", "market"}};
  for (const auto& entry : where) {  // no structured binding: doctest's lambdas capture it
    const char* key = entry.first;
    REQUIRE_MESSAGE(lever(j, key, &m), key);
    CHECK_MESSAGE(m == entry.second, key);
  }
  const json* channel = lever(j, "campaign.0.channel");
  REQUIRE(channel);
  CHECK((*channel)["kind"] == "choice");
  CHECK((*channel)["value"] == "tv");
  CHECK((*channel)["label"] == "campaign 0: channel");
  CHECK(!lever(j, "simulation.seed"));  // run settings and the network are not levers
  CHECK(!lever(j, "campaign.0.product"));
  // Groups follow the journey: stimulus first, the market's constants last.
  CHECK(j["groups"].front()["moment"] == "stimulus");
  CHECK(j["groups"].back()["moment"] == "market");
}
