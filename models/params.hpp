#pragma once
// Plain parameter structs: the fully resolved scenario. The defaults are written here and only
// here; each parameter's range, unit, meaning and the source of its default are written only in
// the parameter table (sim/input/param_table.cpp, printed by `motsim params` as
// docs/parameters.md), the single place where names (TOML keys, --set keys, HDF5 attributes)
// are mapped to fields.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/network.hpp"
#include "sim/core/rng.hpp"

namespace motsim {

struct SimulationParams {
  std::int64_t agents = 100000;
  std::int64_t days = 365;
  std::int64_t seed = 1;
  std::int64_t replicate = 0;
  std::int64_t rng_streams = kRngStreamsLatest;
};

struct Segment {
  std::string name = "mainstream";
  double share = 1.0;
  double research_prob = 0.88;        // Google/Shopper Sciences 2011 (ZMOT study)
  double sources_mean = 10.4;         // same study: 10.4 sources on average
  double price_sensitivity = 0.01;    // utility per currency unit
  double price_sensitivity_sd = 0.3;  // log-normal dispersion between agents
  double quality_weight = 0.8;        // utility per quality point (0-10 scale)
  double rating_weight = 0.1;         // utility per star above 3, at full review count
  double review_volume_weight = 1.8;  // utility of having reviews at all (social proof), saturating
  double wom_susceptibility = 1.0;    // multiplies behavior.wom_rate
  double review_propensity = 0.02;    // probability to post an unremarkable experience (d = 0)
  double need_interval_days = 365;    // mean days between category needs (0 = never)
  double patience_days = 30;          // days an unmet need lasts
  double prior_quality = 5.0;         // quality belief before any information
};

// The most products a scenario may have: stages keep per-product scratch arrays of this size,
// research marks the products it touched in a 64-bit mask, and agents store product indices
// in 8 bits.
inline constexpr int kMaxProducts = 64;

struct Product {
  std::string name = "Product";
  double price = 100.0;
  double quality = 7.0;            // mean true performance (0-10)
  double quality_sd = 1.0;         // sd of performance between consumers and episodes
  double claim = 7.0;              // quality the advertising promises (0-10)
  double info_completeness = 0.9;  // share of brand pages that are complete
  double visibility = 1.0;         // relative weight in online search (content marketing)
  double missing_accessory_prob = 0.0;
  double delivery_problem_prob = 0.02;
  double defect_prob = 0.03;
  double service_quality = 0.6;
  double refund_window_days = 30;
  double response_rate = 0.0;
  double initial_awareness = 0.2;
  double delivery_days = 2;
  std::array<std::int64_t, 5> initial_ratings{0, 0, 0, 0, 0};  // reviews shown at day 0
  double follow_up_value = -1;  // value of an after-sales follow-up ending the experience (< 0: none)
  // Costs, in currency units (sim/engine/economics.cpp). All 0 by default: a scenario without
  // them keeps its results, and its profit is its net revenue.
  double unit_cost = 0;              // cost of goods per unit, before quality
  double unit_cost_per_quality = 0;  // extra cost of goods per unit and quality point
  double accessory_cost = 0;         // an accessory included in the box, per unit sold
  double fixed_cost_per_day = 0;
  double content_cost_per_day = 0;  // content marketing: what buys visibility and complete pages
  double reship_cost = 0;           // per delivery incident
  double service_contact_cost = 0;  // per customer-service contact
  double recovery_cost = 0;         // per incident customer service resolves
  double review_answer_cost = 0;    // per negative review answered
  double return_handling_cost = 0;  // per returned unit (the refund itself repays the price)
  double return_salvage_value = 0;  // per returned unit: what it is still worth
};

struct Campaign {
  std::string product;
  std::string channel = "tv";
  std::int64_t start_day = 0;
  std::int64_t end_day = 30;
  double daily_reach = 0.01;
  double claim = -1.0;         // < 0: the product's claim
  double trigger_prob = 0.05;  // an exposure triggers a category need
  std::string segment;         // empty: everyone
  // Spend (sim/engine/economics.cpp)
  double cost_per_exposure = 0;  // currency per exposure
  double daily_budget = 0;       // currency per active day (with cost_per_exposure: sets daily_reach)
  // Resolved at load time:
  int product_index = -1;
  int segment_index = -1;
};

struct BehaviorParams {
  // Stimulus and word of mouth
  double ad_precision = 0.3;      // weight of one ad exposure in the Gaussian belief update
  double ad_salience = 0.2;       // salience gained per exposure
  double salience_decay = 0.01;   // daily relative decay of salience
  double recall_threshold = 0.2;  // awareness fades when salience falls below a random threshold in (0, this)
  double wom_rate = 0.1;          // daily awareness hazard at 100% positive neighbours
  double wom_trigger = 0.02;      // a recommendation triggers a need
  double wom_threshold = 6.5;     // remembered satisfaction needed to recommend
  double wom_precision = 0.5;     // belief weight of a recommendation
  // ZMOT
  double share_reviews = 0.5;
  double share_brand = 0.3;
  double share_neighbors = 0.2;
  double review_precision = 0.15;
  double review_count_half = 5.0;
  double answered_weight = 0.5;
  double content_precision = 0.3;
  double neighbor_precision = 1.0;
  double incomplete_drop_prob = 0.5;
  std::int64_t consideration_max = 3;
  double salience_weight = 2.0;
  double prior_precision = 1.0;
  // FMOT
  double outside_utility = 4.5;
  double rating_count_weight_half = 3.0;
  double loyalty_weight = 1.5;
  double info_weight = 1.0;
  double redecide_days = 7;
  double loyal_skip_research = 0.7;
  bool repeat_purchase = true;
  // SMOT
  bool experience = true;
  std::int64_t experience_episodes = 5;
  double experience_days = 14;
  double disconfirmation = 0.5;           // Oliver 1980: x = perf + c (perf - expectation)
  double taste_share = 0.95;              // share of quality_sd^2 that is a lasting consumer-product fit
  double incident_weight = 2.0;           // an incident's intensity counts this much more in the peak
  double own_experience_precision = 4.0;  // belief weight of one's own experience
  double incident_value = 3.5;            // experienced value of an unresolved incident (mean)
  double incident_sd = 1.5;               // severity varies: sd of an incident's value
  double service_contact_prob = 0.6;      // an unhappy customer contacts customer service
  double recovery_bonus = 1.0;            // a resolved incident: worth a use of the product plus this
  double trust_loss = 1.0;                // an incident lowers what behaviour remembers, resolved or not
  double refund_threshold = 3.5;
  double churn_threshold = 3.0;
  double loyalty_threshold = 8.5;
  double satisfied_threshold = 6.5;
  double dissatisfied_threshold = 4.5;
  double promoter_threshold = 8.5;   // net promoter score (Reichheld 2003): 9-10 promote
  double detractor_threshold = 6.5;  // 0-6 detract
  // TMOT
  double neutral = 5.0;
  double review_extremity = 5.0;  // a above the reference (brag)
  double review_gamma = 3.0;
  double review_reference = 6.5;            // the experience least often posted (d = 0)
  double review_extremity_negative = 14.0;  // a below the reference (moan)
  std::array<double, 4> star_cuts{2.5, 4.5, 6.5, 8.5};
  double herding_positive = 0.32;  // positive raters post this much more under a 5-star display
  double herding_negative = 0.0;   // every rater posts this much more under a 1-star display
};

// How money over time is valued (sim/engine/economics.cpp).
struct EconomicsParams {
  double discount_rate = 0;              // annual; profit_pv discounts day d by (1 + rate)^(-d / 365)
  double customer_lifetime_days = 1095;  // horizon of the purchases a lost customer would have made
};

struct Scenario {
  std::string source_path;  // where it was read from (may be empty)
  // Every file the scenario was read from: the file itself, each parent of its `extends` chain,
  // the edge list (network.file); a data file a scenario comes to name belongs here too. No
  // command may write its output over one of them (check_output_path, sim/io/output.hpp).
  std::vector<std::string> input_files;
  // Free text kept with the results, no effect on a run: what the scenario is and the question
  // it asks (top-level keys title and question; a variant's own, else its parent's).
  std::string title, question;
  SimulationParams simulation;
  NetworkParams network;
  std::vector<Segment> segments;
  std::vector<Product> products;
  std::vector<Campaign> campaigns;
  BehaviorParams behavior;
  EconomicsParams economics;
  // What the loader noticed but accepted (e.g. a variant's product that is not in its parent:
  // a new product, or a misspelt name); the commands print them to stderr.
  std::vector<std::string> notes;
};

}  // namespace motsim
