#!/usr/bin/python3
"""Compares a model trained inside PostgreSQL with the CSV path's.

  pg_train_compare.py CSV_MODEL PG_MODEL [TOL]

The same features (by name) with coefficients and standard errors within
TOL (default 1e-9, absolute), the same encoders (numeric median, mean and
sd; categorical levels with their counts and the reference level; a
binned column's cuts, bin counts and missing count, exactly), the
same fit statistics, holdout metrics and tables, the --baseline comparison,
derived columns and the
options that make them (days_since, account_column, as_of), and drift reference
(numeric edges and shares) within TOL, the same warnings (codes). Prints the largest differences; exit 1 on a
mismatch. What may differ: created, training (file, sha256), the order of
levels with equal counts and of features among them, and the drift
reference's categorical shares (in level order).
"""
import json
import math
import sys


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(a))


def main():
    a = json.load(open(sys.argv[1]))
    b = json.load(open(sys.argv[2]))
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-9
    bad = []
    fa = {f["name"]: f for f in a["features"]}
    fb = {f["name"]: f for f in b["features"]}
    if set(fa) != set(fb):
        bad.append("features differ: %s" % sorted(set(fa) ^ set(fb))[:10])
    worst = {"estimate": 0.0, "std_error": 0.0}
    for name in set(fa) & set(fb):
        for key in worst:
            x, y = fa[name].get(key), fb[name].get(key)
            if not close(x, y, tol):
                bad.append("%s %s: %r vs %r" % (name, key, x, y))
            elif x is not None:
                worst[key] = max(worst[key], abs(x - y))
    ca = {c["name"]: c for c in a["columns"]}
    cb = {c["name"]: c for c in b["columns"]}
    if list(ca) != list(cb):
        bad.append("columns differ: %s vs %s" % (list(ca), list(cb)))
    for name in set(ca) & set(cb):
        x, y = ca[name], cb[name]
        for key in ("median", "mean", "sd"):
            if key in x and not close(x[key], y.get(key), tol):
                bad.append("column %s %s: %r vs %r" % (name, key, x[key], y.get(key)))
        for key in ("type", "cuts", "bin_counts", "missing_count"):
            if x.get(key) != y.get(key):
                bad.append("column %s %s: %r vs %r" % (name, key, x.get(key), y.get(key)))
        if x.get("derived") != y.get("derived"):
            bad.append("column %s derived: %r vs %r" % (name, x.get("derived"), y.get("derived")))
        if "levels" in x:
            lx = {lv["name"]: lv["count"] for lv in x["levels"]}
            ly = {lv["name"]: lv["count"] for lv in y.get("levels", [])}
            if lx != ly:
                bad.append("column %s levels differ" % name)
            if x["levels"][x["reference"]]["name"] != y["levels"][y["reference"]]["name"]:
                bad.append("column %s reference differs" % name)

    def walk(p, x, y):
        if isinstance(x, dict):
            for k in x:
                if k in ("created", "sha256", "file", "input", "postgres_table"):
                    continue
                if k not in y:
                    bad.append("%s.%s missing" % (p, k))
                else:
                    walk(p + "." + k, x[k], y[k])
        elif isinstance(x, list):
            if len(x) != len(y):
                bad.append("%s: %d vs %d entries" % (p, len(x), len(y)))
            for i, (u, v) in enumerate(zip(x, y)):
                walk("%s[%d]" % (p, i), u, v)
        elif isinstance(x, float) or isinstance(y, float):
            if not close(float(x), float(y), tol):
                bad.append("%s: %r vs %r" % (p, x, y))
        elif x != y:
            bad.append("%s: %r vs %r" % (p, x, y))

    for key in ("fit", "holdout", "roles", "score", "drift", "baseline", "accounts"):
        if key == "drift":
            da, db = a.get("drift") or {}, b.get("drift") or {}
            walk("drift.score", da.get("score"), db.get("score") or {})
            for x, y in zip(da.get("columns", []), db.get("columns", [])):
                if "edges" in x:
                    walk("drift." + x["name"], x, y)
            continue
        if a.get(key) is None or b.get(key) is None:
            if (a.get(key) is None) != (b.get(key) is None):
                bad.append("%s: only in one model" % key)
            continue
        walk(key, a[key], b[key])
    for key in ("days_since", "account_column", "account_reference", "as_of"):
        if a["options"].get(key) != b["options"].get(key):
            bad.append("options.%s: %r vs %r" % (key, a["options"].get(key), b["options"].get(key)))
    wa = sorted(w["code"] for w in a.get("warnings", []))
    wb = sorted(w["code"] for w in b.get("warnings", []))
    if wa != wb:
        bad.append("warnings differ: %s vs %s" % (wa, wb))
    print("features %d, largest |d estimate| %.3g, |d std_error| %.3g, holdout %s"
          % (len(fa), worst["estimate"], worst["std_error"],
             "AUC %.6f vs %.6f" % (a["holdout"]["auc"], b["holdout"]["auc"]) if a.get("holdout") else "none"))
    for line in bad[:20]:
        print("MISMATCH", line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
