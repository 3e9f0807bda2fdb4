"""Model selection shared by the tables (compare.py) and the figures (plot.py): which
learning rate an activation is reported at."""

SELECTION = "best_val_accuracy"  # what picks learning rates and epochs
REPORTED = "test_accuracy_at_best_val"  # the test accuracy reported at that choice


def reported_accuracy_column(trials):
    """The test accuracy the tables and figures report: at the validation-chosen epoch
    when the results record it, else the final one."""
    return (REPORTED if REPORTED in trials.columns and trials[REPORTED].notna().any()
            else "final_test_accuracy")


def chosen_lr(trials):
    """The learning rate with the highest mean *validation* accuracy over ok seeds (test
    accuracy only for results without a validation split), among those where every seed is
    ok when there are any: a rate where 9 of 10 seeds diverge is not chosen on its one
    survivor. `trials`: one activation's (and architecture's) trials."""
    column = (SELECTION if SELECTION in trials.columns and trials[SELECTION].notna().any()
              else "final_test_accuracy")
    ok = trials[trials.status == "ok"]
    if ok.empty:
        return trials["train.lr"].iloc[0]
    every_seed_ok = trials.groupby("train.lr").status.apply(lambda s: (s == "ok").all())
    candidates = ok[ok["train.lr"].isin(every_seed_ok[every_seed_ok].index)]
    means = (candidates if not candidates.empty else ok).groupby("train.lr")[column].mean()
    return means.idxmax() if means.notna().any() else trials["train.lr"].iloc[0]
