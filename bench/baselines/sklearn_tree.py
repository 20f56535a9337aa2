"""scikit-learn's DecisionTreeClassifier fit, the baseline of bench/error-tree.bench.ts.

Reads the rows bench/error-tree.bench.ts wrote (raw little-endian arrays in DIR): `numeric.f64`
(rows x numeric columns, column-major), `codes.i32` (rows x categorical columns, column-major),
`error.u8` (the 0/1 misclassification target) and the --spec file (the row count and the feature
order: numeric or categorical with its width). Builds X as float32 (what the tree code works on; the conversion is
outside the timed fit) in one of three encodings:
  numeric  - every column numeric (the categorical codes read as numbers: the "all numeric" data);
  onehot   - categorical columns one-hot encoded in the order Candor's design uses (categories
             sorted), so the tree is the same one Candor fits;
  ordinal  - categorical columns as their integer codes (14 columns; a different tree).
Then times --reps fits of DecisionTreeClassifier(max_depth, min_samples_leaf, min_samples_split,
max_leaf_nodes) and prints one JSON line: the fit times, the internal nodes (feature, threshold,
rows) and the versions used.

Usage: python3 sklearn_tree.py DIR --spec SPEC.json --encoding numeric|onehot|ordinal [--reps N]
"""
import argparse
import json
import os
import time

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--spec", required=True)
    ap.add_argument("--encoding", choices=["numeric", "onehot", "ordinal"], required=True)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--max-depth", type=int, default=3)
    ap.add_argument("--min-samples-leaf", type=int, default=20)
    ap.add_argument("--min-samples-split", type=int, default=40)
    ap.add_argument("--max-leaf-nodes", type=int, default=31)
    args = ap.parse_args()
    with open(os.path.join(args.dir, args.spec)) as f:
        spec = json.load(f)
    n = spec["rows"]
    numeric = np.fromfile(os.path.join(args.dir, "numeric.f64"), dtype="<f8").reshape(-1, n)
    codes = np.fromfile(os.path.join(args.dir, "codes.i32"), dtype="<i4").reshape(-1, n)
    y = np.fromfile(os.path.join(args.dir, "error.u8"), dtype=np.uint8)
    blocks = []
    for feature in spec["features"]:
        if feature["kind"] == "numeric":
            blocks.append(numeric[feature["index"]][:, None].astype(np.float32))
        elif args.encoding == "onehot":
            c = codes[feature["index"]]
            blocks.append((c[:, None] == np.arange(feature["width"])[None, :]).astype(np.float32))
        else:
            blocks.append(codes[feature["index"]][:, None].astype(np.float32))
    X = np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)
    del blocks
    times = []
    model = None
    for _ in range(args.reps):
        model = DecisionTreeClassifier(
            max_depth=args.max_depth, min_samples_leaf=args.min_samples_leaf,
            min_samples_split=args.min_samples_split, max_leaf_nodes=args.max_leaf_nodes, random_state=0,
        )
        t0 = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - t0)
    t = model.tree_
    splits = [
        {"feature": int(t.feature[k]), "threshold": float(t.threshold[k]), "rows": int(t.n_node_samples[k])}
        for k in range(t.node_count) if t.children_left[k] >= 0
    ]
    print(json.dumps({
        "fit_seconds": times, "columns": int(X.shape[1]), "splits": splits, "leaves": int(t.n_leaves),
        "sklearn": sklearn.__version__, "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
