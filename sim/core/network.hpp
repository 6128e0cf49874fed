#pragma once
// Social networks stored as CSR (compressed sparse rows), undirected, without self-loops
// or duplicate edges. "complete" is not materialised: it means mean-field interaction.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace motsim {

// The kinds of social network a scenario can ask for, and their names in [network] type (in
// enum order: the one place they are spelt).
enum class NetworkType { None, Complete, WattsStrogatz, BarabasiAlbert, ErdosRenyi, Ring, File };
inline constexpr std::array<const char*, 7> kNetworkTypeNames = {
    "none", "complete", "watts_strogatz", "barabasi_albert", "erdos_renyi", "ring", "file"};
// The type a name stands for; throws InputError for any other name.
NetworkType network_type(const std::string& name);

// How the social network is made (the scenario's [network] table; defaults here, meanings in
// the parameter table, sim/input/param_table.cpp).
struct NetworkParams {
  std::string type = "complete";  // one of kNetworkTypeNames
  std::int64_t degree = 10;
  double rewire = 0.1;
  std::int64_t attach = 5;
  std::string file;
};

struct Network {
  enum class Kind { None, Complete, Graph };
  Kind kind = Kind::None;
  std::uint32_t nodes = 0;
  std::vector<std::uint64_t> offsets;    // nodes + 1
  std::vector<std::uint32_t> neighbors;  // offsets[i] .. offsets[i+1]
  // An edge-list file's lines that add no edge: self-loops (dropped) and repeated edges (merged).
  std::uint64_t self_loops = 0, duplicate_edges = 0;
  std::uint64_t degree(std::uint32_t i) const { return offsets[i + 1] - offsets[i]; }
  std::uint64_t edges() const { return neighbors.size() / 2; }
};

// Builds the network deterministically from (seed, replicate). Throws InputError on a bad
// edge-list file.
Network build_network(const NetworkParams& p, std::uint32_t n, std::uint64_t seed, std::uint64_t rep);

// Undirected edge list -> CSR (sorted, deduplicated, self-loops dropped).
Network csr_from_edges(std::uint32_t nodes, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& edges);

// Expected directed adjacency entries, for memory estimates before building.
std::uint64_t expected_adjacency(const NetworkParams& p, std::uint64_t agents);

}  // namespace motsim
