#pragma once
// Daily per-product counters. Counts are integers and sums are reduced in block order, so
// every figure is bit-identical for any thread count.
#include <array>
#include <cstdint>

namespace motsim {

enum Count : int {
  kExposures,
  kNewlyAware,
  kWomAware,
  kResearchers,
  kSourcesRead,
  kConsidered,
  kPurchases,
  kNewAdopters,
  kRefunds,
  kLostCustomers,
  kExperiences,
  kSatisfied,
  kDissatisfied,
  kIncidents,
  kComplaints,
  kRecoveries,
  kReviews,
  kAnswered,
  kPromoters,
  kDetractors,
  kDeliveryIncidents,  // of the incidents, late or damaged deliveries
  kNumCounts
};

// Dataset names in /timeseries, in enum order.
inline constexpr std::array<const char*, kNumCounts> kCountNames = {
    "exposures",    "newly_aware", "wom_aware", "researchers", "sources_read", "considered",   "purchases",
    "new_adopters", "refunds",     "lost",      "experiences", "satisfied",    "dissatisfied", "incidents",
    "complaints",   "recoveries",  "reviews",   "answered",    "promoters",    "detractors",   "delivery_incidents"};

enum Sum : int { kRememberedSum, kExperiencedSum, kNumSums };

}  // namespace motsim
