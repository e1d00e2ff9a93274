#!/usr/bin/python3
"""Generate a lead table and its activity log with a known ground truth.

  gen_events.py --leads N [--seed S] [--as-of YYYY-MM-DD] [--rate-scale F]
                --out DIR [--preagg]

Writes into DIR:

  leads.csv    Prospect ID, Lead Source, Outcome Date, Converted
  events.csv   Lead Id, Activity Type, Timestamp (one row per event, in time
               order; Timestamp is YYYY-MM-DDThh:mm:ss)
  naive.csv    the lead table plus, per behaviour type, "<type> count": the
               events before the outcome date, counted the naive way (no
               time, no velocity)
  truth.json   the ground truth below and the numbers the trainer must
               report (events after their outcome date, events of unknown
               ids)
  preagg.csv   with --preagg: the lead table plus every feature
               leadscore-train --events derives (docs/events.md; windows
               7, 30, 90, half-life 30, reference day = the outcome date),
               for timing training on the equivalent pre-aggregated file

Ground truth. Lead i is created on day c_i (180 to 499 days before the
as-of date) with a page visit, and its outcome is decided on day
r_i = c_i + L_i (the "Outcome Date"), L_i uniform in 20 to 150 days.
Between them it has, per type t, Poisson(F * rate_t * a_i) events (rates
5, 4, 1.2, 0.8, 0.25 for Page Visit, Email Open, Video Play, Pricing Page,
Demo Request; F the --rate-scale, default 1: about 12 events a lead),
a_i ~ Gamma(2, 0.5) its engagement; a "hot" lead's events lean towards r_i
(Beta(3, 1) of its L_i days), a "cold" one's towards c_i (Beta(1, 3)). A
demo request comes within 6 days of creation for a "fast" lead (40 %),
else 7 days or more after. Then

  logit P(converted) = -2.6 + source_i
                       + sum_t beta_t * sum over its events 0.5^((r_i - day) / 10)
                       + 2.0 * [the lead's first demo request is within 6 days]

with beta = 0.3, 0, 0.6, 0.8, 1.0 for the types above,
so recency (a half-life of 10 days) and velocity matter, and a count alone
misses both. Email opens have no effect. After r_i a converted lead gets
1 + Poisson(1.5) "Onboarding Call" events (days r_i + 1 to r_i + 20, all
before the as-of date): counted, they would leak the outcome; with
--outcome-date "Outcome Date" the trainer cuts them. A few events belong to
ids that are not in the lead table (U0000001, ...).

Deterministic for a seed and numpy version; vectorised, written in chunks,
so 1M leads and ~10M events take a minute or so.
"""

import argparse
import datetime
import json
import os
import sys

import numpy as np

TYPES = ["Page Visit", "Email Open", "Video Play", "Pricing Page", "Demo Request"]
RATE = np.array([5.0, 4.0, 1.2, 0.8, 0.25])       # events per lead of engagement 1
BETA = np.array([0.3, 0.0, 0.6, 0.8, 1.0])      # effect of a fresh event
DECAY_HALF_LIFE = 10.0
FAST_DEMO = 2.0
INTERCEPT = -2.6
SOURCES = ["Website", "Google", "Referral", "Webinar", "Cold Call"]
SOURCE_P = [0.35, 0.3, 0.1, 0.15, 0.1]
SOURCE_EFFECT = np.array([0.0, -0.2, 0.6, 0.3, -0.5])
LEAD_MIN_DAYS, LEAD_MAX_DAYS = 20, 150
POST = "Onboarding Call"
CHUNK = 1_000_000

EPOCH = datetime.date(1970, 1, 1).toordinal()


def day_number(text):
    return datetime.date.fromisoformat(text).toordinal() - EPOCH


def day_text(day):
    return datetime.date.fromordinal(int(day) + EPOCH).isoformat()


def simulate(n, seed, asof, scale=1.0):
    """Leads, their events (lead, type, day, second of day) and the truth."""
    rng = np.random.default_rng(seed)
    created = asof - rng.integers(180, 500, n)
    life = rng.integers(LEAD_MIN_DAYS, LEAD_MAX_DAYS + 1, n)
    ref = created + life
    source = rng.choice(len(SOURCES), n, p=SOURCE_P)
    engagement = rng.gamma(2.0, 0.5, n)
    hot = rng.random(n) < 0.5
    fast = rng.random(n) < 0.4
    leads, types, days = [np.arange(n)], [np.zeros(n, dtype=np.int64)], [created]
    for t in range(len(TYPES)):
        k = rng.poisson(scale * RATE[t] * engagement)
        who = np.repeat(np.arange(n), k)
        u = np.where(hot[who], rng.beta(3.0, 1.0, who.size), rng.beta(1.0, 3.0, who.size))
        off = np.minimum((u * life[who]).astype(np.int64), life[who] - 1)
        if TYPES[t] == "Demo Request":
            off = np.where(fast[who], rng.integers(0, 7, who.size),
                           rng.integers(7, life[who]))
        leads.append(who)
        types.append(np.full(who.size, t, dtype=np.int64))
        days.append(created[who] + off)
    lead = np.concatenate(leads)
    typ = np.concatenate(types)
    day = np.concatenate(days)
    # the truth: decayed sums per type, the fast demo
    w = 0.5 ** ((ref[lead] - day) / DECAY_HALF_LIFE)
    eta = INTERCEPT + SOURCE_EFFECT[source]
    eta = eta + np.bincount(lead, weights=BETA[typ] * w, minlength=n)
    demo = typ == TYPES.index("Demo Request")
    first_demo = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_demo, lead[demo], day[demo])
    eta = eta + FAST_DEMO * (first_demo - created <= 6)
    converted = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    # after the outcome: onboarding calls of converted leads
    k = np.where(converted, 1 + rng.poisson(1.5, n), 0)
    who = np.repeat(np.arange(n), k)
    post_lead, post_day = who, ref[who] + rng.integers(1, 21, who.size)
    # ids not in the lead table
    n_unknown = max(3, n // 200)
    unk_day = asof - rng.integers(30, 400, n_unknown)
    unk_type = rng.integers(0, len(TYPES), n_unknown)
    lead = np.concatenate([lead, post_lead, -1 - np.arange(n_unknown)])
    typ = np.concatenate([typ, np.full(post_lead.size, len(TYPES)), unk_type])
    day = np.concatenate([day, post_day, unk_day])
    second = rng.integers(0, 86400, day.size)
    order = np.lexsort((second, day))
    ev = (lead[order], typ[order], day[order], second[order])
    truth = {"leads": int(n), "events": int(day.size), "converted": int(converted.sum()),
             "events_after_outcome": int(post_lead.size), "events_unknown_ids": int(n_unknown),
             "unknown_ids": int(n_unknown), "types": TYPES, "after_outcome_type": POST,
             "rates": RATE.tolist(), "betas": BETA.tolist(), "decay_half_life": DECAY_HALF_LIFE,
             "fast_demo_effect": FAST_DEMO, "intercept": INTERCEPT,
             "source_effects": dict(zip(SOURCES, SOURCE_EFFECT.tolist()))}
    return created, ref, source, converted, ev, truth


def lead_ids(n):
    return np.array(["P%07d" % (i + 1) for i in range(n)], dtype=object)


def write_leads(path, ids, ref, source, converted, extra=None):
    src = np.array(SOURCES, dtype=object)[source]
    dates = np.array([day_text(d) for d in range(ref.min(), ref.max() + 1)], dtype=object)
    out = dates[ref - ref.min()]
    conv = np.where(converted, "1", "0").astype(object)
    header = "Prospect ID,Lead Source,Outcome Date,Converted"
    cols = [ids, src, out, conv]
    if extra is not None:
        header += "," + ",".join(extra[0])
        cols += extra[1]
    with open(path, "w") as f:
        f.write(header + "\n")
        for a in range(0, ids.size, CHUNK):
            b = min(a + CHUNK, ids.size)
            row = cols[0][a:b]
            for c in cols[1:]:
                row = row + "," + c[a:b]
            f.write("\n".join(row) + "\n")


def write_events(path, ids, ev):
    lead, typ, day, second = ev
    names = np.array(TYPES + [POST], dtype=object)
    lo = int(day.min())
    dates = np.array([day_text(d) for d in range(lo, int(day.max()) + 1)], dtype=object)
    clock = np.array(["T%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
                      for s in range(86400)], dtype=object)
    unknown = np.array(["U%07d" % (i + 1) for i in range(int((lead < 0).sum()))], dtype=object)
    with open(path, "w") as f:
        f.write("Lead Id,Activity Type,Timestamp\n")
        for a in range(0, day.size, CHUNK):
            b = min(a + CHUNK, day.size)
            ll = lead[a:b]
            who = np.where(ll >= 0, ids[np.maximum(ll, 0)], unknown[np.maximum(-1 - ll, 0)])
            row = who + "," + names[typ[a:b]] + "," + dates[day[a:b] - lo] + clock[second[a:b]]
            f.write("\n".join(row) + "\n")


def num_text(x):
    """Numbers as the C trainer reads them back exactly (repr); NaN empty."""
    return np.array(["" if np.isnan(v) else repr(float(v)) for v in x], dtype=object)


def naive_columns(n, ref, ev):
    lead, typ, day, _ = ev
    keep = (lead >= 0) & (typ < len(TYPES)) & (day <= ref[np.maximum(lead, 0)])
    names, cols = [], []
    for t, name in enumerate(TYPES):
        c = np.bincount(lead[keep & (typ == t)], minlength=n)
        names.append(name + " count")
        cols.append(c.astype(str).astype(object))
    return names, cols


def preagg_columns(n, ref, ev, windows=(7, 30, 90), half_life=30.0):
    """Every feature of docs/events.md, reference day = the outcome date."""
    lead, typ, day, _ = ev
    keep = (lead >= 0) & (day <= ref[np.maximum(lead, 0)])
    lead, typ, day = lead[keep], typ[keep], day[keep]   # still in time order
    age = ref[lead] - day
    lead_first = np.full(n, -1)
    firsts = np.unique(lead, return_index=True)
    lead_first[firsts[0]] = day[firsts[1]]
    names, cols = [], []
    for t, name in enumerate(TYPES + [POST]):
        m = typ == t
        lt, dt, at = lead[m], day[m], age[m]
        count = np.bincount(lt, minlength=n)
        if count.sum() == 0:
            continue
        first = np.full(n, np.nan)
        last = np.full(n, np.nan)
        u, i = np.unique(lt, return_index=True)
        first[u] = dt[i]
        u, i = np.unique(lt[::-1], return_index=True)
        last[u] = dt[::-1][i]
        feats = [("count", count.astype(float))]
        for w in windows:
            feats.append(("last %d days" % w, np.bincount(lt[at < w], minlength=n).astype(float)))
        feats.append(("days since first", ref - first))
        feats.append(("days since last", ref - last))
        feats.append(("weighted", np.bincount(lt, weights=0.5 ** (at / half_life), minlength=n)))
        feats.append(("days from first event", first - lead_first))
        for label, x in feats:
            names.append("events: %s (%s)" % (name, label))
            cols.append(num_text(x))
    return names, cols


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--leads", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2026-06-30")
    ap.add_argument("--rate-scale", type=float, default=1.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--preagg", action="store_true")
    a = ap.parse_args()
    if a.leads < 1:
        sys.exit("gen_events.py: --leads must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    asof = day_number(a.as_of)
    created, ref, source, converted, ev, truth = simulate(a.leads, a.seed, asof,
                                                            a.rate_scale)
    ids = lead_ids(a.leads)
    truth["as_of"] = a.as_of
    truth["seed"] = a.seed
    write_leads(os.path.join(a.out, "leads.csv"), ids, ref, source, converted)
    write_events(os.path.join(a.out, "events.csv"), ids, ev)
    write_leads(os.path.join(a.out, "naive.csv"), ids, ref, source, converted,
                naive_columns(a.leads, ref, ev))
    if a.preagg:
        write_leads(os.path.join(a.out, "preagg.csv"), ids, ref, source, converted,
                    preagg_columns(a.leads, ref, ev))
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
