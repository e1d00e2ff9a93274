#!/usr/bin/python3
"""Held-out AUC of leadscore's models beside gradient boosting (issue 13).

  bench_points.py [--build build] [--shared ../shared] [--seed 42]
                  [--only NAME] [--rows N] [--workdir DIR]
                  [--seeds 42,1,2,3,4,5] [--depths]

For each dataset, one stratified 70/30 split (scikit-learn's
train_test_split, --seed) is written as two CSV files; every model is
trained on the 70 % and scored on the same 30 %:

  leadscore linear     leadscore-train (one linear term per numeric column)
  leadscore bins       leadscore-train --bins 10 --interactions 0
  leadscore bins+int   leadscore-train --bins 10 --interactions 10
  leadscore points     the --emit-rules sheet of bins+int, scored by
                       leadscore-score --rules (the rule score ranks leads)
  HistGradientBoosting scikit-learn's HistGradientBoostingClassifier
                       (defaults; categorical columns native)
  XGBoost              Debian's python3-xgboost: 400 trees, depth 5,
                       learning rate 0.05 (one-hot categorical columns)

With --depths, XGBoost also runs restricted to trees of depth 1, 2 and 3
(3000, 1600 and 1200 trees: the best of 800 to 6000 on X Education's
splits). A sum of depth-1 trees is an additive model, of depth-2 trees
one with pairs: the ceilings of `--bins --interactions 0` and of
`--bins --interactions K` as boosting finds them. They are not peers (the
gap is to the two above).

Datasets:
  xeducation           ../shared/datasets/xeducation_leads.csv, all columns
  xeducation-nosales   the same without the columns the sales team fills in
                       after contact (Tags, Lead Quality, Lead Profile, the
                       Asymmetrique indices, Last Notable Activity)
  sample               datasets/sample_leads.csv (the bundled sample)
  synthetic            --rows rows (default 20000) with known shapes (a
                       saturating visits curve, a time-on-site hump, a
                       recency decay) and one planted interaction (demo
                       requested x senior title)

With --seeds, every dataset is split once per seed (the split is the
noise: one split of X Education moves the AUC by +-0.002) and the last
lines give each dataset's gap to the better gradient-boosting peer per
seed, its mean and its standard error, then each model's mean AUC.

leadscore runs with its defaults otherwise (--l2 1, --min-level-count 10,
--holdout 0: the split is the script's). Prints one table per dataset and,
last, a line per dataset `best_gbm=... bins_int=...` for scripts.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

SALES = ["Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index",
         "Asymmetrique Profile Index", "Asymmetrique Activity Score",
         "Asymmetrique Profile Score", "Last Notable Activity"]


def synthetic(rows, seed):
    """Leads with nonlinear shapes and one planted interaction."""
    rng = np.random.default_rng(seed)
    visits = rng.poisson(4.0, rows).astype(float)
    minutes = np.round(rng.gamma(2.0, 6.0, rows), 1)
    recency = rng.integers(0, 180, rows).astype(float)
    title = rng.choice(["Manager", "Director", "VP", "Analyst", "Student"], rows,
                       p=[0.35, 0.2, 0.1, 0.25, 0.1])
    demo = rng.choice(["Yes", "No"], rows, p=[0.3, 0.7])
    source = rng.choice(["Web", "Ads", "Referral", "Event"], rows)
    senior = np.isin(title, ["Director", "VP"])
    eta = (-2.0 + 1.6 * (1 - np.exp(-visits / 2.5))            # saturating
           + 1.2 * np.exp(-((minutes - 15.0) / 8.0) ** 2)       # hump
           - 1.5 * (1 - np.exp(-recency / 45.0))                # decay
           + 0.4 * (demo == "Yes") - 1.0 * (title == "Student")
           + 1.5 * ((demo == "Yes") & senior)                   # planted pair
           + 0.3 * (source == "Referral"))
    y = (rng.random(rows) < 1 / (1 + np.exp(-eta))).astype(int)
    visits[rng.random(rows) < 0.03] = np.nan
    return pd.DataFrame({"id": [f"L{i:07d}" for i in range(rows)], "Visits": visits,
                         "Minutes": minutes, "Days Since Activity": recency,
                         "Title": title, "Demo Requested": demo, "Source": source,
                         "Converted": y})


def load(name, args):
    """(frame, target, id column, extra leadscore-train arguments)."""
    if name.startswith("xeducation"):
        path = os.path.join(args.shared, "datasets", "xeducation_leads.csv")
        df = pd.read_csv(path, na_values=["Select"], keep_default_na=True)
        df = df.drop(columns=["Lead Number"] + [c for c in df.columns if c.startswith("Unnamed")])
        if name.endswith("nosales"):
            df = df.drop(columns=SALES)
        return df, "Converted", "Prospect ID", ["--na-values", "Select"]
    if name == "sample":
        df = pd.read_csv(os.path.join(args.repo, "datasets", "sample_leads.csv"),
                         na_values=["Select"])
        df = df.drop(columns=["Email", "Company", "Last Activity Date", "Created Date"])
        return df, "Converted", "Lead ID", ["--na-values", "Select"]
    return synthetic(args.rows, args.seed), "Converted", "id", []


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 3):
        sys.exit(f"bench_points: {' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    return r


def leadscore(args, work, tag, train, test, target, idc, extra, opts):
    model = os.path.join(work, f"{tag}.json")
    out = os.path.join(work, f"{tag}.scores.csv")
    cmd = [os.path.join(args.build, "bin", "leadscore-train"), "-t", target, "--id", idc,
           "--holdout", "0", "-f", "-q", "-o", model] + extra + opts
    sheet = None
    if "--interactions" in opts and opts[opts.index("--interactions") + 1] != "0" and args.points:
        sheet = os.path.join(work, f"{tag}.rules.csv")
        cmd += ["--emit-rules", sheet]
    run(cmd + [train])
    run([os.path.join(args.build, "bin", "leadscore-score"), "-m", model, "-f", "-q",
         "--precision", "17", "-o", out] + ([] if sheet is None else ["--rules", sheet])
        + [test])
    s = pd.read_csv(out)
    return s["probability"].to_numpy(), (None if sheet is None else s["rule_score"].to_numpy())


def gbm(train_df, test_df, target, idc, depths=False):
    X = train_df.drop(columns=[target, idc])
    Xt = test_df.drop(columns=[target, idc])
    cats = [c for c in X.columns if X[c].dtype == object]
    res = {}
    # HistGradientBoosting: categorical columns as ordinal codes, declared
    Xh, Xth = X.copy(), Xt.copy()
    for c in cats:
        codes = {v: i for i, v in enumerate(sorted(X[c].dropna().unique()))}
        Xh[c] = X[c].map(codes).astype(float)
        Xth[c] = Xt[c].map(codes).astype(float)
    mask = [c in cats for c in X.columns]
    h = HistGradientBoostingClassifier(categorical_features=mask if any(mask) else None,
                                       random_state=0)
    h.fit(Xh, train_df[target])
    res["HistGradientBoosting"] = h.predict_proba(Xth)[:, 1]
    try:
        import xgboost
    except ImportError:
        print("note: python3-xgboost absent; XGBoost skipped", file=sys.stderr)
        return res
    both = pd.get_dummies(pd.concat([X, Xt]), columns=cats, dummy_na=False, dtype=float)
    Xx, Xtx = both.iloc[:len(X)], both.iloc[len(X):]
    x = xgboost.XGBClassifier(n_estimators=400, max_depth=5, learning_rate=0.05,
                              tree_method="hist", random_state=0, n_jobs=2)
    x.fit(Xx.to_numpy(), train_df[target])
    res["XGBoost"] = x.predict_proba(Xtx.to_numpy())[:, 1]
    for depth, trees in (((1, 3000), (2, 1600), (3, 1200)) if depths else ()):
        x = xgboost.XGBClassifier(n_estimators=trees, max_depth=depth, learning_rate=0.05,
                                  tree_method="hist", random_state=0, n_jobs=2)
        x.fit(Xx.to_numpy(), train_df[target])
        res[f"XGBoost depth {depth}"] = x.predict_proba(Xtx.to_numpy())[:, 1]
    return res


def bench(name, args, work):
    df, target, idc, extra = load(name, args)
    tr, te = train_test_split(df, test_size=0.3, stratify=df[target], random_state=args.seed)
    train = os.path.join(work, f"{name}.train.csv")
    test = os.path.join(work, f"{name}.test.csv")
    tr.to_csv(train, index=False)
    te.to_csv(test, index=False)
    y = te[target].to_numpy()
    rows = []
    variants = [("leadscore linear", []), ("leadscore bins", ["--bins", "10", "--interactions", "0"])]
    if args.interactions:
        variants.append(("leadscore bins+int", ["--bins", "10", "--interactions", "10"]))
    for label, opts in variants:
        p, rule = leadscore(args, work, f"{name}.{len(rows)}", train, test, target, idc, extra,
                            opts)
        rows.append((label, roc_auc_score(y, p)))
        if rule is not None:
            rows.append(("leadscore points sheet", roc_auc_score(y, rule)))
    for label, p in gbm(tr, te, target, idc, args.depths).items():
        rows.append((label, roc_auc_score(y, p)))
    print(f"\n{name}: {len(tr)} training rows, {len(te)} held out "
          f"(positive rate {y.mean():.3f})")
    for label, auc in rows:
        print(f"  {label:<24} AUC {auc:.4f}")
    d = dict(rows)
    best = max(d.get("HistGradientBoosting", 0), d.get("XGBoost", 0))
    ours = d.get("leadscore bins+int", d["leadscore bins"])
    return f"{name}: best_gbm={best:.4f} bins_int={ours:.4f} gap={ours - best:+.4f}", ours - best, d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--repo", default=os.path.dirname(here))
    ap.add_argument("--build", default=None)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--seeds", default=None, help="comma-separated seeds, one split each")
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--only", default=None)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--no-interactions", dest="interactions", action="store_false")
    ap.add_argument("--no-points", dest="points", action="store_false")
    ap.add_argument("--depths", action="store_true",
                    help="also XGBoost restricted to depth 1, 2, 3 (additive, pairs, triples)")
    args = ap.parse_args()
    args.build = args.build or os.path.join(args.repo, "build")
    args.shared = args.shared or os.path.join(os.path.dirname(args.repo), "shared")
    names = ["xeducation", "xeducation-nosales", "sample", "synthetic"]
    if args.only:
        names = [n for n in names if n == args.only]
    work = args.workdir or tempfile.mkdtemp(prefix="bench_points.")
    os.makedirs(work, exist_ok=True)
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    summary, gaps, aucs = [], {n: [] for n in names}, {n: {} for n in names}
    for seed in seeds:
        args.seed = seed
        for n in names:
            line, gap, d = bench(n, args, work)
            summary.append(line if len(seeds) == 1 else f"seed {seed} {line}")
            gaps[n].append(gap)
            for label, auc in d.items():
                aucs[n].setdefault(label, []).append(auc)
    print()
    for line in summary:
        print(line)
    if len(seeds) > 1:
        for n in names:
            g = np.array(gaps[n])
            print(f"{n}: gap over {len(g)} seeds mean={g.mean():+.4f} "
                  f"se={g.std(ddof=1) / np.sqrt(len(g)):.4f} "
                  f"min={g.min():+.4f} max={g.max():+.4f}")
        for n in names:
            for label, a in aucs[n].items():
                print(f"{n}: {label} mean AUC over {len(a)} seeds {np.mean(a):.4f}")


if __name__ == "__main__":
    main()
