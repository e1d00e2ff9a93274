"""Helpers for the SQL and PMML tests (tests/cli/sql_*.sh, pmml.sh).

  make SAMPLE.csv DIR      writes DIR/train.csv (the sample leads with a
                           column and a level whose names hold quotes) and
                           DIR/score.csv (the same rows plus edge cases:
                           padding, NA tokens, odd number syntax, text in a
                           numeric column, unseen levels), and DIR/create.sql
                           (a PostgreSQL table of TEXT columns for score.csv)
  binned SCORE.csv PREFIX MODEL.json...
                           writes PREFIX.csv: SCORE.csv plus rows whose
                           binned columns hold each cut of the models (as
                           written, with 17 digits, padded, signed, in
                           exponent form, the doubles just below and
                           above; a "days since" column: the dates at, a
                           day before and after each cut as of the model's
                           --as-of), missing values, text and out-of-range
                           numbers, and whose categorical columns hold
                           missing, unseen and padded values; and
                           PREFIX_create.sql (its PostgreSQL table, named
                           PREFIX's file name, of TEXT columns)
  planted DIR              writes DIR/planted.csv: 6,000 leads with shapes
                           and planted interactions (a demo request from a
                           senior title, many long visits, a recent demo
                           request), missing values and a quoted level
  rules C.csv OTHER.csv    rule scores: every row's rule_score, rule_tier,
                           rule_qualified, <dimension>_points and grade
                           equal (points to the cent)
  compare C.csv OTHER.csv [TOL]
                           every row: probability within TOL (1e-9 unless
                           given), equal score, tier and error (empty or
                           not; the text too when the C scorer's is not
                           truncated)
  and_rules DIR            writes DIR/and_rules.csv: rules with an
                           and-condition of every kind (text, in-list,
                           presence and number tests) on the sample leads
  strip_and SHEET.csv OUT.csv
                           the sheet without its and-conditions
  fired SHEET.csv WITH.csv WITHOUT.csv
                           from the rule_reasons of --explain-rules runs
                           with the sheet and with it stripped: every rule
                           with an and-condition fires for some row, and
                           for fewer rows than without the and-condition
  crm SAMPLE.csv DIR       writes DIR/crm.csv, an --accounts export of every
                           third company of the sample (names in other
                           case and spacing, contacts, engaged contacts
                           with some unknown, tiers with some empty and a
                           quote), and DIR/crm_rules.csv, a sheet with
                           "account has at least", "account tier is" and
                           "account has engaged contacts" rules
  hostile_names DIR        writes DIR/hostile_names.csv (a column whose name
                           holds a quote, a backslash and a newline, levels
                           likewise) and DIR/hostile_names_rules.csv (a sheet
                           on that column, values likewise)
"""
import csv
import datetime
import json
import os
import math
import sys

ODD_COLUMN = 'Country "ISO" l\'pays'
ODD_LEVEL = 'Media & "Press" O\'Brien'


def make(sample, out):
    rows = list(csv.reader(open(sample, newline="", encoding="utf-8")))
    header = rows[0]
    header = [ODD_COLUMN if h == "Country" else h for h in header]
    ind = header.index("Industry")
    body = rows[1:]
    for r in body:
        if r[ind] == "Media":
            r[ind] = ODD_LEVEL
    with open(f"{out}/train.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(body)
    col = {h: i for i, h in enumerate(header)}
    base = body[0]
    edits = [
        {"Website Visits": " 12 ", "Industry": "\tSoftware "},
        {"Website Visits": "NA", "Pages Viewed": "N/A", "Time on Site (min)": "NaN"},
        {"Website Visits": "NULL", "Pages Viewed": "null", "Industry": "Select"},
        {"Website Visits": "na", "Industry": "NA"},
        {"Website Visits": "1e1", "Pages Viewed": "+.5", "Time on Site (min)": "3."},
        {"Website Visits": "-2.5E-1", "Pages Viewed": "007", "Time on Site (min)": "1.e2"},
        {"Website Visits": "1e309"},
        {"Website Visits": "1,5"},
        {"Website Visits": "."},
        {"Website Visits": "1e"},
        {"Website Visits": "--1"},
        {"Website Visits": "1.2.3"},
        {"Website Visits": "12 visits", "Pages Viewed": "x"},
        {"Website Visits": "0x10"},
        {"Website Visits": "1" * 70},
        {"Pages Viewed": "123456789012345678901234567890"},
        {"Industry": "Aerospace (never seen)"},
        {"Industry": "(other)"},
        {"Industry": "(missing)"},
        {"Industry": ODD_LEVEL},
        {"Industry": " " + ODD_LEVEL + " "},
        {"Industry": "media"},
        {"Lead Source": "", "Seniority": "", "Company Size": ""},
        {ODD_COLUMN: "United States"},
        {"Emails Opened": "1e-400"},
        {"Emails Opened": "1000000"},
        {"Emails Opened": "-1000000"},
        # dates and accounts (the derived-feature model)
        {"Last Activity Date": " 2025-06-01 "},
        {"Last Activity Date": "2025-06-01T10:30:00Z"},
        {"Last Activity Date": "2025-06-01 10:30"},
        {"Last Activity Date": "2024-02-29"},
        {"Last Activity Date": "1600-03-01", "Company": ""},
        {"Last Activity Date": "0001-01-01", "Company": "NA"},
        {"Last Activity Date": "9999-12-31", "Company": " Edge Account "},
        {"Last Activity Date": "1900-02-28", "Company": "Edge Account"},
        {"Last Activity Date": "NA", "Company": "edge account"},
        {"Last Activity Date": ""},
        {"Last Activity Date": "2023-02-29"},
        {"Last Activity Date": "1900-02-29"},
        {"Last Activity Date": "2025-13-01"},
        {"Last Activity Date": "2025-04-31"},
        {"Last Activity Date": "0000-01-01"},
        {"Last Activity Date": "2025/06/01"},
        {"Last Activity Date": "2025-6-1"},
        {"Last Activity Date": "2025-06-01x"},
        {"Last Activity Date": "yesterday"},
    ]
    extra = []
    for k, e in enumerate(edits):
        r = list(base)
        r[col["Lead ID"]] = f"EDGE-{k:03d}"
        for name, v in e.items():
            r[col[name]] = v
        extra.append(r)
    with open(f"{out}/score.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(body + extra)
    with open(f"{out}/create.sql", "w", encoding="utf-8") as f:
        cols = ", ".join('"' + h.replace('"', '""') + '" TEXT' for h in header)
        f.write(f'CREATE TABLE "lead\'s table" ({cols});\n')


def planted(out):
    import random
    rnd = random.Random(11)
    as_of = datetime.date(2025, 6, 30)
    titles = ["Manager", "Director", "VP", "Analyst", ODD_LEVEL]
    companies = ["Acme %d" % k for k in range(900)]
    with open(os.path.join(out, "planted.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Lead ID", "Website Visits", "Minutes", "Seniority", "Demo Requested",
                    "Lead Source", "Last Activity Date", "Company", "Converted"])
        for i in range(6000):
            v = rnd.randint(0, 14)
            mins = round(rnd.gammavariate(2.0, 6.0), 1)
            t = rnd.choice(titles)
            d = rnd.choice(["Yes", "No"])
            src = rnd.choice(["Web", "Ads", "Event", "Select"])
            days = rnd.randint(0, 120)
            eta = (-1.6 + 1.4 * (1 - math.exp(-v / 3.0)) + 0.8 * math.exp(-((mins - 12) / 6) ** 2)
                   + 0.3 * (d == "Yes") + 1.6 * (d == "Yes" and t in ("Director", "VP"))
                   + 1.0 * (v >= 8 and mins >= 15) - days / 120
                   + 1.2 * (days <= 20 and d == "Yes"))
            y = int(rnd.random() < 1 / (1 + math.exp(-eta)))
            w.writerow(["P%05d" % i, "" if rnd.random() < 0.03 else v,
                        "NA" if rnd.random() < 0.02 else mins, t, d, src,
                        "" if rnd.random() < 0.02 else (as_of - datetime.timedelta(days=days)).isoformat(),
                        rnd.choice(companies[:rnd.choice([30, 300, 900])]), y])


def binned_edits(m):
    """The edits of binned(): values at the model's cuts and hostile ones."""
    edits = []
    for c in m["columns"]:
        derived = c.get("derived", {})
        if derived.get("kind") == "days_since":
            as_of = datetime.date.fromisoformat(m["options"]["as_of"])
            for cut in c["cuts"]:
                for d in (-1, 0, 1):
                    day = as_of - datetime.timedelta(days=int(cut) + d)
                    edits += [{derived["source"]: day.isoformat()},
                              {derived["source"]: day.isoformat() + "T23:59:59"}]
            edits += [{derived["source"]: t} for t in ["", "NA", "2025-02-30", "soon"]]
        elif derived:
            continue  # an account count: the data's counts cross the cuts
        elif c["type"] == "binned":
            for cut in c["cuts"]:
                texts = [repr(cut), "%.17g" % cut, " %r\t" % cut, "+%r" % cut, "%re0" % cut,
                         "%.3e" % cut, repr(math.nextafter(cut, -math.inf)),
                         repr(math.nextafter(cut, math.inf))]
                if cut == int(cut):
                    texts.append(str(int(cut)))
                edits += [{c["name"]: t} for t in texts]
            edits += [{c["name"]: t} for t in
                      ["", "NA", "NaN", "n/a", "1e309", "-1e309", "1e308", "-1e308", "1e-400",
                       "-0", "12 visits", "0x10", "1,5", "Inf", "nan"]]
        elif c["type"] == "categorical":
            known = [lv["name"] for lv in c["levels"] if lv["name"] not in ("(other)", "(missing)")]
            edits += [{c["name"]: t} for t in
                      ["", "NULL", "never seen", "(other)", "(missing)", " %s\t" % known[-1],
                       known[0].upper()]]
    return edits


def binned(score_path, prefix, model_paths):
    rows = list(csv.reader(open(score_path, newline="", encoding="utf-8")))
    header, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    base = body[0]
    edits = []
    for model_path in model_paths:
        edits += binned_edits(json.load(open(model_path, encoding="utf-8")))
    extra = []
    for k, e in enumerate(edits):
        r = list(base)
        r[col["Lead ID"]] = f"CUT-{k:04d}"
        for name, v in e.items():
            r[col[name]] = v
        extra.append(r)
    with open(prefix + ".csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(body + extra)
    with open(prefix + "_create.sql", "w", encoding="utf-8") as f:
        cols = ", ".join('"' + h.replace('"', '""') + '" TEXT' for h in header)
        f.write(f"CREATE TABLE {os.path.basename(prefix)} ({cols});\n")


# Values that once broke out of a literal or a comment: a backslash before a
# quote (PostgreSQL with standard_conforming_strings off reads \\' as an
# escaped quote), a statement after it, comment markers, dollar quotes,
# newlines. Each level is frequent enough to be a level of its own.
HOSTILE = ["x\\' ; DROP TABLE sentinel; --", "it's", "back\\slash\\", "$$", "$x$ $$ --",
           "semi;colon", "-- dash", "new\nline", "tab\there", "plain"]


def hostile(out):
    import random
    rnd = random.Random(7)
    with open(os.path.join(out, "hostile.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Lead ID", "Source\\' --", "Visits", "Converted"])
        for i in range(1200):
            lvl = rnd.randrange(len(HOSTILE))
            w.writerow(["H%04d" % i, HOSTILE[lvl], rnd.randint(0, 20),
                        int(rnd.random() < 0.15 + 0.05 * lvl)])
    with open(os.path.join(out, "hostile_create.sql"), "w", encoding="utf-8") as f:
        f.write('CREATE TABLE hostile ("Lead ID" TEXT, "Source\\\' --" TEXT, "Visits" TEXT, '
                '"Converted" TEXT);\n')
    with open(os.path.join(out, "hostile_rules.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "dimension", "column", "operator", "value", "points", "cap",
                    "description", "and column", "and operator", "and value"])
        src = "Source\\' --"
        w.writerow(["Q1", "fit", src, "equals", HOSTILE[0], 10])
        w.writerow(["Q2", "fit", src, "contains ignore case", "BACK\\", 7])
        w.writerow(["Q3", "fit", src, "in", "$$;it's", 5])
        w.writerow(["Q4", "engagement", "Visits", "per unit", 2, 3])
        # and-conditions holding the hostile values
        w.writerow(["Q5", "fit", "Visits", ">=", 5, 4, "", "", src, "equals", HOSTILE[0]])
        w.writerow(["Q6", "engagement", src, "is present", "", 2, "", "", src, "not in",
                    "$$;new\nline;x\\' ; DROP TABLE sentinel; --"])
        w.writerow(["Q7", "fit", "Visits", "<", 12, -3, "", "", src, "contains ignore case",
                    "IT'S"])
        w.writerow(["Q8", "engagement", "Visits", "per unit", 4, 1, "", "", src, "not contains",
                    "\\"])
        w.writerow(["Q9", "fit", src, "not equals", "plain", 1, "", "", src, "in",
                    "$x$ $$ --;semi;colon;tab\there"])


# Rules with an and-condition: every kind of and-operator (text with and
# without ignore case, in-lists, presence, every number test), on the same
# column or another one (one whose name holds quotes), under text, number,
# per-unit (with and without a cap) and date rules. (Not under account or
# priority rules: the C engine never binds their and-column.)
def and_rules(out):
    rows = [
        ["A1", "fit", "Seniority", "in", "VP;Director", 10, "", "", "Industry", "equals", "Software"],
        ["A2", "fit", "Seniority", "equals", "Manager", 5, "", "", "Industry",
         "not equals ignore case", "SOFTWARE"],
        ["A3", "fit", "Industry", "is present", "", 4, "", "", "Industry", "not in",
         "Retail;" + ODD_LEVEL],
        ["A4", "fit", "Company Size", "equals", "1001-5000", 6, "", "", "Lead Source",
         "contains ignore case", "ADS"],
        ["A5", "fit", "Lead Source", "not contains", "Web", 3, "", "", "Budget Confirmed",
         "is missing", ""],
        ["A6", "engagement", "Website Visits", ">=", 5, 7, "", "", "Pages Viewed", "between",
         "10 and 30"],
        ["A7", "engagement", "Pages Viewed", "per unit", 5, 2, 10, "", "Demo Requested", "equals",
         "Yes"],
        ["A8", "engagement", "Last Activity Date", "within", "30 days", 8, "", "",
         "Emails Opened", ">", 2],
        ["A9", "engagement", "Time on Site (min)", "<", 5, -4, "", "", "Website Visits", "<=", 2],
        ["A10", "engagement", "Webinar Attended", "equals", "Yes", 5, "", "",
         "Time on Site (min)", "<", "10.5"],
        ["A11", "fit", "Job Title", "contains ignore case", "manager", 3, "", "", "Seniority",
         "is present", ""],
        ["A12", "fit", ODD_COLUMN, "equals", "United States", 4, "", "", "Company", "contains",
         "Group"],
        ["A13", "fit", "Website Visits", "per unit", 2, 2, "", "", ODD_COLUMN, "in",
         "Canada;Germany"],
        ["A14", "fit", "Industry", "not in", "Software;Retail", 2, "", "", "Website Visits", ">=",
         "1e1"],
        ["A15", "engagement", "Emails Clicked", ">", 0, 3, "", "", "Content Downloads", "not equals",
         "0"],
        ["A16", "engagement", "Website Visits", "per unit", 1, 1, 5, "", "Website Visits", ">", 3],
        ["A17", "engagement", "Last Activity Date", "older than", "60 days", -6, "", "",
         "Email Bounced", "not contains", "o"],
        ["A18", "fit", "Industry", "equals", ODD_LEVEL, 9, "", "", "Job Title",
         "contains", "Manager"],
        ["setting", "total", "", "allow negative", "yes"],
        ["setting", "total", "", "qualified", 20],
        ["setting", "total", "", "hot", 30],
        ["setting", "total", "", "warm", 15],
        ["setting", "", "", "missing values", "Select"],
    ]
    with open(os.path.join(out, "and_rules.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "dimension", "column", "operator", "value", "points", "cap",
                    "description", "and column", "and operator", "and value"])
        for r in rows:
            w.writerow(r + [""] * (11 - len(r)))


def strip_and(sheet, out):
    rows = list(csv.reader(open(sheet, newline="", encoding="utf-8")))
    with open(out, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([r[:8] for r in rows])


def fired(sheet, with_path, without_path):
    def counts(path):
        n = {}
        for r in csv.DictReader(open(path, newline="", encoding="utf-8")):
            for hit in filter(None, r["rule_reasons"].split(";")):
                rid = hit.rsplit(":", 1)[0]
                n[rid] = n.get(rid, 0) + 1
        return n
    w, wo = counts(with_path), counts(without_path)
    ids = [r["id"] for r in csv.DictReader(open(sheet, newline="", encoding="utf-8"))
           if r["id"] != "setting" and r.get("and column")]
    bad = [i for i in ids if not 0 < w.get(i, 0) < wo.get(i, 0)]
    print(f"{len(ids)} rules with an and-condition; fire with/without it: "
          + ", ".join(f"{i} {w.get(i, 0)}/{wo.get(i, 0)}" for i in ids[:30]))
    if bad:
        print("not restricted by the and-condition or never firing: " + ", ".join(bad))
    return 1 if bad or not ids else 0


# A column name and levels with double and single quotes, backslashes and
# newlines (a header with a newline needs a CSV reader that honours quotes in
# the header too; sql_duckdb.sh).
ODD_NAME = 'Note "x"\n\\ it\'s'
ODD_LEVELS = ['a"b', "it's\nnew", 'back\\', "x\\' ; DROP TABLE sentinel; --", 'plain',
              'Tab\there']


def hostile_names(out):
    import random
    rnd = random.Random(3)
    with open(os.path.join(out, "hostile_names.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Lead ID", ODD_NAME, "Visits", "Converted"])
        for i in range(900):
            k = rnd.randrange(len(ODD_LEVELS))
            w.writerow(["N%04d" % i, ODD_LEVELS[k], rnd.randint(0, 9),
                        int(rnd.random() < 0.2 + 0.1 * k)])
    with open(os.path.join(out, "hostile_names_rules.csv"), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "dimension", "column", "operator", "value", "points"])
        w.writerow(["N1", "fit", ODD_NAME, "equals", "it's\nnew", 10])
        w.writerow(["N2", "fit", ODD_NAME, "contains ignore case", "TAB\t", 5])
        w.writerow(["N3", "fit", ODD_NAME, "in", 'a"b;back\\', 3])
        w.writerow(["N4", "engagement", "Visits", ">=", 5, 2])


def compare(c_path, other_path, tol=1e-9):
    c = list(csv.DictReader(open(c_path, newline="", encoding="utf-8")))
    o = list(csv.DictReader(open(other_path, newline="", encoding="utf-8")))
    if len(c) != len(o):
        print(f"row counts differ: {len(c)} vs {len(o)}")
        return 1
    by_id = {r["Lead ID"]: r for r in o}
    worst, bad, rejected = 0.0, 0, 0
    for r in c:
        s = by_id.get(r["Lead ID"])
        if s is None:
            print(f"{r['Lead ID']}: missing")
            bad += 1
            continue
        if r["error"]:
            rejected += 1
            same = bool(s["error"]) and s["probability"] in ("", None) and not s["score"]
            if same and len(r["error"]) < 60 and r["error"] != s["error"]:
                same = False
            if not same:
                print(f"{r['Lead ID']}: C rejected ({r['error']}), other gave {s}")
                bad += 1
            continue
        p, q = float(r["probability"]), float(s["probability"] or "nan")
        d = abs(p - q) if not math.isnan(q) else math.inf
        worst = max(worst, d)
        if d > tol or int(r["score"]) != int(float(s["score"])) or r["tier"] != s["tier"] \
                or s["error"]:
            print(f"{r['Lead ID']}: C {r['probability']},{r['score']},{r['tier']} "
                  f"vs {s['probability']},{s['score']},{s['tier']},{s['error']}")
            bad += 1
    print(f"{len(c)} rows ({rejected} rejected by both), largest |dp| = {worst:.3g}, "
          f"{bad} mismatches")
    return 1 if bad else 0


def rules(c_path, other_path):
    c = list(csv.DictReader(open(c_path, newline="", encoding="utf-8")))
    o = list(csv.DictReader(open(other_path, newline="", encoding="utf-8")))
    if len(c) != len(o):
        print(f"row counts differ: {len(c)} vs {len(o)}")
        return 1
    key = next(iter(c[0]))  # the id column comes first
    by_id = {r[key]: r for r in o}
    cols = [k for k in c[0] if k == "rule_score" or k.endswith("_points")]
    text = ["rule_tier", "rule_qualified", "grade"]
    bad, fired = 0, {}
    for r in c:
        s = by_id.get(r[key])
        if s is None:
            print(f"{r[key]}: missing")
            bad += 1
            continue
        same = all(round(float(r[k]) * 100) == round(float(s[k]) * 100) for k in cols) and \
            all((r[k] or "") == (s[k] or "") for k in text)
        for k in text:
            fired[(k, r[k])] = fired.get((k, r[k]), 0) + 1
        if not same:
            print(f"{r[key]}: C {[r[k] for k in cols + text]} vs {[s[k] for k in cols + text]}")
            bad += 1
    print(f"{len(c)} rows, columns {cols + text}, {bad} mismatches; "
          f"{sorted(fired.items())}")
    return 1 if bad else 0


def crm(sample, out):
    rows = list(csv.DictReader(open(sample, newline="", encoding="utf-8")))
    names = sorted({r["Company"] for r in rows if r["Company"].strip()})
    tiers = ["Strategic", "enterprise", "", "Mid-Market", "O'Neil \"A\" tier"]
    with open(f"{out}/crm.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Account Name", "Owner", "Number of Contacts", "Engaged Contacts", "Tier"])
        for k, name in enumerate(names[::3]):
            shown = [name.upper(), "  " + name.replace(" ", "   ") + " ", name.lower()][k % 3]
            w.writerow([shown, "owner", (k * 7) % 13, "" if k % 5 == 0 else (k * 3) % 6,
                        tiers[k % len(tiers)]])
    with open(f"{out}/crm_rules.csv", "w", newline="", encoding="utf-8") as f:
        f.write("id,dimension,column,operator,value,points,cap\n"
                "A1,fit,Company,account has at least,8,+10,\n"
                "T1,fit,Company,account tier is,STRATEGIC;Enterprise,+20,\n"
                "T2,fit,Company,account tier in,\"o'neil \"\"a\"\" tier\",+3,\n"
                "E1,engagement,Company,account has engaged contacts,3,+5,\n")


if __name__ == "__main__":
    if sys.argv[1] == "crm":
        crm(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "hostile":
        hostile(sys.argv[2])
    elif sys.argv[1] == "and_rules":
        and_rules(sys.argv[2])
    elif sys.argv[1] == "planted":
        planted(sys.argv[2])
    elif sys.argv[1] == "binned":
        binned(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "strip_and":
        strip_and(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "fired":
        sys.exit(fired(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif sys.argv[1] == "hostile_names":
        hostile_names(sys.argv[2])
    elif sys.argv[1] == "rules":
        sys.exit(rules(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3], *map(float, sys.argv[4:5])))
