#!/usr/bin/python3
"""Recomputes activity-log features (docs/events.md) in plain Python, for
tests/cli/events.sh: an implementation independent of the C one (no numpy),
written from the documentation.

  events_check.py design MODEL DESIGN.csv LEADS.csv EVENTS.csv...
      the trainer's --export-design equals the features recomputed with each
      lead's reference day its outcome date (the model's events.outcome_date,
      else its as-of date), imputed and standardised as the model says

  events_check.py score MODEL SCORES.csv AS_OF LEADS.csv EVENTS.csv...
      the scorer's probabilities (--precision 17) and every reason
      (--reasons N: "name=value:+contribution") equal the recomputation as
      of AS_OF

  events_check.py sqlcase DIR
      writes DIR/leads.csv and DIR/events.csv for the SQL tests (edge cases;
      events_train.csv: the same without the times that are not dates)

  events_check.py count AS_OF EVENTS.csv...
      prints the events after AS_OF (the scorer reads every id of the log)

Exit status 0 when everything agrees within 1e-12, else 1 with the first
differences on stderr.
"""

import csv
import datetime
import json
import math
import os
import sys

EPOCH = datetime.date(1970, 1, 1).toordinal()
TOL = 1e-12
LABEL = {"count": "count", "days_since_first": "days since first",
         "days_since_last": "days since last", "weighted": "weighted",
         "days_from_first_event": "days from first event"}


def day(text):
    """YYYY-MM-DD with an optional time after T or a space: its day number."""
    text = text.strip()
    if len(text) > 10 and text[10] not in "T ":
        raise ValueError(text)
    return datetime.date.fromisoformat(text[:10]).toordinal() - EPOCH


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def aggregate(paths, ref_of, cols):
    """Per (lead, type): the days of its counted events, in log order; per
    lead: the first counted day. ref_of maps a lead id to its reference
    day (absent: not a lead)."""
    days, first = {}, {}
    for p in paths:
        for r in read_csv(p):
            lead, typ, t = (r[c].strip() for c in cols)
            if lead == "" or typ == "" or t == "" or lead not in ref_of:
                continue
            d = day(t)
            if d > ref_of[lead]:
                continue
            days.setdefault((lead, typ), []).append(d)
            first[lead] = min(first.get(lead, d), d)
    return days, first


def feature(col, days, ref, lead_first, half_life):
    """One feature's value (None: missing)."""
    stat = col["stat"]
    if stat == "count":
        return float(len(days))
    if stat == "window":
        return float(sum(1 for d in days if ref - d < col["days"]))
    if stat == "weighted":
        s = 0.0
        for d in days:
            s += 0.5 ** ((ref - d) / half_life)
        return s
    if not days:
        return None
    if stat == "days_since_first":
        return float(ref - min(days))
    if stat == "days_since_last":
        return float(ref - max(days))
    return float(min(days) - lead_first)  # days_from_first_event


def model_parts(path):
    m = json.load(open(path))
    ev = m["events"]
    cols = (ev["log_columns"]["id"], ev["log_columns"]["type"], ev["log_columns"]["time"])
    return m, ev, cols


def lead_features(m, ev, lead, ref, days, first):
    """{column name: raw value or None} of one lead's event columns."""
    out = {}
    for c in m["columns"]:
        d = c.get("derived")
        if not d or d["kind"] != "event":
            continue
        want = "events: %s (%s)" % (d["type"], "last %d days" % d["days"]
                                    if d["stat"] == "window" else LABEL[d["stat"]])
        assert c["name"] == want, (c["name"], want)
        ds = days.get((lead, d["type"]), [])
        out[c["name"]] = feature(d, ds, ref, first.get(lead), ev["half_life"])
    return out


def numeric_part(c, x, coef):
    """(standardised value, missing indicator or None, contribution)."""
    z = ((c["median"] if x is None else x) - c["mean"]) / c["sd"]
    part = coef[c["feature"]] * z
    ind = None
    if c["missing_feature"] is not None:
        ind = 1.0 if x is None else 0.0
        if x is None:
            part += coef[c["missing_feature"]]
    return z, ind, part


def check_design(model, design, leads_path, events):
    m, ev, cols = model_parts(model)
    leads = read_csv(leads_path)
    asof = day(ev["as_of"])
    ref_of = {}
    refs = []
    for r in leads:
        t = r[ev["outcome_date"]].strip() if ev["outcome_date"] else ""
        ref = day(t) if t else asof
        refs.append(ref)
        ref_of.setdefault(r[ev["lead_id"]].strip(), ref)
    days, first = aggregate(events, ref_of, cols)
    rows = read_csv(design)
    assert len(rows) == len(leads), (len(rows), len(leads))
    names = [f["name"] for f in m["features"]]
    bad, checked = 0, 0
    for r, lead_row, ref in zip(rows, leads, refs):
        lead = lead_row[ev["lead_id"]].strip()
        f = lead_features(m, ev, lead, ref_of[lead], days, first)
        for c in m["columns"]:
            if c["name"] not in f:
                continue
            z, ind, _ = numeric_part(c, f[c["name"]], [0.0] * len(names))
            got = float(r[c["name"]])
            checked += 1
            if abs(got - z) > TOL:
                bad += 1
                if bad <= 5:
                    print("design %s %s: %r, recomputed %r" % (lead, c["name"], got, z),
                          file=sys.stderr)
            if ind is not None and float(r[c["name"] + "=(missing)"]) != ind:
                bad += 1
    print("design: %d event values checked, %d differ" % (checked, bad))
    return bad == 0 and checked > 0


def level_part(m, c, value, coef):
    levels = [lv["name"] for lv in c["levels"]]
    k = levels.index(value) if value in levels else c["other"] if c["other"] is not None \
        else c["reference"]
    f = c["levels"][k]["feature"]
    return coef[f] if f is not None else 0.0


def check_scores(model, scores, as_of, leads_path, events):
    m, ev, cols = model_parts(model)
    coef = [f["estimate"] for f in m["features"]]
    ref = day(as_of)
    leads = read_csv(leads_path)
    ref_of = {r[ev["lead_id"]].strip(): ref for r in leads}
    days, first = aggregate(events, ref_of, cols)
    out = read_csv(scores)
    assert len(out) == len(leads)
    worst, reasons = 0.0, 0
    for lead_row, s in zip(leads, out):
        lead = lead_row[ev["lead_id"]].strip()
        f = lead_features(m, ev, lead, ref, days, first)
        eta, parts = coef[0], {}
        for c in m["columns"]:
            if c["name"] in f:
                part = numeric_part(c, f[c["name"]], coef)[2]
            elif c["type"] == "categorical":
                part = level_part(m, c, lead_row[c["name"]].strip(), coef)
            else:
                raise SystemExit("events_check.py: column %s not handled" % c["name"])
            parts[c["name"]] = part
            eta += part
        p = 1.0 / (1.0 + math.exp(-eta))
        worst = max(worst, abs(p - float(s["probability"])))
        for side in ("reasons_positive", "reasons_negative"):
            for item in filter(None, s.get(side, "").split(";")):
                head, contrib = item.rsplit(":", 1)
                name, shown = head.rsplit("=", 1)
                reasons += 1
                worst = max(worst, abs(parts[name] - float(contrib)))
                if name in f:
                    x = f[name]
                    if (x is None) != (shown == "(missing)") or (x is not None and float(shown) != x):
                        print("reason %s %s shows %s, recomputed %r" % (lead, name, shown, x),
                              file=sys.stderr)
                        return False
    print("scores: %d leads, %d reasons; largest difference %.3g" % (len(out), reasons, worst))
    return worst <= TOL and reasons > 0


def count_after(as_of, events):
    ref = day(as_of)
    n = 0
    for p in events:
        for r in read_csv(p):
            if day(r["Timestamp"]) > ref:
                n += 1
    print(n)
    return True


def sql_case(out):
    """A small lead table and log for the SQL tests (no numpy): 500 leads,
    random events, and the edge cases the statement must read as the
    scorer does: padded ids, types and times, one-digit months and days,
    times that are no dates (skipped), missing ids, types and times, events
    after the as-of date, a type the model lacks, a lead id that is a
    missing-value token."""
    import random
    rng = random.Random(7)
    types = ["Page Visit", "Email Open", "Video Play", "Demo Request"]
    leads, events = [], []
    base = datetime.date(2026, 6, 30).toordinal()
    for i in range(500):
        lid = "L%04d" % i
        n = [rng.randint(0, 6), rng.randint(0, 4), rng.randint(0, 2), int(rng.random() < 0.3)]
        score = -1.5 + 0.3 * n[0] + 0.5 * n[2] + 1.5 * n[3]
        y = int(rng.random() < 1 / (1 + math.exp(-score)))
        leads.append([lid, rng.choice(["Web", "Mail", "Fair"]), str(y)])
        for t, k in enumerate(n):
            for _ in range(k):
                d = datetime.date.fromordinal(base - rng.randint(0, 200))
                events.append([lid, types[t], "%sT%02d:%02d:00" % (d.isoformat(), rng.randint(0, 23),
                                                                    rng.randint(0, 59))])
    rng.shuffle(events)
    leads[3][0] = " L0003 "      # padded in the lead table
    leads[4][0] = "NA"           # a missing id: no events
    leads.append(["L9999", "Web", "0"])  # no events at all
    events += [[" L0005 ", " Page Visit ", " 2026-3-5T10:00 "],   # padded, one digit
               ["L0005", "Page Visit", "2026-05-01 10:00"],         # a time after a space
               ["L0005", "Page Visit", "31/03/2026"],               # not a date: skipped
               ["L0005", "Page Visit", "2026-02-30"],               # no such day: skipped
               ["L0005", "Page Visit", "2026-5-123"],               # a third digit: skipped
               ["L0005", "Page Visit", ""],                         # no time
               ["L0005", "", "2026-05-02"],                         # no type
               ["NA", "Page Visit", "2026-05-02"],                  # no id
               ["", "Page Visit", "2026-05-02"],
               ["L0006", "Page Visit", "2026-07-01"],               # after the as-of date
               ["L0006", "Webinar", "2026-05-02"],                  # a type of no feature
               ["L0003", "Demo Request", "2026-06-29"],
               ["L0003", "Demo Request", "2026-06-30T23:59:59"]]
    clean = [e for e in events if e[2] not in ("31/03/2026", "2026-02-30", "2026-5-123")]
    eh = ["Lead Id", "Activity Type", "Timestamp"]
    for name, rows, header in (("leads.csv", leads, ["Lead ID", "Source", "Converted"]),
                               ("events.csv", events, eh), ("events_train.csv", clean, eh)):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    return True


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "design":
        ok = check_design(args[0], args[1], args[2], args[3:])
    elif cmd == "score":
        ok = check_scores(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == "sqlcase":
        ok = sql_case(args[0])
    elif cmd == "count":
        ok = count_after(args[0], args[1:])
    else:
        raise SystemExit("events_check.py: unknown command " + cmd)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
