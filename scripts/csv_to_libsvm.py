#!/usr/bin/python3
"""Convert a CSV (e.g. from gen_synthetic.py) to LIBSVM format for liblinear.

  csv_to_libsvm.py IN.csv OUT.libsvm [--target converted] [--id id]
                   [--labels pm1|01] [--features-out NAMES.txt]

The usual preprocessing a liblinear user would do by hand:
  * categorical (non-numeric) columns: one-hot with every level seen, the
    first level (sorted) dropped as the reference; a missing value is its own
    level "(missing)". A Yes/No flag becomes one 0/1 feature.
  * numeric columns: missing values replaced by the column median, then
    standardised, (x - mean) / sd with the population sd (ddof=0); a
    constant column is dropped.
  * label: +1 / -1 (--labels pm1, default) or 1 / 0 (--labels 01). The
    target column must hold 0/1.
Feature indices are 1-based, in column order (each categorical column's
levels in sorted order); zeros of one-hot features are omitted, numeric
values are written with 7 significant digits. Rows keep their order.
--features-out writes "index<TAB>name" lines ("column=level" for levels).

Reading uses pandas; writing is vectorised (per-value lookup tables and
numpy object-array concatenation), so it needs no dense design matrix.
The time taken is printed to stderr.
"""

import argparse
import sys
import time

import numpy as np
import pandas as pd


def unique_strings(values, fmt):
    """Formats each distinct value once; returns an object array per row."""
    uniq, inv = np.unique(values, return_inverse=True)
    tab = np.array([fmt(u) for u in uniq], dtype=object)
    return tab[inv]


def main():
    ap = argparse.ArgumentParser(description="CSV -> LIBSVM (one-hot, median impute, standardise).")
    ap.add_argument("input")
    ap.add_argument("output", help="output file, '-' for stdout")
    ap.add_argument("--target", default="converted")
    ap.add_argument("--id", default="id", help="id column to drop ('' for none)")
    ap.add_argument("--labels", choices=["pm1", "01"], default="pm1")
    ap.add_argument("--features-out", help="write 'index<TAB>name' per feature")
    a = ap.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(a.input, keep_default_na=True, low_memory=False)
    t_read = time.perf_counter() - t0
    if a.target not in df.columns:
        sys.exit(f"csv_to_libsvm: no target column {a.target!r}")
    y = pd.to_numeric(df.pop(a.target), errors="raise").to_numpy()
    if not np.isin(y, (0, 1)).all():
        sys.exit("csv_to_libsvm: target must be 0/1")
    if a.id and a.id in df.columns:
        df.pop(a.id)

    pos_lab, neg_lab = ("+1", "-1") if a.labels == "pm1" else ("1", "0")
    acc = np.where(y == 1, pos_lab, neg_lab).astype(object)
    names = []
    j = 0  # last feature index used
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = s.to_numpy(dtype=np.float64)
            med = np.nanmedian(x) if np.isfinite(x).any() else 0.0
            x = np.where(np.isnan(x), med, x)
            mu, sd = x.mean(), x.std()
            if not sd > 0:
                continue
            j += 1
            names.append(col)
            z = (x - mu) / sd
            jj = j
            acc = acc + unique_strings(z, lambda v, jj=jj: f" {jj}:{v:.7g}")
        else:
            codes, levels = pd.factorize(s.astype(object).where(s.notna(), "(missing)").astype(str),
                                         sort=True)
            if len(levels) < 2:
                continue
            # level k (k >= 1) -> feature j + k; level 0 is the reference
            tab = np.array([""] + [f" {j + k}:1" for k in range(1, len(levels))], dtype=object)
            names.extend(f"{col}={lv}" for lv in levels[1:])
            j += len(levels) - 1
            acc = acc + tab[codes]
    t_enc = time.perf_counter() - t0 - t_read

    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8", newline="")
    try:
        step = 500_000
        for i in range(0, len(acc), step):
            out.write("\n".join(acc[i:i + step].tolist()))
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    if a.features_out:
        with open(a.features_out, "w", encoding="utf-8") as f:
            for k, n in enumerate(names, 1):
                f.write(f"{k}\t{n}\n")
    dt = time.perf_counter() - t0
    print(f"csv_to_libsvm: {len(acc)} rows, {j} features, positives {int(y.sum())}; "
          f"read {t_read:.2f} s, encode {t_enc:.2f} s, total {dt:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
