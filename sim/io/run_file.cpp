#include "sim/io/run_file.hpp"

#include <cmath>
#include <sstream>
#include <type_traits>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/engine/kpis.hpp"
#include "sim/io/h5util.hpp"

namespace motsim {
using namespace h5;
namespace {
using H5Error = h5::Error;

// The money per product and day (sim/engine/economics.cpp), [D, K] each.
void write_economic_series(hid_t ts, const Results& r) {
  const hsize_t D = static_cast<hsize_t>(r.days_done), K = static_cast<hsize_t>(r.K);
  const EconomicSeries e = economic_series(r);
  const char* docs[] = {
      "units sold x unit cost of goods (unit_cost + unit_cost_per_quality x quality + accessory_cost)",
      "campaign spend (daily budget, or cost per exposure x exposures) + content_cost_per_day",
      "delivery incidents x reship_cost + service contacts x service_contact_cost + recoveries x recovery_cost",
      "answered reviews x review_answer_cost",
      "refunds x (price + return_handling_cost - return_salvage_value)",
      "fixed_cost_per_day",
      "revenue - refund_cost - cost_of_goods - service_cost - community_cost",
      "contribution_margin - marketing_spend - fixed_cost",
      "profit x (1 + economics.discount_rate)^(-day / 365)"};
  const auto& names = economic_series_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    dataset(ts, names[i].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, e.named(names[i])->data(), docs[i]);
}

void write_timeseries(hid_t file, const Results& r) {
  Handle ts = group(file, "timeseries");
  const hsize_t D = static_cast<hsize_t>(r.days_done), K = static_cast<hsize_t>(r.K);
  std::vector<std::int32_t> day(D);
  for (hsize_t d = 0; d < D; ++d) day[d] = static_cast<std::int32_t>(d);
  dataset(ts, "day", H5T_STD_I32LE, H5T_NATIVE_INT32, {D}, day.data(), "day index (0 = first simulated day)");
  const std::size_t stride = static_cast<std::size_t>(r.days) * r.K;  // a metric's block in counts
  for (int c = 0; c < kNumCounts; ++c)
    dataset(ts, kCountNames[c], H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.counts.data() + c * stride);
  std::vector<double> revenue(D * K), refunded(D * K), rem(D * K), expd(D * K), nps(D * K);
  for (hsize_t d = 0; d < D; ++d)
    for (hsize_t k = 0; k < K; ++k) {
      const std::size_t i = d * K + k;
      const int dd = static_cast<int>(d), kk = static_cast<int>(k);
      revenue[i] = static_cast<double>(r.count(kPurchases, dd, kk)) * r.prices[k];
      refunded[i] = static_cast<double>(r.count(kRefunds, dd, kk)) * r.prices[k];
      const double ex = static_cast<double>(r.count(kExperiences, dd, kk));
      rem[i] = ex > 0 ? r.sum(kRememberedSum, dd, kk) / ex : NAN;
      expd[i] = ex > 0 ? r.sum(kExperiencedSum, dd, kk) / ex : NAN;
      nps[i] =
          ex > 0 ? 100.0 * static_cast<double>(r.count(kPromoters, dd, kk) - r.count(kDetractors, dd, kk)) / ex : NAN;
    }
  dataset(ts, "revenue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, revenue.data(), "purchases x price");
  dataset(ts, "refunded_amount", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, refunded.data(), "refunds x price");
  dataset(ts, "remembered_satisfaction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, rem.data(),
          "mean peak-end remembered satisfaction of experiences completed that day (NaN: none)");
  dataset(ts, "experienced_satisfaction", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, expd.data(),
          "mean of the experiencing self (episode mean) (NaN: none)");
  dataset(ts, "nps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, nps.data(),
          "net promoter score of experiences completed that day (NaN: none)");
  dataset(ts, "aware", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.aware.data(), "agents aware at the end of the day");
  dataset(ts, "adopters", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.adopters.data(), "distinct buyers so far");
  dataset(ts, "rating_mean", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, K}, r.rating_mean.data(),
          "displayed mean rating at the end of the day (0: no review yet)");
  dataset(ts, "rating_count", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K}, r.rating_count.data(), "reviews displayed");
  dataset(ts, "rating_histogram", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K, 5}, r.rating_hist.data(),
          "displayed reviews by stars (1..5) at the end of the day");
  dataset(ts, "experience_stars", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, K, 5}, r.experience_stars.data(),
          "experiences completed that day by the stars their remembered satisfaction maps to (1..5), "
          "before self-selection and herding: the ratings every buyer would give");
  write_economic_series(ts, r);
}

// /campaigns: what each campaign did and cost per day, [D, C] (only when there are campaigns).
void write_campaigns(hid_t file, const Results& r) {
  const std::size_t C = r.costs.campaigns.size();
  const hsize_t D = static_cast<hsize_t>(r.days_done);
  if (C == 0 || r.campaign_exposures.size() < D * C) return;
  Handle g = group(file, "campaigns");
  std::vector<std::int32_t> product(C);
  std::vector<std::string> channel(C);
  std::vector<double> spend(D * C);
  for (std::size_t c = 0; c < C; ++c) {
    product[c] = r.costs.campaigns[c].product;
    channel[c] = r.costs.campaigns[c].channel;
    for (hsize_t d = 0; d < D; ++d)
      spend[d * C + c] =
          campaign_spend(r.costs.campaigns[c], static_cast<std::int64_t>(d), r.campaign_exposures[d * C + c]);
  }
  dataset(g, "product", H5T_STD_I32LE, H5T_NATIVE_INT32, {C}, product.data(), "product index of each campaign");
  strings(g, "channel", channel);
  dataset(g, "exposures", H5T_STD_I64LE, H5T_NATIVE_INT64, {D, C}, r.campaign_exposures.data(),
          "exposures per day and campaign (scenario order)");
  dataset(g, "spend", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {D, C}, spend.data(),
          "spend per day and campaign: daily_budget when set, else cost_per_exposure x exposures (currency)");
}

void write_reviews(hid_t file, const Results& r) {
  Handle mem(H5Tcreate(H5T_COMPOUND, sizeof(ReviewRecord)), H5Tclose);
  H5Tinsert(mem, "day", HOFFSET(ReviewRecord, day), H5T_NATIVE_INT32);
  H5Tinsert(mem, "agent", HOFFSET(ReviewRecord, agent), H5T_NATIVE_UINT32);
  H5Tinsert(mem, "product", HOFFSET(ReviewRecord, product), H5T_NATIVE_INT16);
  H5Tinsert(mem, "stars", HOFFSET(ReviewRecord, stars), H5T_NATIVE_INT8);
  H5Tinsert(mem, "answered", HOFFSET(ReviewRecord, answered), H5T_NATIVE_INT8);
  Handle disk(H5Tcreate(H5T_COMPOUND, 12), H5Tclose);
  H5Tinsert(disk, "day", 0, H5T_STD_I32LE);
  H5Tinsert(disk, "agent", 4, H5T_STD_U32LE);
  H5Tinsert(disk, "product", 8, H5T_STD_I16LE);
  H5Tinsert(disk, "stars", 10, H5T_STD_I8LE);
  H5Tinsert(disk, "answered", 11, H5T_STD_I8LE);
  dataset(file, "reviews", disk, mem, {static_cast<hsize_t>(r.reviews.size())}, r.reviews.data(),
          "every review posted: day, agent, product index, stars 1-5, answered by the brand (0/1)");
}

// The HDF5 types of a column's elements.
template <class T>
std::pair<hid_t, hid_t> column_types() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return {H5T_STD_U8LE, H5T_NATIVE_UINT8};
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return {H5T_STD_I8LE, H5T_NATIVE_INT8};
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return {H5T_STD_I32LE, H5T_NATIVE_INT32};
  else if constexpr (std::is_same_v<T, float>)
    return {H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
  else
    static_assert(sizeof(T) == 0, "a saved column's type needs its HDF5 types here");
}

// The final state of every agent: the columns marked saved, as they are (models/population.hpp),
// then the derived views of the last experience and of the per-product flags.
void write_agents(hid_t file, const World& w) {
  Handle g = group(file, "agents");
  const auto& p = w.pop;
  const hsize_t N = p.n, K = static_cast<hsize_t>(w.K);
  for_each_column(p, [&](const Column& c, const auto& v, const auto&) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if constexpr (std::is_arithmetic_v<T>) {
      if (!c.saved) return;
      const auto [disk, mem] = column_types<T>();
      dataset(g, c.name, disk, mem, c.per_product ? std::vector<hsize_t>{N, K} : std::vector<hsize_t>{N}, v.data(),
              c.doc);
    }
  });
  std::vector<float> score(N);
  std::vector<std::int8_t> experienced(N);
  for (hsize_t i = 0; i < N; ++i) {
    const auto& e = p.shared[i];
    score[i] = e.product >= 0 ? e.score / 10.0f : NAN;
    experienced[i] = e.product;
  }
  dataset(g, "remembered_satisfaction", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {N}, score.data(),
          "of the last experience (NaN none)");
  dataset(g, "experienced_product", H5T_STD_I8LE, H5T_NATIVE_INT8, {N}, experienced.data(),
          "product of the last experience");
  std::vector<std::uint8_t> aware(N * K), lost(N * K), bought(N * K);
  for (hsize_t i = 0; i < N * K; ++i) {
    aware[i] = (p.pflags[i] & kAware) != 0;
    lost[i] = (p.pflags[i] & kLost) != 0;
    bought[i] = (p.pflags[i] & kBought) != 0;
  }
  dataset(g, "aware", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, aware.data(), "aware of the product");
  dataset(g, "lost", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, lost.data(), "brand lost forever");
  dataset(g, "bought", H5T_STD_U8LE, H5T_NATIVE_UINT8, {N, K}, bought.data(), "ever bought the product");
}

void write_run(hid_t file, const Results& r, const Kpis& k, const RunInfo& info, const World* agents,
               bool save_agents) {
  attr_string(file, "scenario", info.scenario_toml);
  attr_string(file, "scenario_path", info.scenario_path);
  attr_string(file, "title", info.title);
  attr_string(file, "question", info.question);
  attr_int(file, "seed", agents ? static_cast<long long>(agents->seed) : 0);
  attr_int(file, "replicate", agents ? static_cast<long long>(agents->replicate) : 0);
  attr_int(file, "rng_streams", agents ? agents->streams : kRngStreamsLatest);
  attr_int(file, "agents", r.agents);
  attr_int(file, "days", r.days_done);
  {
    Handle g = group(file, "products");
    strings(g, "name", r.products);
    const hsize_t K = static_cast<hsize_t>(r.K);
    dataset(g, "price", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {K}, r.prices.data());
  }
  write_timeseries(file, r);
  {
    Handle g = group(file, "kpis");
    const hsize_t K = static_cast<hsize_t>(r.K);
    for (std::size_t i = 0; i < k.names.size(); ++i)
      dataset(g, k.names[i].c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {K}, k.values[i].data(),
              k.descriptions[i].c_str());
  }
  write_reviews(file, r);
  write_campaigns(file, r);
  if (save_agents && agents && !agents->pop.segment.empty()) write_agents(file, *agents);
}

}  // namespace

void write_run_file(const std::string& path, bool force, const Results& r, const Kpis& k, const RunInfo& info,
                    const World* world, bool save_agents) {
  h5::write_atomically(path, force, "motsim-run-1", info.command_line,
                       [&](hid_t file) { write_run(file, r, k, info, world, save_agents); });
}

namespace {

// /timeseries: the day axis, then every other dataset by name, [D, K] or [D, K, 5].
void read_timeseries(hid_t f, RunFile& out) {
  const std::size_t K = out.products.size();
  std::vector<hsize_t> dims;
  out.day = read_doubles(f, "/timeseries/day", dims);
  const std::size_t D = out.day.size();
  for (const auto& m : members(f, "/timeseries")) {
    if (m == "day") continue;
    RunSeries s{m, 0, read_doubles(f, "/timeseries/" + m, dims)};
    if (dims.size() == 3 && dims[0] == D && dims[1] == K && dims[2] == 5)
      s.bins = 5;
    else if (!(dims.size() == 2 && dims[0] == D && dims[1] == K))
      throw H5Error("/timeseries/" + m + " has an unexpected shape");
    out.timeseries.push_back(std::move(s));
  }
}

// /kpis: every dataset, one value per product.
void read_all_kpis(hid_t f, RunFile& out) {
  std::vector<hsize_t> dims;
  for (const auto& n : members(f, "/kpis")) {
    out.kpi_names.push_back(n);
    out.kpi_values.push_back(read_doubles(f, "/kpis/" + n, dims));
    if (out.kpi_values.back().size() != out.products.size())
      throw H5Error("/kpis/" + n + " does not match the products");
  }
}

// /reviews, read column by column from the compound table.
void read_reviews(hid_t f, ReviewColumns& out) {
  if (!h5::exists(f, "/reviews")) throw H5Error("no dataset /reviews");
  Handle ds(H5Dopen2(f, "/reviews", H5P_DEFAULT), H5Dclose);
  Handle sp(H5Dget_space(ds), H5Sclose);
  hsize_t n = 0;
  if (H5Sget_simple_extent_ndims(sp) != 1) throw H5Error("/reviews is not a table");
  H5Sget_simple_extent_dims(sp, &n, nullptr);
  const std::pair<const char*, std::vector<double>*> fields[] = {{"day", &out.day},
                                                                 {"agent", &out.agent},
                                                                 {"product", &out.product},
                                                                 {"stars", &out.stars},
                                                                 {"answered", &out.answered}};
  for (const auto& [field, column] : fields) {
    Handle mt(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose);
    H5Tinsert(mt, field, 0, H5T_NATIVE_DOUBLE);
    std::vector<double> c(n);
    if (n && H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data()) < 0)
      throw H5Error(std::string("cannot read /reviews field ") + field);
    *column = std::move(c);
  }
}

void read_campaigns(hid_t f, std::size_t days, CampaignColumns& out) {
  if (!h5::exists(f, "/campaigns")) return;
  std::vector<hsize_t> dims;
  out.product = read_doubles(f, "/campaigns/product", dims);
  const std::size_t C = out.product.size();
  if (h5::exists(f, "/campaigns/channel")) out.channel = read_strings(f, "/campaigns/channel");
  if (!out.channel.empty() && out.channel.size() != C)
    throw H5Error("/campaigns/channel does not match /campaigns/product");
  for (auto [name, column] : {std::pair{"/campaigns/exposures", &out.exposures}, {"/campaigns/spend", &out.spend}}) {
    *column = read_doubles(f, name, dims);
    if (dims.size() != 2 || dims[0] != days || dims[1] != C)
      throw H5Error(std::string(name) + " is not [days, campaigns]");
  }
}

}  // namespace

RunFile read_run_file(const std::string& path) {
  Handle f = h5::open_for_reading(path);
  RunFile out;
  out.products = read_strings(f, "/products/name");
  read_timeseries(f, out);
  read_all_kpis(f, out);
  read_reviews(f, out.reviews);
  read_campaigns(f, out.day.size(), out.campaigns);
  return out;
}

RunFile read_run_summary(const std::string& path) {
  Handle f = h5::open_for_reading(path);
  RunFile out;
  out.format = read_attr_string(f, "format");
  out.motsim_version = read_attr_string(f, "motsim_version");
  out.created = read_attr_string(f, "created");
  out.scenario_path = read_attr_string(f, "scenario_path");
  out.title = read_attr_string(f, "title");
  out.question = read_attr_string(f, "question");
  out.seed = read_attr_int(f, "seed");
  out.replicate = read_attr_int(f, "replicate");
  out.agents = read_attr_int(f, "agents");
  out.days = read_attr_int(f, "days");
  out.products = read_strings(f, "/products/name");
  std::vector<hsize_t> dims;
  for (const auto& ck : compare_kpis()) {                           // the KPIs a strategist compares
    if (!h5::exists(f, std::string("/kpis/") + ck.name)) continue;  // a file older than the KPI
    auto v = read_doubles(f, std::string("/kpis/") + ck.name, dims);
    if (v.size() != out.products.size())
      throw H5Error(std::string("/kpis/") + ck.name + " does not match the product count");
    out.kpi_names.push_back(ck.name);
    out.kpi_values.push_back(std::move(v));
  }
  return out;
}

std::string describe_run_file(const std::string& path) {
  RunFile f;
  try {
    f = read_run_summary(path);
  } catch (const H5Error& e) {
    throw InputError(path + ": error: " + e.what() + " (truncated or corrupt results file?)");
  }
  std::ostringstream o;
  o << describe_head(path, f.format, f.motsim_version, f.created) << "  scenario " << f.scenario_path << ", seed "
    << f.seed << ", replicate " << f.replicate << ", " << f.agents << " agents, " << f.days << " days\n";
  if (!f.title.empty()) o << "  title: " << f.title << '\n';
  if (!f.question.empty()) o << "  question: " << f.question << '\n';
  Results r;
  r.products = f.products;
  r.K = static_cast<int>(r.products.size());
  Kpis k;
  k.names = f.kpi_names;
  k.values = f.kpi_values;
  o << '\n' << format_kpi_table(r, k);
  return o.str();
}

}  // namespace motsim
