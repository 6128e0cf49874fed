#include <cmath>
#include <cstdio>
#include <sstream>
#include <type_traits>

#include "sim/input/param_table.hpp"

#include "sim/core/rng.hpp"

namespace motsim {
namespace {

// A value as TOML writes it, and its numbers.
template <class T>
std::string toml_text(const T& v) {
  std::ostringstream o;
  if constexpr (std::is_same_v<T, bool>) {
    o << (v ? "true" : "false");
  } else if constexpr (std::is_same_v<T, std::string>) {
    o << '"' << v << '"';
  } else if constexpr (std::is_arithmetic_v<T>) {
    o << v;
  } else {  // arrays
    o << '[';
    for (std::size_t i = 0; i < v.size(); ++i) o << (i ? ", " : "") << v[i];
    o << ']';
  }
  return o.str();
}
template <class T>
std::vector<double> numbers(const T& v) {
  if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string>)
    return {};
  else if constexpr (std::is_arithmetic_v<T>)
    return {static_cast<double>(v)};
  else
    return std::vector<double>(v.begin(), v.end());
}

template <class S, class T>
FieldDesc field(const char* key, T S::*member, double min, double max, const char* doc) {
  FieldDesc d;
  d.key = key;
  if constexpr (std::is_same_v<T, std::int64_t>)
    d.kind = FieldKind::Int;
  else if constexpr (std::is_same_v<T, double>)
    d.kind = FieldKind::Real;
  else if constexpr (std::is_same_v<T, bool>)
    d.kind = FieldKind::Bool;
  else if constexpr (std::is_same_v<T, std::string>)
    d.kind = FieldKind::Str;
  else if constexpr (std::is_same_v<T, std::array<double, 4>>)
    d.kind = FieldKind::Real4;
  else if constexpr (std::is_same_v<T, std::array<std::int64_t, 5>>)
    d.kind = FieldKind::Int5;
  d.min = min;
  d.max = max;
  d.doc = doc;
  d.ptr = [member](void* o) -> void* { return &(static_cast<S*>(o)->*member); };
  static const S defaults{};
  d.default_text = toml_text(defaults.*member);
  d.default_numbers = numbers(defaults.*member);
  return d;
}

template <class S>
FieldDesc choice(const char* key, std::string S::*member, std::vector<std::string> choices, const char* doc) {
  FieldDesc d = field(key, member, 0, 0, doc);
  d.choices = std::move(choices);
  return d;
}

using Sim = SimulationParams;
using Net = NetworkParams;
using Beh = BehaviorParams;
using Eco = EconomicsParams;

}  // namespace

const std::vector<FieldDesc>& simulation_fields() {
  static const std::vector<FieldDesc> f = {
      field("agents", &Sim::agents, 1, 4e9, "number of consumers"),
      field("days", &Sim::days, 1, 36500, "simulated days (one tick = one day)"),
      field("seed", &Sim::seed, 0, 9.2e18, "master seed of the counter-based generator"),
      field("replicate", &Sim::replicate, 0, 9.2e18, "replicate number: second half of the random key"),
      field("rng_streams", &Sim::rng_streams, kRngStreamsOldest, kRngStreamsLatest,
            "version of the random streams (1: every file written before 2026-12-03; 2: fewer Philox blocks for "
            "the same draws); the same version and seed give the same results"),
  };
  return f;
}

const std::vector<FieldDesc>& network_fields() {
  static const std::vector<FieldDesc> f = {
      choice("type", &Net::type, {kNetworkTypeNames.begin(), kNetworkTypeNames.end()},
             "who can tell whom; complete = mean field"),
      field("degree", &Net::degree, 2, 10000, "mean degree (watts_strogatz and ring: even; erdos_renyi: expected)"),
      field("rewire", &Net::rewire, 0, 1, "Watts-Strogatz rewiring probability"),
      field("attach", &Net::attach, 1, 10000, "Barabasi-Albert edges per new node"),
      field("file", &Net::file, 0, 0,
            "edge list (two agent ids per line, 0-based, '#' comments), relative to the scenario"),
  };
  return f;
}

const std::vector<FieldDesc>& segment_fields() {
  static const std::vector<FieldDesc> f = {
      field("name", &Segment::name, 0, 0, "segment name (unique)"),
      field("share", &Segment::share, 0, 1, "share of the population; shares sum to 1"),
      field("research_prob", &Segment::research_prob, 0, 1,
            "probability to research online once per need; default from Google/Shopper Sciences 2011 (ZMOT "
            "study)"),
      field("sources_mean", &Segment::sources_mean, 0, 1000,
            "mean sources consulted per research (Poisson); default from Google/Shopper Sciences 2011"),
      field("price_sensitivity", &Segment::price_sensitivity, 0, 100,
            "b_p, utility lost per currency unit; a modelling assumption, chosen so that a 10% price cut "
            "on a 100-unit product lifts its choice share by about 10% (elasticity near -1, typical of "
            "durables)"),
      field("price_sensitivity_sd", &Segment::price_sensitivity_sd, 0, 5,
            "log-normal sd of b_p between agents (heterogeneous taste)"),
      field("quality_weight", &Segment::quality_weight, 0, 100, "b_q, utility per believed quality point (0-10 scale)"),
      field("rating_weight", &Segment::rating_weight, 0, 100,
            "b_r, utility per displayed star above 3 at many reviews; calibrated with "
            "review_precision so that the elasticity of sales to the displayed rating is 0.48, "
            "within 0.2-0.6 (You, Vadakkepatt & Joshi 2015; docs/validation.md case 7)"),
      field("review_volume_weight", &Segment::review_volume_weight, 0, 100,
            "b_v, utility of a product having reviews at all, times g(count): social proof that "
            "saturates with the first reviews; calibrated to Spiegel 2017 (5 reviews vs none: "
            "about +270% purchase likelihood)"),
      field("wom_susceptibility", &Segment::wom_susceptibility, 0, 100,
            "multiplier of behavior.wom_rate for this segment"),
      field("review_propensity", &Segment::review_propensity, 0, 1,
            "base probability to post a review; 1.5-10% of buyers post (MODEL.md)"),
      field("need_interval_days", &Segment::need_interval_days, 0, 1e6,
            "mean days between category needs (0 = no spontaneous need)"),
      field("patience_days", &Segment::patience_days, 1, 1e6, "days an unmet need lasts"),
      field("prior_quality", &Segment::prior_quality, 0, 10,
            "believed quality of a product before any information (neutral = 5)"),
  };
  return f;
}

const std::vector<FieldDesc>& product_fields() {  // NOLINT(readability-function-size): a plain table
  static const std::vector<FieldDesc> f = {
      field("name", &Product::name, 0, 0, "product name (unique), used by --set product.NAME.key"),
      field("price", &Product::price, 0, 1e9, "price in currency units"),
      field("quality", &Product::quality, 0, 10, "mean true performance (0-10 scale)"),
      field("quality_sd", &Product::quality_sd, 0, 10, "sd of performance between episodes"),
      field("claim", &Product::claim, 0, 10,
            "quality the brand promises in ads and content; above quality = over-promising"),
      field("info_completeness", &Product::info_completeness, 0, 1,
            "probability a brand page has everything (photo, price, hours)"),
      field("visibility", &Product::visibility, 0, 1e6,
            "relative weight in online search results; content marketing raises it"),
      field("missing_accessory_prob", &Product::missing_accessory_prob, 0, 1,
            "probability that a needed accessory is missing (adapter sold separately)"),
      field("delivery_problem_prob", &Product::delivery_problem_prob, 0, 1,
            "probability of a late or damaged delivery"),
      field("defect_prob", &Product::defect_prob, 0, 1, "probability of a defect during use"),
      field("service_quality", &Product::service_quality, 0, 1,
            "probability that customer service resolves a reported incident"),
      field("refund_window_days", &Product::refund_window_days, 0, 3650,
            "days after delivery during which a disappointed buyer returns the product "
            "(0 = no refunds; 14 days from delivery is the EU legal minimum for online sales, "
            "Directive 2011/83/EU art. 9)"),
      field("response_rate", &Product::response_rate, 0, 1,
            "share of negative reviews the brand answers (community management)"),
      field("initial_awareness", &Product::initial_awareness, 0, 1, "share of consumers aware of the product on day 0"),
      field("delivery_days", &Product::delivery_days, 0, 365, "days from order to use"),
      field("initial_ratings", &Product::initial_ratings, 0, 1e9, "reviews shown on day 0, as counts of 1..5 stars"),
      field("follow_up_value", &Product::follow_up_value, -1, 10,
            "experienced value (0-10) of an after-sales follow-up that ends the experience (a "
            "call, a gift, a loan car returned): a milder ending the peak-end rule remembers "
            "(Kahneman et al. 1993); -1: no follow-up"),
      field("unit_cost", &Product::unit_cost, 0, 1e9,
            "cost of goods per unit sold before quality (currency per unit). A unit costs unit_cost + "
            "unit_cost_per_quality x quality + accessory_cost, booked on the purchase day and kept on a "
            "return (see return_salvage_value); 0: costs not modelled, profit = net revenue"),
      field("unit_cost_per_quality", &Product::unit_cost_per_quality, 0, 1e9,
            "extra cost of goods per unit and quality point (currency per unit per point of the 0-10 "
            "scale): a quality higher by 1 costs this much more on every unit"),
      field("accessory_cost", &Product::accessory_cost, 0, 1e9,
            "cost of an accessory included in the box (currency per unit sold), part of the cost of goods; "
            "a variant that puts the missing accessory in the box lowers missing_accessory_prob and sets this"),
      field("fixed_cost_per_day", &Product::fixed_cost_per_day, 0, 1e12,
            "fixed costs of the product (currency per day, every day of the run): a team, a tool, a "
            "community manager's salary"),
      field("content_cost_per_day", &Product::content_cost_per_day, 0, 1e12,
            "content marketing spend (currency per day, every day of the run): what pays for the product's "
            "visibility and info_completeness, the levers it buys; a variant raising them sets their cost here"),
      field("reship_cost", &Product::reship_cost, 0, 1e9,
            "cost of a delivery incident (currency per incident): a reshipment or a courier claim"),
      field("service_contact_cost", &Product::service_contact_cost, 0, 1e9,
            "cost of one customer-service contact (currency per incident reported, i.e. per complaint)"),
      field("recovery_cost", &Product::recovery_cost, 0, 1e9,
            "cost of resolving an incident (currency per recovery: a replacement, a repair), beyond the "
            "contact"),
      field("review_answer_cost", &Product::review_answer_cost, 0, 1e9,
            "cost of answering one negative review (currency per answered review): community management "
            "time"),
      field("return_handling_cost", &Product::return_handling_cost, 0, 1e9,
            "cost of taking back a returned unit (currency per return: return shipping, inspection), "
            "beyond the refund, which repays the price"),
      field("return_salvage_value", &Product::return_salvage_value, 0, 1e9,
            "what a returned unit is still worth (currency per return: resold refurbished), deducted "
            "from the refund cost"),
  };
  return f;
}

const std::vector<FieldDesc>& campaign_fields() {
  static const std::vector<FieldDesc> f = {
      field("product", &Campaign::product, 0, 0, "name of the advertised product"),
      choice("channel", &Campaign::channel, {"tv", "online", "social", "search", "print", "radio", "outdoor", "email"},
             "media channel (a label kept in the results)"),
      field("start_day", &Campaign::start_day, 0, 36500, "first day of the campaign"),
      field("end_day", &Campaign::end_day, 1, 36500, "day after the last day of the campaign"),
      field("daily_reach", &Campaign::daily_reach, 0, 1,
            "probability that a targeted consumer is exposed on a given day"),
      field("claim", &Campaign::claim, -1, 10, "quality the message promises (-1: the product's claim)"),
      field("trigger_prob", &Campaign::trigger_prob, 0, 1, "probability that an exposure triggers a category need"),
      field("segment", &Campaign::segment, 0, 0, "targeted segment name (empty: everyone)"),
      field("cost_per_exposure", &Campaign::cost_per_exposure, 0, 1e9,
            "price of one exposure (currency per exposure; a CPM of 5 is 0.005); without daily_budget the "
            "campaign spends cost_per_exposure x its exposures of the day"),
      field("daily_budget", &Campaign::daily_budget, 0, 1e12,
            "spend per active day (currency per day). With cost_per_exposure it sets the reach: daily_reach "
            "= daily_budget / cost_per_exposure / targeted consumers (agents x the segment's share), and a "
            "daily_reach given too must agree; alone it is a flat fee and daily_reach stays as given"),
  };
  return f;
}

const std::vector<FieldDesc>& behavior_fields() {  // NOLINT(readability-function-size): a plain table
  static const std::vector<FieldDesc> f = {
      field("ad_precision", &Beh::ad_precision, 0, 1e6,
            "precision of one ad exposure in the Gaussian belief update (ads are believed only "
            "so much)"),
      field("ad_salience", &Beh::ad_salience, 0, 1,
            "salience (0-1) gained per ad exposure, recommendation heard or complete brand page read, "
            "capped at 1; also the salience of a product known on day 0"),
      field("salience_decay", &Beh::salience_decay, 0, 1, "relative daily decay of salience (applied lazily)"),
      field("recall_threshold", &Beh::recall_threshold, 0, 1,
            "forgetting: a product learnt of during the run is forgotten when its salience, decaying by "
            "salience_decay, falls below a threshold drawn uniformly in (0, recall_threshold) at each "
            "contact (one contact: about 1/salience_decay days); 0: never. Initial awareness and a "
            "product bought are not forgotten. Advertising carryover: Leone 1995, Broadbent's adstock"),
      field("wom_rate", &Beh::wom_rate, 0, 1,
            "daily probability of hearing of a product when every neighbour (in the mean field: every "
            "other consumer) recommends it, times the segment's wom_susceptibility (Bass's q per day)"),
      field("wom_trigger", &Beh::wom_trigger, 0, 1, "probability that a recommendation triggers a category need"),
      field("wom_threshold", &Beh::wom_threshold, 0, 10,
            "remembered satisfaction at or above which an owner recommends"),
      field("wom_precision", &Beh::wom_precision, 0, 1e6, "belief precision of a recommendation"),
      field("share_reviews", &Beh::share_reviews, 0, 1, "share of sources that are review pages"),
      field("share_brand", &Beh::share_brand, 0, 1, "share of sources that are brand content"),
      field("share_neighbors", &Beh::share_neighbors, 0, 1, "share of sources that are a neighbour's experience"),
      field("review_precision", &Beh::review_precision, 0, 1e6,
            "belief precision of a review page with many reviews; calibrated with rating_weight "
            "to the rating elasticity of sales (You et al. 2015; docs/validation.md case 7)"),
      field("review_count_half", &Beh::review_count_half, 0, 1e6,
            "review count at which a review page carries half its precision"),
      field("answered_weight", &Beh::answered_weight, 0, 1,
            "weight of a negative review the brand answered, relative to 1"),
      field("content_precision", &Beh::content_precision, 0, 1e6, "belief precision of a complete brand page"),
      field("neighbor_precision", &Beh::neighbor_precision, 0, 1e6, "belief precision of a neighbour's experience"),
      field("incomplete_drop_prob", &Beh::incomplete_drop_prob, 0, 1,
            "probability that an incomplete brand page drops the product from consideration"),
      field("consideration_max", &Beh::consideration_max, 1, kMaxProducts,
            "most products in the consideration set; default from Hauser & Wernerfelt 1990 (2.7-3.3)"),
      field("salience_weight", &Beh::salience_weight, 0, 1e6,
            "weight of salience against believed quality when ranking the consideration set"),
      field("prior_precision", &Beh::prior_precision, 1e-6, 1e6, "precision of the initial quality belief"),
      field("outside_utility", &Beh::outside_utility, -1e6, 1e6,
            "u_0, utility of not buying now (calibrates purchase probability per decision)"),
      field("rating_count_weight_half", &Beh::rating_count_weight_half, 0, 1e6,
            "g(n) = n/(n+h): weight of the displayed rating with n reviews"),
      field("loyalty_weight", &Beh::loyalty_weight, 0, 1e6, "b_l, utility of the loyal brand"),
      field("info_weight", &Beh::info_weight, 0, 1e6,
            "b_i, utility lost per unit of missing information on the product page"),
      field("redecide_days", &Beh::redecide_days, 1, 1e6, "days between decisions while a need stays unmet"),
      field("loyal_skip_research", &Beh::loyal_skip_research, 0, 1,
            "probability that a loyal customer rebuys without researching"),
      field("repeat_purchase", &Beh::repeat_purchase, 0, 0,
            "false: an agent buys at most once, and a refund ends its journey too (Bass limit)"),
      field("experience", &Beh::experience, 0, 0,
            "false: every purchase satisfies and no experience is simulated (Bass limit)"),
      field("experience_episodes", &Beh::experience_episodes, 1, 1000, "usage episodes forming the experience"),
      field("experience_days", &Beh::experience_days, 0, 3650, "days from delivery to the remembered judgement"),
      field("disconfirmation", &Beh::disconfirmation, 0, 10, "c in x = perf + c (perf - expectation) (Oliver 1980)"),
      field("taste_share", &Beh::taste_share, 0, 1,
            "share of a product's performance variance quality_sd^2 that is a lasting fit between "
            "consumer and product (taste), the rest varying between episodes (Kwark, Chen & "
            "Raghunathan 2014; Sun 2012)"),
      field("incident_weight", &Beh::incident_weight, 0, 100,
            "weight of an incident's intensity |x - neutral| when the peak of the experience is chosen: "
            "a breakdown or a service call stands out (Baumeister et al. 2001, bad is stronger than good)"),
      field("own_experience_precision", &Beh::own_experience_precision, 0, 1e6,
            "belief precision of one's own remembered experience"),
      field("incident_value", &Beh::incident_value, 0, 10,
            "mean experienced value of an unresolved incident (0-10); at most neutral"),
      field("incident_sd", &Beh::incident_sd, 0, 10,
            "sd of an incident's experienced value, resolved or not: incidents vary in severity"),
      field("service_contact_prob", &Beh::service_contact_prob, 0, 1,
            "probability that a customer with an incident contacts customer service"),
      field("recovery_bonus", &Beh::recovery_bonus, -10, 10,
            "a resolved incident is worth what a use of the product is worth to the customer plus "
            "this (and incident_sd noise): good service pleases, so a recovery can satisfy more than "
            "a flawless experience (the recovery paradox on satisfaction, de Matos et al. 2007)"),
      field("trust_loss", &Beh::trust_loss, 0, 10,
            "points an incident takes off what behaviour keeps of an experience (belief, loyalty, "
            "brand lost, word of mouth), resolved or not: reliability is not restored by a recovery, "
            "so repurchase and word of mouth stay at or below the no-failure level (de Matos et al. "
            "2007; Maxham & Netemeyer 2002)"),
      field("refund_threshold", &Beh::refund_threshold, 0, 10,
            "remembered satisfaction below which the product is returned within the window"),
      field("churn_threshold", &Beh::churn_threshold, 0, 10,
            "remembered satisfaction below which the brand is lost forever"),
      field("loyalty_threshold", &Beh::loyalty_threshold, 0, 10,
            "remembered satisfaction at or above which the customer becomes loyal"),
      field("satisfied_threshold", &Beh::satisfied_threshold, 0, 10, "remembered satisfaction counted as satisfied"),
      field("dissatisfied_threshold", &Beh::dissatisfied_threshold, 0, 10,
            "remembered satisfaction below which a customer counts as dissatisfied"),
      field("promoter_threshold", &Beh::promoter_threshold, 0, 10,
            "remembered satisfaction at or above which a customer is an NPS promoter "
            "(Reichheld 2003: 9-10 on the 0-10 scale)"),
      field("detractor_threshold", &Beh::detractor_threshold, 0, 10,
            "remembered satisfaction below which a customer is an NPS detractor "
            "(Reichheld 2003: 0-6)"),
      field("neutral", &Beh::neutral, 0, 10, "neutral point of the 0-10 satisfaction scale"),
      field("review_extremity", &Beh::review_extremity, 0, 1e6,
            "a above review_reference r (brag): a buyer posts with p = min(1, review_propensity (1 + a "
            "d^gamma)), times the herding factor, d = (R - r)/(10 - r) the distance of the remembered "
            "experience R above r as a share of the room above it (Hu, Pavlou & Zhang 2009)"),
      field("review_gamma", &Beh::review_gamma, 0, 100, "gamma, curvature of self-selection"),
      field("review_extremity_negative", &Beh::review_extremity_negative, 0, 1e6,
            "a below review_reference r (moan): as review_extremity, with d = (r - R)/r the distance "
            "below r as a share of the room below it; how much more a bad experience is posted "
            "(dissatisfied customers spread more word of mouth, Anderson 1998)"),
      field("review_reference", &Beh::review_reference, 0.01, 9.99,
            "remembered satisfaction least often posted: posting grows with the distance d from it, as a "
            "share of the room on its side ((R - r)/(10 - r) above, (r - R)/r below)"),
      field("star_cuts", &Beh::star_cuts, 0, 10,
            "four increasing cut points of remembered satisfaction between 1|2|3|4|5 stars"),
      field("herding_positive", &Beh::herding_positive, 0, 10,
            "herding as turnout: under a displayed mean m >= 3 a buyer who would give 4-5 stars posts "
            "1 + herding_positive (m - 3)/2 times as often; 0.32: a positive prior made the first "
            "viewer 32% more likely to rate positively, with no effect on negative ratings (Muchnik, "
            "Aral & Taylor 2013)"),
      field("herding_negative", &Beh::herding_negative, 0, 10,
            "under a displayed mean m < 3 every buyer posts 1 + herding_negative (3 - m)/2 times as "
            "often: more turnout, no net effect on the posted shares (negative herding corrected, "
            "Muchnik et al. 2013)"),
  };
  return f;
}

const std::vector<FieldDesc>& economics_fields() {
  static const std::vector<FieldDesc> f = {
      field("discount_rate", &Eco::discount_rate, 0, 10,
            "annual discount rate: profit_pv and lost_customer_value weigh day d by (1 + rate)^(-d / 365); "
            "0: money keeps its value"),
      field("customer_lifetime_days", &Eco::customer_lifetime_days, 0, 36500,
            "horizon (days) of the purchases a customer who lost the brand would have made: "
            "lost_customer_value counts their margin over it"),
  };
  return f;
}

const std::vector<SectionDesc>& sections() {
  static const std::vector<SectionDesc> s = {
      {"simulation", false, &simulation_fields()}, {"network", false, &network_fields()},
      {"segment", true, &segment_fields()},        {"product", true, &product_fields()},
      {"campaign", true, &campaign_fields()},      {"behavior", false, &behavior_fields()},
      {"economics", false, &economics_fields()},
  };
  return s;
}

namespace {
std::string range_text(const FieldDesc& d) {
  if (!d.choices.empty()) {
    std::string s;
    for (auto& c : d.choices) s += (s.empty() ? "" : ", ") + c;
    return "one of: " + s;
  }
  if (d.kind == FieldKind::Bool || d.kind == FieldKind::Str) return "";
  std::ostringstream o;
  o << '[' << d.min << ", " << d.max << ']';
  return o.str();
}
}  // namespace

std::string parameters_markdown() {
  std::ostringstream o;
  o << "\n## Top-level keys\n\n"
    << "| key | default | allowed | meaning |\n|---|---|---|---|\n"
    << "| `extends` | | a path | the parent scenario, relative to this file: its keys apply unless this file sets "
       "them; [[product]] and [[segment]] entries are merged by name, [[campaign]] entries appended |\n"
    << "| `replace_campaigns` | `false` | true or false | true: this file's [[campaign]] entries replace the "
       "parent's instead of being appended |\n"
    << "| `title` | `\"\"` | text, at most 2000 bytes, no control characters but newline and tab | what the "
       "scenario is; kept in the results (run files: the root attribute `title`; compare files: "
       "`/scenarios/title`), no effect on the run; a variant without its own has its parent's |\n"
    << "| `question` | `\"\"` | as `title` | the question the scenario asks; kept and inherited as `title` |\n";
  for (const auto& s : sections()) {
    o << "\n## " << (s.is_array ? "[[" + s.name + "]]" : "[" + s.name + "]") << "\n\n";
    o << "| key | default | allowed | meaning and source |\n|---|---|---|---|\n";
    for (const auto& f : *s.fields)
      o << "| `" << f.key << "` | `" << f.default_text << "` | " << range_text(f) << " | " << f.doc << " |\n";
  }
  return o.str();
}

bool is_integer_key(const std::string& key) {
  const auto dot = key.find('.'), last = key.rfind('.');
  if (dot == std::string::npos) return false;
  const std::string section = key.substr(0, dot), field = key.substr(last + 1);
  for (const auto& s : sections())
    if (s.name == section)
      for (const auto& f : *s.fields)
        if (f.key == field) return f.kind == FieldKind::Int;
  return false;
}

std::string set_literal(const std::string& key, double x) {
  char b[64];
  std::snprintf(b, sizeof b, is_integer_key(key) ? "%.0f" : "%.17g", x);
  return b;
}

}  // namespace motsim
