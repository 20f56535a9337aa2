"""scikit-learn's HistGradientBoostingClassifier on UCI Adult, the baseline of bench/gbdt.bench.ts.

Reads adult.data / adult.test (the same files Candor reads), trains on every feature except fnlwgt
with the categorical features native (ordinal-encoded, '?' as missing), and prints one JSON line:
the best fit time in seconds over --reps fits, the test ROC AUC and the versions used.

Usage: python3 sklearn_hgb.py ADULT_DATA ADULT_TEST [--reps N] [--max-iter N] [--max-depth N]
"""
import argparse
import json
import os
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income",
]
CATEGORICAL = ["workclass", "education", "marital-status", "occupation", "relationship", "race", "sex", "native-country"]


def read(path, skiprows):
    df = pd.read_csv(path, names=COLUMNS, skiprows=skiprows, skipinitialspace=True, na_values=["?"])
    return df.dropna(subset=["income"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--max-iter", type=int, default=100)
    ap.add_argument("--max-depth", type=int, default=6)
    args = ap.parse_args()
    train = read(args.train, 0)
    test = read(args.test, 1)
    features = [c for c in COLUMNS if c not in ("fnlwgt", "income")]
    X = train[features].copy()
    Xt = test[features].copy()
    for c in CATEGORICAL:
        cats = sorted(X[c].dropna().unique())
        # Codes of the training categories; unseen and missing values are NaN (missing).
        X[c] = pd.Categorical(X[c], categories=cats).codes.astype(float)
        Xt[c] = pd.Categorical(Xt[c], categories=cats).codes.astype(float)
        X.loc[X[c] < 0, c] = np.nan
        Xt.loc[Xt[c] < 0, c] = np.nan
    y = (train["income"] == ">50K").to_numpy().astype(int)
    yt = (test["income"] == ">50K.").to_numpy().astype(int)
    mask = [c in CATEGORICAL for c in features]
    best = float("inf")
    model = None
    for _ in range(args.reps):
        model = HistGradientBoostingClassifier(
            learning_rate=0.1, max_iter=args.max_iter, max_depth=args.max_depth, max_leaf_nodes=31,
            min_samples_leaf=20, l2_regularization=0.0, max_bins=255, early_stopping=False,
            categorical_features=mask, random_state=0,
        )
        t0 = time.perf_counter()
        model.fit(X.to_numpy(), y)
        best = min(best, time.perf_counter() - t0)
    auc = roc_auc_score(yt, model.predict_proba(Xt.to_numpy())[:, 1])
    print(json.dumps({
        "fit_seconds": best, "auc": auc, "iterations": int(model.n_iter_), "sklearn": sklearn.__version__,
        "threads": os.environ.get("OMP_NUM_THREADS", str(os.cpu_count())),
    }))


if __name__ == "__main__":
    main()
