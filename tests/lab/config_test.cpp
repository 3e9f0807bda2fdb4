// Sweep files: parsing, expansion (grid, zip, exclude, random, seeds,
// overrides), trial-id stability, and one test per class of mistake.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lab/config/config_error.h"
#include "lab/config/schema.h"
#include "lab/config/sweep.h"

namespace relulab {
namespace lab {
namespace {

// Writes `text` to a fresh file and returns its path.
std::string sweep_file(const std::string& text) {
  static int counter = 0;
  const auto path = ::testing::TempDir() + "/sweep_" + std::to_string(::getpid()) + "_" +
                    std::to_string(counter++) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

const char* kExample = R"(name: example
method: grid
seeds: [0, 1]
base:
  data:  {dataset: spirals, samples: 100}
  model: {arch: mlp, hidden: [16, 16], init: kaiming_normal}
  train: {epochs: 2, batch_size: 32, optimizer: sgd, momentum: 0.9}
  targets: {accuracy: 0.85}
parameters:
  activation: {values: [relu, {name: leaky_relu, negative_slope: 0.2}, prelu, gelu, sigmoid, tanh]}
  train.lr: {values: [0.01, 0.1]}
)";

// The error a sweep raises, as text ("" if none).
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_sweep(sweep_file(text), overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepTest, GridTimesSeeds) {
  const auto sweep = load_sweep(sweep_file(kExample));
  EXPECT_EQ(sweep.name, "example");
  ASSERT_EQ(sweep.trials.size(), 6u * 2u * 2u);
  // The first axis varies slowest, seeds fastest.
  EXPECT_EQ(sweep.trials[0].values.at("activation"), "relu");
  EXPECT_EQ(sweep.trials[0].values.at("train.lr"), "0.01");
  EXPECT_EQ(sweep.trials[1].values.at("seed"), "1");
  EXPECT_EQ(sweep.trials[2].values.at("train.lr"), "0.1");
  EXPECT_EQ(sweep.trials[4].values.at("activation"), "leaky_relu(negative_slope=0.2)");
  const auto& c = sweep.trials[4].config;
  EXPECT_EQ(c.activation.name, "leaky_relu");
  EXPECT_EQ(std::get<double>(c.activation.params.at("negative_slope")), 0.2);
  EXPECT_EQ(c.model.hidden, (std::vector<int64_t>{16, 16}));
  EXPECT_EQ(c.train.momentum, 0.9);
  EXPECT_EQ(c.data.samples, 100);
  EXPECT_EQ(c.train.threads, 1);  // a default
}

TEST(SweepTest, TrialIdsAreStableAndDistinct) {
  const auto a = load_sweep(sweep_file(kExample));
  // Same sweep written differently: other key order, flow vs block style.
  const auto b = load_sweep(sweep_file(R"(seeds: [0, 1]
name: example
parameters:
  train.lr: {values: [0.01, 0.1]}
  activation:
    values:
      - relu
      - name: leaky_relu
        negative_slope: 0.2
      - prelu
      - gelu
      - sigmoid
      - tanh
base:
  targets: {accuracy: 0.85}
  train: {momentum: 0.9, optimizer: sgd, batch_size: 32, epochs: 2}
  model: {init: kaiming_normal, hidden: [16, 16], arch: mlp}
  data:  {samples: 100, dataset: spirals}
)"));
  std::set<std::string> ids_a, ids_b;
  for (const auto& t : a.trials) ids_a.insert(t.id);
  for (const auto& t : b.trials) ids_b.insert(t.id);
  EXPECT_EQ(ids_a.size(), a.trials.size());
  EXPECT_EQ(ids_a, ids_b);
  // Any value change changes the id.
  auto values = a.trials[0].values;
  const auto id = trial_id(values);
  values["train.lr"] = "0.02";
  EXPECT_NE(trial_id(values), id);
  // Pinned: ids must not change between relulab versions, or resuming old
  // results would rerun everything. Update only with a deliberate break.
  EXPECT_EQ(a.trials[0].id, trial_id(identity_values(a.trials[0].values)));
  EXPECT_EQ(a.trials[0].id.size(), 12u);
  // FNV-1a 64 of "a=1\n", computed independently.
  EXPECT_EQ(trial_id({{"a", "1"}}), "5b1058b98922");
  // Keys at their defaults are not part of the id: a key added later, at its
  // default, keeps the ids of existing results.
  auto with_defaults = a.trials[0].values;
  EXPECT_EQ(a.trials[0].id, trial_id(identity_values(with_defaults)));
  with_defaults["some.future_key"] = "1";
  EXPECT_NE(trial_id(identity_values(with_defaults)), a.trials[0].id);
  with_defaults.erase("some.future_key");
  EXPECT_EQ(with_defaults.count("stats.test_every_epoch"), 1u);
  with_defaults.erase("stats.test_every_epoch");  // as if the key did not exist yet
  EXPECT_EQ(trial_id(identity_values(with_defaults)), a.trials[0].id);
  // Pinned for this sweep's first trial: changes only with a deliberate break.
  EXPECT_EQ(a.trials[0].id, "fb95d239d740");
}

TEST(SweepTest, ZipVariesKeysTogether) {
  const auto sweep = load_sweep(sweep_file(R"(name: z
base: {data: {dataset: spirals}}
parameters:
  activation: {values: [relu, tanh]}
zip:
  - {train.lr: [0.1, 0.01, 0.001], train.epochs: [1, 2, 3]}
)"));
  ASSERT_EQ(sweep.trials.size(), 2u * 3u);
  for (const auto& t : sweep.trials) {
    const auto lr = t.values.at("train.lr");
    const auto epochs = t.values.at("train.epochs");
    EXPECT_TRUE((lr == "0.1" && epochs == "1") || (lr == "0.01" && epochs == "2") ||
                (lr == "0.001" && epochs == "3"))
        << lr << " " << epochs;
  }
}

TEST(SweepTest, ExcludeDropsMatchingCombinations) {
  const auto sweep = load_sweep(sweep_file(R"(name: x
base: {data: {dataset: spirals}}
parameters:
  activation: {values: [relu, sigmoid, {name: leaky_relu, negative_slope: 0.2}]}
  train.lr: {values: [0.01, 0.1]}
exclude:
  - {activation: sigmoid, train.lr: 0.1}
  - {activation: {name: leaky_relu, negative_slope: 0.2}, train.lr: 0.01}
)"));
  ASSERT_EQ(sweep.trials.size(), 4u);
  for (const auto& t : sweep.trials) {
    EXPECT_FALSE(t.values.at("activation") == "sigmoid" && t.values.at("train.lr") == "0.1");
  }
}

TEST(SweepTest, ExcludeValuesListsDropEveryCombinationOfThem) {
  // {values: [...]} in a rule matches any of them: one rule for what the
  // single-valued form needs four rules for, the same trials (and ids).
  const auto grid = R"(name: x
base: {data: {dataset: spirals}}
parameters:
  activation: {values: [relu, sigmoid, {name: leaky_relu, negative_slope: 0.2}]}
  train.lr: {values: [0.01, 0.1, 1.0]}
exclude:
)";
  const auto listed = load_sweep(sweep_file(std::string(grid) + R"(
  - activation: {values: [relu, {name: leaky_relu, negative_slope: 0.2}]}
    train.lr: {values: [0.1, 1.0]}
  - {activation: sigmoid, train.lr: {values: [0.01]}}
)"));
  const auto single = load_sweep(sweep_file(std::string(grid) + R"(
  - {activation: relu, train.lr: 0.1}
  - {activation: relu, train.lr: 1.0}
  - {activation: {name: leaky_relu, negative_slope: 0.2}, train.lr: 0.1}
  - {activation: {name: leaky_relu, negative_slope: 0.2}, train.lr: 1.0}
  - {activation: sigmoid, train.lr: 0.01}
)"));
  ASSERT_EQ(listed.trials.size(), 4u);  // relu 0.01, leaky 0.01, sigmoid 0.1 and 1.0
  ASSERT_EQ(single.trials.size(), listed.trials.size());
  for (size_t i = 0; i < listed.trials.size(); ++i) {
    EXPECT_EQ(listed.trials[i].id, single.trials[i].id);
  }
  for (const auto& t : listed.trials) {
    const auto& lr = t.values.at("train.lr");
    EXPECT_EQ(t.values.at("activation") == "sigmoid", lr != "0.01") << lr;
  }
}

TEST(SweepTest, RandomSearchDrawsWithinRanges) {
  const auto text = R"(name: r
method: random
count: 50
seeds: 2
base: {data: {dataset: spirals}}
parameters:
  train.lr: {min: 0.001, max: 1.0, log: true}
  train.batch_size: {min: 16, max: 64}
  activation: {values: [relu, gelu]}
)";
  const auto sweep = load_sweep(sweep_file(text));
  ASSERT_EQ(sweep.trials.size(), 100u);
  int below_001 = 0;
  for (const auto& t : sweep.trials) {
    EXPECT_GE(t.config.train.lr, 0.001);
    EXPECT_LE(t.config.train.lr, 1.0);
    EXPECT_GE(t.config.train.batch_size, 16);
    EXPECT_LE(t.config.train.batch_size, 64);
    below_001 += t.config.train.lr < 0.01;
  }
  // Log-uniform: a third of the draws below 0.01 (binomial sd ~ 6.7 of 100).
  EXPECT_GT(below_001, 15);
  EXPECT_LT(below_001, 52);
  // Same file, same draws.
  const auto again = load_sweep(sweep_file(text));
  for (size_t i = 0; i < sweep.trials.size(); ++i)
    EXPECT_EQ(sweep.trials[i].id, again.trials[i].id);
}

TEST(SweepTest, SetOverridesBaseAndAxes) {
  const auto sweep = load_sweep(sweep_file(kExample), {"train.epochs=1", "train.lr=0.5"});
  ASSERT_EQ(sweep.trials.size(), 6u * 2u);  // the lr axis is gone
  for (const auto& t : sweep.trials) {
    EXPECT_EQ(t.config.train.epochs, 1);
    EXPECT_EQ(t.config.train.lr, 0.5);
  }
}

TEST(SweepTest, EffectiveYamlListsEveryTrial) {
  const auto sweep = load_sweep(sweep_file(kExample));
  const auto yaml = sweep.effective_yaml();
  for (const auto& t : sweep.trials) EXPECT_NE(yaml.find("id: " + t.id), std::string::npos);
}

// --- mistakes: each names the file, line and column, and the key ---

TEST(SweepErrorTest, MalformedYaml) {
  const auto e = error_of("name: x\nbase: {data: [1, 2\n");
  EXPECT_NE(e.find(".yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
}

TEST(SweepErrorTest, UnknownTopLevelKeySuggestsTheRightOne) {
  const auto e = error_of("name: x\nparameter:\n  train.lr: {values: [0.1]}\n");
  EXPECT_NE(e.find(":2:1: key 'parameter': unknown top-level key (did you mean 'parameters'?)"),
            std::string::npos)
      << e;
}

TEST(SweepErrorTest, UnknownKeySuggestsTheRightOne) {
  const auto e = error_of("name: x\nbase:\n  train: {lr: 0.1, epoch: 3}\n");
  EXPECT_NE(e.find(":3:20: key 'train.epoch': unknown key (did you mean 'train.epochs'?)"),
            std::string::npos)
      << e;
  const auto e2 = error_of("name: x\nparameters:\n  lr: {values: [0.1]}\n");
  EXPECT_NE(e2.find("key 'lr': unknown key (did you mean 'train.lr'?)"), std::string::npos) << e2;
}

TEST(SweepErrorTest, WrongTypeAndOutOfRange) {
  auto e = error_of("name: x\nbase:\n  train: {epochs: three}\n");
  EXPECT_NE(e.find(":3:19: key 'train.epochs': must be an integer, got three"), std::string::npos)
      << e;
  e = error_of("name: x\nparameters:\n  train.lr: {values: [0.1, -1]}\n");
  EXPECT_NE(e.find(":3:28: key 'train.lr': must be > 0, got -1"), std::string::npos) << e;
  e = error_of("name: x\nbase:\n  train: {momentum: 1.5}\n");
  EXPECT_NE(e.find("key 'train.momentum': must be <= 1, got 1.5"), std::string::npos) << e;
}

TEST(SweepErrorTest, ExcludeValuesAreCheckedOneByOne) {
  const std::string head = "name: x\nparameters:\n  train.lr: {values: [0.1]}\nexclude:\n";
  auto e = error_of(head + "  - {train.lr: {values: [0.1, -1]}}\n");
  EXPECT_NE(e.find(":5:31: key 'train.lr': must be > 0, got -1"), std::string::npos) << e;
  e = error_of(head + "  - {train.lr: {values: []}}\n");
  EXPECT_NE(e.find("key 'train.lr': exclude: {values: [...]} takes a non-empty list"),
            std::string::npos)
      << e;
  e = error_of(head + "  - {train.lr: {values: 0.1}}\n");
  EXPECT_NE(e.find("takes a non-empty list"), std::string::npos) << e;
}

TEST(SweepErrorTest, UnknownActivationDatasetAndChoice) {
  auto e = error_of("name: x\nparameters:\n  activation: {values: [relu, swish]}\n");
  EXPECT_NE(e.find(":3:31: key 'activation': unknown activation 'swish'"), std::string::npos) << e;
  EXPECT_NE(e.find("valid activations: elu, gelu"), std::string::npos) << e;
  e = error_of("name: x\nbase:\n  data: {dataset: cifar10}\n");
  EXPECT_NE(e.find("key 'data.dataset': unknown value 'cifar10'"), std::string::npos) << e;
  EXPECT_NE(e.find("valid values: fashion-mnist, spirals, teacher, gaussian"), std::string::npos)
      << e;
  e = error_of("name: x\nbase:\n  model: {arch: resnet}\n");
  EXPECT_NE(e.find("key 'model.arch': unknown value 'resnet'"), std::string::npos) << e;
  e = error_of("name: x\nbase:\n  activation: {name: leaky_relu, slope: 0.1}\n");
  EXPECT_NE(e.find("unknown parameter 'slope' for activation 'leaky_relu'"), std::string::npos)
      << e;
}

TEST(SweepErrorTest, MissingDatasetFiles) {
  const auto e = error_of("name: x\nbase:\n  data: {dataset: fashion-mnist, path: /nonexistent}\n");
  EXPECT_NE(e.find(":3:40: key 'data.path': missing /nonexistent/train-images-idx3-ubyte.gz"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("HINT"), std::string::npos);
}

TEST(SweepErrorTest, StructuralMistakes) {
  EXPECT_NE(error_of("base: {}\n").find("every sweep needs a name"), std::string::npos);
  EXPECT_NE(error_of("name: x\nzip:\n  - {train.lr: [0.1, 0.2], train.epochs: [1]}\n")
                .find("zip lists must have equal lengths"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nmethod: random\n").find("needs count"), std::string::npos);
  EXPECT_NE(error_of("name: x\nbase: {train: {nesterov: true}}\n").find("needs train.momentum > 0"),
            std::string::npos);
  EXPECT_NE(error_of("name: x\nbase: {data: {dataset: gaussian}}\n").find("train.epochs must be 0"),
            std::string::npos);
  EXPECT_NE(
      error_of("name: x\nseeds: [1, 1]\nbase: {data: {dataset: spirals}}\n").find("duplicate seed"),
      std::string::npos);
  EXPECT_NE(error_of("name: x\nbase:\n  seed: 3\n").find("top-level 'seeds:'"), std::string::npos);
  const auto dense =
      error_of("name: x\nbase:\n  data: {dataset: spirals}\n  model: {dense: [8]}\n");
  EXPECT_NE(dense.find(":4:18: key 'model.dense': applies to model.arch: cnn only"),
            std::string::npos)
      << dense;
}

TEST(SweepErrorTest, BadOverride) {
  const std::string base = "name: x\nbase: {data: {dataset: spirals}}\n";
  EXPECT_NE(
      error_of(base, {"train.epoch=1"})
          .find(
              "--set train.epoch=1: key 'train.epoch': unknown key (did you mean 'train.epochs'?)"),
      std::string::npos)
      << error_of(base, {"train.epoch=1"});
  EXPECT_NE(error_of(base, {"train.epochs"}).find("expected --set key=value"), std::string::npos);
  EXPECT_NE(error_of(base, {"train.lr=0"}).find("must be > 0"), std::string::npos);
}

TEST(SweepErrorTest, MissingFile) {
  try {
    load_sweep("/nonexistent/sweep.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/sweep.yaml: no such file"),
              std::string::npos);
  }
}

TEST(SweepErrorTest, NameMustStayInsideResults) {
  for (const char* name : {"..", ".", ".hidden"}) {
    const auto text = std::string("name: ") + name +
                      "\nbase: {data: {dataset: spirals, samples: 10}, train: {epochs: 0}}\n";
    EXPECT_NE(error_of(text).find("key 'name': must not start with '.'"), std::string::npos)
        << name;
  }
}

TEST(SweepErrorTest, DuplicateKeysAreRefusedWhereTheyRepeat) {
  const auto top = error_of("name: a\nname: b\nbase: {data: {dataset: spirals}}\n");
  EXPECT_NE(top.find(":2:1: key 'name': duplicate key"), std::string::npos) << top;
  const auto nested = error_of("name: a\nbase:\n  train: {epochs: 1, epochs: 2}\n");
  EXPECT_NE(nested.find(":3:22: key 'epochs': duplicate key"), std::string::npos) << nested;
}

TEST(SweepErrorTest, HugeSweepsAndSizesAreRefusedBeforeExpanding) {
  const std::string base = "base: {data: {dataset: spirals, samples: 10}, train: {epochs: 0}}\n";
  // 6e11 trials: refused at once (expanding them would take hours and TBs).
  std::string values;
  for (int i = 1; i <= 1000; ++i) values += (i > 1 ? ", " : "") + std::to_string(i);
  std::string axes;
  for (const char* key : {"train.lr", "train.batch_size", "data.samples"}) {
    axes += std::string("  ") + key + ": {values: [" + values + "]}\n";
  }
  const auto big = error_of("name: g\nseeds: 600\n" + base + "parameters:\n" + axes);
  EXPECT_NE(big.find("this sweep expands to 600000000000 trials, more than max_trials (100000)"),
            std::string::npos)
      << big;
  EXPECT_NE(error_of("name: s\nseeds: 1000000000\n" + base)
                .find("key 'seeds': this sweep expands to 1000000000"),
            std::string::npos);
  // max_trials moves the limit either way.
  EXPECT_NE(
      error_of("name: s\nmax_trials: 10\nseeds: 11\n" + base).find("more than max_trials (10)"),
      std::string::npos);
  EXPECT_EQ(error_of("name: s\nmax_trials: 11\nseeds: 11\n" + base), "");
  EXPECT_NE(error_of("name: t\n" + base + "parameters:\n  train.threads: {values: [100000000]}\n")
                .find("key 'train.threads': must be <= 256"),
            std::string::npos);
  EXPECT_NE(error_of("name: h\nbase: {data: {dataset: spirals}, model: {hidden: [16, 10000000]}}\n")
                .find("key 'model.hidden': must be a list of integers from 1 to 1000000"),
            std::string::npos);
}

TEST(SweepErrorTest, ActivationParametersMustBeFinite) {
  const std::string head =
      "name: a\nbase: {data: {dataset: spirals}}\nparameters:\n  activation: {values: [";
  EXPECT_NE(error_of(head + "{name: leaky_relu, negative_slope: nan}]}\n")
                .find("must be finite, got nan"),
            std::string::npos);
  EXPECT_NE(error_of(head + "{name: elu, alpha: -inf}]}\n").find("must be finite"),
            std::string::npos);
  EXPECT_NE(error_of(head + "{name: elu, alpha: 1e999}]}\n").find("must be finite"),
            std::string::npos);
  // YAML's own .nan and .inf are not numbers to make_activation: refused too.
  EXPECT_NE(error_of(head + "{name: elu, alpha: .nan}]}\n").find("must be a number"),
            std::string::npos);
  EXPECT_NE(error_of(head + "{name: prelu, num_parameters: 1e300}]}\n")
                .find("num_parameters must be an integer from 1 to 1000000"),
            std::string::npos);
}

// Found by fuzzing (tests/fuzz/corpus/sweep/regression-log-not-a-bool.yaml):
// a bad 'log:' escaped as YAML::BadConversion instead of a ConfigError.
TEST(SweepErrorTest, RangeFlagsMustBeBooleans) {
  const std::string head =
      "name: r\nmethod: random\ncount: 2\nbase: {data: {dataset: spirals}}\n"
      "parameters:\n  train.lr: {min: 0.001, max: 0.1, ";
  EXPECT_NE(error_of(head + "log: prue}\n")
                .find(":6:41: key 'train.lr': log must be true or false, got prue"),
            std::string::npos)
      << error_of(head + "log: prue}\n");
  EXPECT_NE(error_of(head + "integer: [1]}\n").find("integer must be true or false"),
            std::string::npos);
}

TEST(SchemaTest, EveryKeyIsDocumented) {
  std::ifstream in(std::string(RELULAB_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in) << "docs/config.md is missing";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& spec : config_schema()) {
    EXPECT_NE(doc.find("`" + spec.key + "`"), std::string::npos)
        << spec.key << " is not in docs/config.md";
  }
}

}  // namespace
}  // namespace lab
}  // namespace relulab
