// Sharding: see shards.h.

#include "lab/run/shards.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace relulab {
namespace lab {
namespace {

std::optional<long> env_long(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0') throw std::invalid_argument(std::string(name) + "=" + v + " is not an integer");
  return x;
}

}  // namespace

std::string Shard::name() const { return std::to_string(index) + "-of-" + std::to_string(count); }

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("");
    Shard s{std::stoi(text.substr(0, slash)), std::stoi(text.substr(slash + 1))};
    if (s.count < 1 || s.index < 0 || s.index >= s.count) throw std::invalid_argument("");
    return s;
  } catch (const std::exception&) {
    throw std::invalid_argument("--shard " + text +
                                ": expected I/N with 0 <= I < N, e.g. --shard 0/4");
  }
}

std::optional<Shard> shard_from_environment(bool slurm_requested) {
  const auto checked = [](long index, long count, const std::string& source) {
    if (count < 1 || index < 0 || index >= count) {
      throw std::invalid_argument(source + ": shard index " + std::to_string(index) +
                                  " is outside 0.." + std::to_string(count - 1) +
                                  ", so this task would run no trial");
    }
    return Shard{static_cast<int>(index), static_cast<int>(count)};
  };
  if (slurm_requested) {
    const auto id = env_long("SLURM_ARRAY_TASK_ID");
    const auto count = env_long("SLURM_ARRAY_TASK_COUNT");
    if (!id || !count) {
      throw std::invalid_argument(
          "--shard-from-environment: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT must be set "
          "(inside a Slurm array task); HINT: pass --shard I/N elsewhere");
    }
    const long min = env_long("SLURM_ARRAY_TASK_MIN").value_or(0);
    return checked(*id - min, *count, "SLURM_ARRAY_TASK_ID=" + std::to_string(*id));
  }
  if (const auto index = env_long("JOB_COMPLETION_INDEX")) {
    const auto count = env_long("RELULAB_SHARD_COUNT");
    if (!count) {
      throw std::invalid_argument(
          "JOB_COMPLETION_INDEX is set: set RELULAB_SHARD_COUNT to the "
          "Indexed Job's completions (or pass --shard I/N)");
    }
    return checked(*index, *count, "JOB_COMPLETION_INDEX=" + std::to_string(*index));
  }
  return std::nullopt;
}

double expected_cost(const TrialConfig& c) {
  double examples = c.data.dataset == DatasetKind::kFashionMnist
                        ? (c.data.train_subset > 0 ? c.data.train_subset : 60000)
                        : c.data.samples;
  if (c.data.dataset == DatasetKind::kGaussian) examples = c.data.probe_size;
  return static_cast<double>(c.train.epochs + 1) * examples *
         (c.model.arch == Arch::kCnn ? 8.0 : 1.0);
}

std::vector<int64_t> shard_trials(const Sweep& sweep, const std::vector<int64_t>& candidates,
                                  const Shard& shard) {
  std::vector<int64_t> order = candidates;
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return expected_cost(sweep.trials[a].config) > expected_cost(sweep.trials[b].config);
  });
  std::vector<double> load(shard.count, 0.0);
  std::vector<int64_t> mine;
  for (const int64_t t : order) {
    const int target = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[target] += expected_cost(sweep.trials[t].config);
    if (target == shard.index) mine.push_back(t);
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

}  // namespace lab
}  // namespace relulab
