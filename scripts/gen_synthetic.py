#!/usr/bin/python3
"""Generate a synthetic CRM export of any size, for benchmarks.

  gen_synthetic.py --rows N [--seed S] [--out FILE|-]

Columns (header row, comma separated, LF line endings, no quoting needed):

  id                      S000000001, S000000002, ...
  source, industry, country, title, stage, campaign
                          categorical, 8 / 12 / 18 / 25 / 6 / 14 levels
                          (skewed, Zipf-like frequencies)
  demo_requested          Yes/No
  visits, pages, minutes, emails_opened, emails_clicked, downloads,
  days_since_activity, employees
                          numeric; minutes has one decimal. minutes,
                          days_since_activity and employees are ~2% missing
                          (empty field).
  converted               0/1

One-hot with a dropped reference level gives 77 level features, plus the flag
and 8 numeric columns: 86 features (89 with missing indicators for the three
columns that have missing values).

converted ~ Bernoulli(sigmoid(eta)), with eta LINEAR in the encoded features
(level effects, flag, raw numeric values) using the fixed coefficients below,
so a logistic regression on one-hot + numeric features is correctly
specified (the missing values are masked after the label is drawn, i.e.
missing completely at random). pages and employees have coefficient 0.
Positive rate is about 25%.

Output is deterministic for a given seed, row count and numpy version
(numpy's Generator, drawn in fixed chunks of CHUNK rows). Everything is
vectorised: rows are assembled from per-value string lookup tables with
numpy object-array concatenation, so 1M rows (~100 MB) take a few seconds.
"""

import argparse
import sys
import time

import numpy as np

CHUNK = 250_000

# name, levels, effect of each level on eta (first level: reference, 0)
CATEGORICAL = [
    ("source",
     ["Web Form", "Google Ads", "LinkedIn", "Referral", "Webinar", "Trade Show",
      "Cold Call", "Partner"],
     [0.0, -0.35, 0.10, 0.90, 0.30, 0.25, -0.70, 0.60]),
    ("industry",
     ["Software", "Financial Services", "Healthcare", "Manufacturing", "Retail",
      "Professional Services", "Education", "Telecommunications", "Logistics",
      "Media", "Energy", "Government"],
     [0.0, 0.15, 0.05, -0.10, -0.25, 0.10, -0.55, 0.00, -0.15, -0.20, 0.20, -0.40]),
    ("country",
     ["United States", "United Kingdom", "Germany", "Canada", "France", "India",
      "Australia", "Netherlands", "Spain", "Brazil", "Sweden", "Singapore", "Japan",
      "Ireland", "Italy", "Mexico", "Poland", "South Africa"],
     [0.0, 0.05, -0.10, 0.05, -0.15, -0.45, 0.10, 0.00, -0.20, -0.35, 0.15, 0.20,
      -0.30, 0.10, -0.15, -0.40, -0.25, -0.30]),
    ("title",
     ["Marketing Manager", "Sales Manager", "VP Sales", "VP Marketing", "Head of Sales",
      "Head of Marketing", "CEO", "CTO", "CFO", "COO", "Director of Operations",
      "IT Director", "Account Executive", "Sales Development Representative",
      "Marketing Coordinator", "Business Analyst", "Data Analyst", "Software Engineer",
      "Consultant", "Project Manager", "Product Manager", "Procurement Manager",
      "Office Manager", "Intern", "Student"],
     [0.0, 0.10, 0.85, 0.75, 0.70, 0.60, 0.65, 0.45, 0.40, 0.50, 0.35, 0.30, -0.20,
      -0.35, -0.25, -0.10, -0.30, -0.45, -0.15, 0.05, 0.15, 0.25, -0.40, -1.20, -1.60]),
    ("stage",
     ["New", "Contacted", "Engaged", "MQL", "SQL", "Nurture"],
     [0.0, 0.20, 0.55, 0.90, 1.50, -0.60]),
    ("campaign",
     ["None", "2026-Q1 Newsletter", "2026-Q1 Webinar Series", "Spring Promo",
      "Product Launch", "ROI Calculator", "Analyst Report", "Customer Stories",
      "Free Trial", "Summer Event", "2026-Q3 Newsletter", "Retargeting",
      "Partner Co-Marketing", "Year End Offer"],
     [0.0, 0.05, 0.25, -0.10, 0.15, 0.35, 0.20, 0.10, 0.55, 0.05, 0.00, -0.20,
      0.30, 0.15]),
]
FLAG = ("demo_requested", 1.30)  # Yes effect
NUMERIC = ["visits", "pages", "minutes", "emails_opened", "emails_clicked",
           "downloads", "days_since_activity", "employees"]
# effect per raw unit
NUM_COEF = {"visits": 0.06, "pages": 0.0, "minutes": 0.010, "emails_opened": 0.05,
            "emails_clicked": 0.15, "downloads": 0.20, "days_since_activity": -0.008,
            "employees": 0.0}
MISSING_RATE = {"minutes": 0.02, "days_since_activity": 0.02, "employees": 0.02}
INTERCEPT = -2.40
TARGET = "converted"

HEADER = ",".join(["id"] + [c[0] for c in CATEGORICAL] + [FLAG[0]] + NUMERIC + [TARGET])


def level_probs(k):
    w = 1.0 / np.arange(1, k + 1) ** 0.9
    return w / w.sum()


class Tables:
    """Cached ',value' lookup tables; the last entry of a table is ',' (missing)."""

    def __init__(self):
        self.int_tab = np.empty(0, dtype=object)
        self.tenth_tab = np.empty(0, dtype=object)

    def ints(self, v, missing=None):
        hi = int(v.max(initial=0)) + 1
        if hi > len(self.int_tab) - 1:
            n = max(hi, 2 * (len(self.int_tab) - 1), 1024)
            self.int_tab = np.array([f",{k}" for k in range(n)] + [","], dtype=object)
        idx = v.astype(np.int64)
        if missing is not None:
            idx = np.where(missing, len(self.int_tab) - 1, idx)
        return self.int_tab[idx]

    def tenths(self, v, missing=None):
        """v: integer tenths (e.g. 123 -> '12.3')."""
        hi = int(v.max(initial=0)) + 1
        if hi > len(self.tenth_tab) - 1:
            n = max(hi, 2 * (len(self.tenth_tab) - 1), 4096)
            self.tenth_tab = np.array([f",{k // 10}.{k % 10}" for k in range(n)] + [","],
                                      dtype=object)
        idx = v.astype(np.int64)
        if missing is not None:
            idx = np.where(missing, len(self.tenth_tab) - 1, idx)
        return self.tenth_tab[idx]


CAT_TABLES = [(np.array(["," + lv for lv in levels], dtype=object),
               np.asarray(effects, dtype=np.float64), level_probs(len(levels)))
              for _, levels, effects in CATEGORICAL]
FLAG_TAB = np.array([",No", ",Yes"], dtype=object)
Y_TAB = np.array([",0\n", ",1\n"], dtype=object)


def gen_chunk(rng, start, m, tabs):
    eta = np.full(m, INTERCEPT)
    parts = []
    for tab, eff, p in CAT_TABLES:
        codes = rng.choice(len(p), size=m, p=p)
        eta += eff[codes]
        parts.append(tab[codes])

    # latent engagement drives the counts
    eng = np.exp(rng.normal(0.0, 0.6, m) - 0.18)
    visits = rng.poisson(4.0 * eng)
    pages = visits + rng.poisson(1.6 * visits)
    minutes10 = np.rint(pages * rng.uniform(5.0, 18.0, m)).astype(np.int64)  # tenths
    opened = rng.poisson(3.0 * eng)
    clicked = rng.binomial(opened, 0.25)
    downloads = rng.poisson(0.6 * eng)
    days = np.minimum(np.floor(rng.exponential(45.0, m)), 330).astype(np.int64)
    employees = np.clip(np.rint(np.exp(rng.normal(np.log(200.0), 1.5, m))), 1, 500_000)
    demo = rng.random(m) < np.clip(0.04 + 0.05 * eng, 0.0, 0.6)

    eta += FLAG[1] * demo
    eta += (NUM_COEF["visits"] * visits + NUM_COEF["pages"] * pages
            + NUM_COEF["minutes"] * (minutes10 / 10.0)
            + NUM_COEF["emails_opened"] * opened + NUM_COEF["emails_clicked"] * clicked
            + NUM_COEF["downloads"] * downloads
            + NUM_COEF["days_since_activity"] * days
            + NUM_COEF["employees"] * employees)
    y = rng.random(m) < 1.0 / (1.0 + np.exp(-eta))

    miss = {c: rng.random(m) < r for c, r in MISSING_RATE.items()}
    parts.append(FLAG_TAB[demo.astype(np.int64)])
    parts.append(tabs.ints(visits))
    parts.append(tabs.ints(pages))
    parts.append(tabs.tenths(minutes10, miss["minutes"]))
    parts.append(tabs.ints(opened))
    parts.append(tabs.ints(clicked))
    parts.append(tabs.ints(downloads))
    parts.append(tabs.ints(days, miss["days_since_activity"]))
    parts.append(tabs.ints(employees, miss["employees"]))
    parts.append(Y_TAB[y.astype(np.int64)])

    acc = np.array([f"S{i:09d}" for i in range(start + 1, start + m + 1)], dtype=object)
    for p in parts:
        acc = acc + p  # element-wise str concatenation in C
    return "".join(acc.tolist()), int(y.sum())


def main():
    ap = argparse.ArgumentParser(description="Synthetic CRM export for benchmarks.")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="-", help="output file, '-' for stdout (default)")
    a = ap.parse_args()
    if a.rows < 0:
        ap.error("--rows must be >= 0")
    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    tabs = Tables()
    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="ascii", newline="")
    pos = 0
    try:
        out.write(HEADER + "\n")
        for start in range(0, a.rows, CHUNK):
            m = min(CHUNK, a.rows - start)
            text, p = gen_chunk(rng, start, m, tabs)
            out.write(text)
            pos += p
    finally:
        if out is not sys.stdout:
            out.close()
        else:
            out.flush()
    dt = time.perf_counter() - t0
    rate = pos / a.rows if a.rows else 0.0
    print(f"{a.out}: {a.rows} rows, positives {pos} ({rate:.1%}), {dt:.1f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
