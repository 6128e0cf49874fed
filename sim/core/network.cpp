#include "sim/core/network.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "sim/core/errors.hpp"
#include "sim/core/input_file.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/rng.hpp"

namespace motsim {
namespace {
constexpr std::uint64_t kNetworkDay = 0xFFFFFFFFull;
using Edges = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

Edges ring_edges(std::uint32_t n, std::int64_t degree, double rewire, std::uint64_t seed, std::uint64_t rep) {
  const std::uint32_t half = static_cast<std::uint32_t>(degree / 2);
  Edges e(static_cast<std::size_t>(n) * half);
  par::for_range<std::uint32_t>(0, n, 4096, [&](std::uint32_t lo, std::uint32_t hi) {
    for (std::uint32_t i = lo; i != hi; ++i) {
      Rng rng(seed, rep, i, kNetworkDay, static_cast<std::uint64_t>(Stream::Network));
      for (std::uint32_t j = 1; j <= half; ++j) {
        std::uint32_t t = static_cast<std::uint32_t>((static_cast<std::uint64_t>(i) + j) % n);
        if (rewire > 0 && rng.bernoulli(rewire)) {
          std::uint32_t u;
          do {
            u = static_cast<std::uint32_t>(rng.below(n));
          } while (u == i);
          t = u;
        }
        e[static_cast<std::size_t>(i) * half + (j - 1)] = {i, t};
      }
    }
  });
  return e;
}

Edges erdos_renyi_edges(std::uint32_t n, std::int64_t degree, std::uint64_t seed, std::uint64_t rep) {
  // G(n, p): for each i, the partners j > i are found by geometric skips.
  const double p = static_cast<double>(degree) / (n - 1.0);
  Edges e;
  e.reserve(static_cast<std::size_t>(n * (degree / 2.0) * 1.1));
  for (std::uint32_t i = 0; i + 1 < n; ++i) {
    Rng rng(seed, rep, i, kNetworkDay, static_cast<std::uint64_t>(Stream::Network));
    std::uint64_t j = static_cast<std::uint64_t>(i) + 1 + rng.geometric(p);
    while (j < n) {
      e.push_back({i, static_cast<std::uint32_t>(j)});
      const std::uint64_t g = rng.geometric(p);
      if (g >= n) break;
      j += 1 + g;
    }
  }
  return e;
}

Edges barabasi_albert_edges(std::uint32_t n, std::int64_t m64, std::uint64_t seed, std::uint64_t rep) {
  // Preferential attachment (Barabasi & Albert 1999): start from a clique of m + 1 nodes;
  // each new node links to m distinct nodes drawn in proportion to their degree.
  const std::uint32_t m = static_cast<std::uint32_t>(m64);
  Edges e;
  std::vector<std::uint32_t> ends;  // every edge end: drawing from it is degree-proportional
  e.reserve(static_cast<std::size_t>(n) * m);
  ends.reserve(static_cast<std::size_t>(n) * m * 2);
  for (std::uint32_t i = 0; i <= m && i < n; ++i)
    for (std::uint32_t j = 0; j < i; ++j) {
      e.push_back({j, i});
      ends.push_back(i);
      ends.push_back(j);
    }
  std::vector<std::uint32_t> chosen;
  for (std::uint32_t i = m + 1; i < n; ++i) {
    Rng rng(seed, rep, i, kNetworkDay, static_cast<std::uint64_t>(Stream::Network));
    chosen.clear();
    while (chosen.size() < m) {
      const std::uint32_t t = ends[rng.below(ends.size())];
      if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    }
    for (auto t : chosen) {
      e.push_back({t, i});
      ends.push_back(t);
      ends.push_back(i);
    }
  }
  return e;
}

// A line of an edge list for messages: at most 60 characters, control characters as '?'.
std::string shown(const std::string& line) {
  std::string out;
  for (char c : line.substr(0, 60)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  return line.size() > 60 ? out + "..." : out;
}

// A non-negative decimal integer filling the whole token, or -1.
long long parse_id(std::string_view tok) {
  unsigned long long v = 0;
  const auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
  if (ec != std::errc() || end != tok.data() + tok.size() || v > static_cast<unsigned long long>(INT64_MAX)) return -1;
  return static_cast<long long>(v);
}

// The whitespace-separated tokens of a line (space, tab, carriage return).
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> t;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    const std::size_t j = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') ++i;
    if (i > j) t.push_back(s.substr(j, i - j));
  }
  return t;
}

// One line of an edge list: "A B" (agent ids), blank, or a comment after '#'. Anything else
// is an error naming the file, the line, what it holds and what is allowed.
bool parse_edge_line(const std::string& path, std::size_t lineno, const std::string& line, std::uint32_t n,
                     std::pair<std::uint32_t, std::uint32_t>& edge) {
  const std::string_view body = std::string_view(line).substr(0, line.find('#'));
  const auto t = tokens(body);
  if (t.empty()) return false;
  const std::string at = path + ":" + std::to_string(lineno) + ": error: ";
  const long long a = t.size() == 2 ? parse_id(t[0]) : -1, b = t.size() == 2 ? parse_id(t[1]) : -1;
  if (a < 0 || b < 0)
    throw InputError(at + "expected two agent ids (integers from 0 to " + std::to_string(n - 1) +
                     ") separated by spaces, got '" + shown(line) + "'");
  if (a >= n || b >= n)
    throw InputError(at + "agent id out of range in '" + shown(line) + "'; ids must be in [0, " +
                     std::to_string(n - 1) + "] for " + std::to_string(n) + " agents");
  edge = {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)};
  return true;
}

Edges file_edges(const std::string& path, std::uint32_t n) {
  require_regular_file(path, "network.file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": error: cannot read the network edge list");
  Edges e;
  std::string line;
  std::size_t lineno = 0;
  std::pair<std::uint32_t, std::uint32_t> edge;
  while (std::getline(in, line)) {
    ++lineno;
    if (parse_edge_line(path, lineno, line, n, edge)) e.push_back(edge);
  }
  if (in.bad()) throw InputError(path + ":" + std::to_string(lineno) + ": error: read error in the network edge list");
  return e;
}
}  // namespace

Network csr_from_edges(std::uint32_t nodes, const Edges& edges) {
  Network net;
  net.kind = Network::Kind::Graph;
  net.nodes = nodes;
  // Degrees and row fill in parallel with atomic counters: the order inside a row depends on
  // scheduling, but every row is sorted below, so the result does not.
  std::vector<std::uint64_t> count(static_cast<std::size_t>(nodes) + 1, 0);
  par::for_range<std::size_t>(0, edges.size(), 1 << 16, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t e = lo; e != hi; ++e) {
      const auto [a, b] = edges[e];
      if (a == b) continue;
      std::atomic_ref<std::uint64_t>(count[a + 1]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref<std::uint64_t>(count[b + 1]).fetch_add(1, std::memory_order_relaxed);
    }
  });
  for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
  std::vector<std::uint32_t> adj(count.back());
  std::vector<std::uint64_t> fill(count.begin(), count.end() - 1);
  par::for_range<std::size_t>(0, edges.size(), 1 << 16, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t e = lo; e != hi; ++e) {
      const auto [a, b] = edges[e];
      if (a == b) continue;
      adj[std::atomic_ref<std::uint64_t>(fill[a]).fetch_add(1, std::memory_order_relaxed)] = b;
      adj[std::atomic_ref<std::uint64_t>(fill[b]).fetch_add(1, std::memory_order_relaxed)] = a;
    }
  });
  // Sort and deduplicate each row in parallel, then compact.
  std::vector<std::uint64_t> unique_len(nodes);
  par::for_range<std::uint32_t>(0, nodes, 4096, [&](std::uint32_t lo, std::uint32_t hi) {
    for (std::uint32_t i = lo; i != hi; ++i) {
      auto b = adj.begin() + static_cast<std::ptrdiff_t>(count[i]);
      auto e = adj.begin() + static_cast<std::ptrdiff_t>(count[i + 1]);
      std::sort(b, e);
      unique_len[i] = static_cast<std::uint64_t>(std::unique(b, e) - b);
    }
  });
  net.offsets.assign(static_cast<std::size_t>(nodes) + 1, 0);
  for (std::uint32_t i = 0; i < nodes; ++i) net.offsets[i + 1] = net.offsets[i] + unique_len[i];
  net.neighbors.resize(net.offsets.back());
  par::for_range<std::uint32_t>(0, nodes, 4096, [&](std::uint32_t lo, std::uint32_t hi) {
    for (std::uint32_t i = lo; i != hi; ++i)
      std::copy_n(adj.begin() + static_cast<std::ptrdiff_t>(count[i]), unique_len[i],
                  net.neighbors.begin() + static_cast<std::ptrdiff_t>(net.offsets[i]));
  });
  return net;
}

NetworkType network_type(const std::string& name) {
  for (std::size_t t = 0; t < kNetworkTypeNames.size(); ++t)
    if (name == kNetworkTypeNames[t]) return static_cast<NetworkType>(t);
  throw InputError("network.type: error: unknown network type '" + name + "'");
}

Network build_network(const NetworkParams& p, std::uint32_t n, std::uint64_t seed, std::uint64_t rep) {
  const NetworkType type = network_type(p.type);
  Edges e;
  switch (type) {
    case NetworkType::None:
    case NetworkType::Complete: {  // not materialised
      Network net;
      net.kind = type == NetworkType::None ? Network::Kind::None : Network::Kind::Complete;
      net.nodes = n;
      return net;
    }
    case NetworkType::Ring:
      e = ring_edges(n, p.degree, 0.0, seed, rep);
      break;
    case NetworkType::WattsStrogatz:
      e = ring_edges(n, p.degree, p.rewire, seed, rep);
      break;
    case NetworkType::ErdosRenyi:
      e = erdos_renyi_edges(n, p.degree, seed, rep);
      break;
    case NetworkType::BarabasiAlbert:
      e = barabasi_albert_edges(n, p.attach, seed, rep);
      break;
    case NetworkType::File:
      e = file_edges(p.file, n);
      break;
  }
  Network net = csr_from_edges(n, e);
  if (type == NetworkType::File) {  // an edge list's policy: self-loops dropped, repeats merged, both counted
    net.self_loops =
        static_cast<std::uint64_t>(std::count_if(e.begin(), e.end(), [](auto ab) { return ab.first == ab.second; }));
    net.duplicate_edges = e.size() - net.self_loops - net.edges();
  }
  return net;
}

std::uint64_t expected_adjacency(const NetworkParams& p, std::uint64_t agents) {
  switch (network_type(p.type)) {
    case NetworkType::None:
    case NetworkType::Complete:
      return 0;
    case NetworkType::BarabasiAlbert:
      return agents * static_cast<std::uint64_t>(p.attach) * 2;
    case NetworkType::File: {  // a line "a b\n" takes at least 4 bytes: at most size / 4 edges, two entries each
      std::error_code ec;
      const auto size = std::filesystem::file_size(p.file, ec);
      return ec ? 0 : size / 2;
    }
    case NetworkType::WattsStrogatz:
    case NetworkType::ErdosRenyi:
    case NetworkType::Ring:
      break;
  }
  return agents * static_cast<std::uint64_t>(p.degree);
}

}  // namespace motsim
