// remove_tree: what the harness uses instead of std::filesystem::remove_all
// (see remove_tree.h for why).
#include "lab/output/remove_tree.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;
using relulab::lab::remove_tree;

namespace {
fs::path fresh_dir(const std::string& name) {
  const auto dir = fs::path(::testing::TempDir()) / (name + "_" + std::to_string(::getpid()));
  remove_tree(dir.string());
  fs::create_directories(dir);
  return dir;
}
}  // namespace

TEST(RemoveTreeTest, RemovesNestedFoldersAndFiles) {
  const auto dir = fresh_dir("remove_tree_nested");
  fs::create_directories(dir / "a" / "b" / "c");
  std::ofstream(dir / "a" / "file.csv") << "x";
  std::ofstream(dir / "a" / "b" / "c" / "deep.csv") << "y";
  remove_tree(dir.string());
  EXPECT_FALSE(fs::exists(dir));
}

TEST(RemoveTreeTest, MissingPathIsNotAnErrorAndAFileIsRemoved) {
  const auto dir = fresh_dir("remove_tree_file");
  EXPECT_NO_THROW(remove_tree((dir / "absent").string()));
  std::ofstream(dir / "lone.csv") << "z";
  remove_tree((dir / "lone.csv").string());
  EXPECT_FALSE(fs::exists(dir / "lone.csv"));
  EXPECT_TRUE(fs::exists(dir));
  remove_tree(dir.string());
}

TEST(RemoveTreeTest, LinksAreRemovedNotFollowed) {
  const auto dir = fresh_dir("remove_tree_links");
  const auto outside = fresh_dir("remove_tree_outside");
  std::ofstream(outside / "precious.txt") << "keep";
  fs::create_directories(dir / "inner");
  fs::create_directory_symlink(outside, dir / "inner" / "link");
  remove_tree(dir.string());
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_TRUE(fs::exists(outside / "precious.txt"));
  remove_tree(outside.string());
}

TEST(RemoveTreeTest, AFailureNamesTheEntry) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may remove anything";
  const auto dir = fresh_dir("remove_tree_locked");
  fs::create_directories(dir / "locked");
  std::ofstream(dir / "locked" / "stuck.csv") << "w";
  ::chmod((dir / "locked").c_str(), 0500);  // its entries cannot be unlinked
  try {
    remove_tree(dir.string());
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stuck.csv"), std::string::npos) << e.what();
  }
  ::chmod((dir / "locked").c_str(), 0700);
  remove_tree(dir.string());
}
