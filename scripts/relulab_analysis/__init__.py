"""Reading relulab results and the statistics behind the comparison tables."""
