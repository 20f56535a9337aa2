"""xgboost's own TreeSHAP (`pred_contribs`), the baseline of bench/treeshap.bench.ts.

Makes a synthetic binary task over 14 numeric features (5% of values missing), trains a 100-tree,
depth-6 XGBoost classifier on 20,000 rows, and writes into OUT_DIR: model.json (the booster as
JSON), rows.f32 (the --rows explained rows, float32 row-major) and contribs.f32 (xgboost's
pred_contribs for them, rows × 15, the last column the bias). Prints one JSON line: the best
pred_contribs time in seconds over --reps calls with xgboost's default threads and with nthread=1,
the process CPU time of the same calls (all threads), and the versions used.

Usage: python3 xgboost_treeshap.py OUT_DIR [--rows N] [--reps N]
"""
import argparse
import json
import os
import time

import numpy as np
import xgboost as xgb

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--rows", type=int, default=10_000)
parser.add_argument("--reps", type=int, default=3)
args = parser.parse_args()

F = 14
rng = np.random.default_rng(42)


def make(n):
    X = rng.normal(size=(n, F)).astype(np.float32)
    X[:, 3] = np.round(X[:, 3] * 2)  # a few distinct values
    logit = X[:, 0] - 0.8 * X[:, 1] * X[:, 2] + np.sin(2 * X[:, 3]) + 0.5 * np.abs(X[:, 4]) + 0.3 * X[:, 5:].sum(axis=1)
    y = (logit + rng.normal(0, 0.5, n) > 0).astype(int)
    X[rng.random(size=X.shape) < 0.05] = np.nan
    return X, y


X_train, y_train = make(20_000)
X, _ = make(args.rows)
model = xgb.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.1, tree_method="hist", random_state=0)
model.fit(X_train, y_train)
booster = model.get_booster()
booster.save_model(os.path.join(args.out, "model.json"))
X.astype(np.float32).tofile(os.path.join(args.out, "rows.f32"))


def best(threads):
    if threads is not None:
        booster.set_param({"nthread": threads})
    d = xgb.DMatrix(X)
    seconds = cpu = float("inf")
    for _ in range(args.reps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        contribs = booster.predict(d, pred_contribs=True)
        cpu = min(cpu, time.process_time() - c0)
        seconds = min(seconds, time.perf_counter() - t0)
    return seconds, cpu, contribs


default_seconds, default_cpu, contribs = best(None)
one_seconds, one_cpu, _ = best(1)
contribs.astype(np.float32).tofile(os.path.join(args.out, "contribs.f32"))
print(json.dumps({
    "seconds_default": default_seconds,
    "seconds_1thread": one_seconds,
    "cpu_seconds_default": default_cpu,
    "cpu_seconds_1thread": one_cpu,
    "threads_default": os.cpu_count(),
    "xgboost": xgb.__version__,
    "trees": len(booster.get_dump()),
}))
