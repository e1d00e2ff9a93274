"""A small PMML 4.4 evaluator for what --emit-pmml writes (tests/cli/pmml.sh):
DataDictionary missing values, DerivedFields built from FieldRef (with
mapMissingTo), Constant, Apply (+ - * / min max floor if isMissing
greaterOrEqual), MapValues (one or more keys; numeric outputs as
numbers) and Discretize (closedOpen intervals), a RegressionModel with
normalizationMethod "logit", and the Output fields. A value that is not a
number in a continuous field makes the row invalid (None), as the
MiningSchema's returnInvalid says. It recomputes the probability, score and
tier of every lead of a CSV file and compares them with the C scorer's
(--precision 17; its first column, the id, pairs the rows): probabilities
to 1e-9 (or TOLERANCE), scores and tiers equal.

usage: pmml_eval.py MODEL.pmml LEADS.csv C_SCORES.csv [TOLERANCE]
"""
import csv
import math
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.dmg.org/PMML-4_4}"


def tag(e):
    return e.tag[len(NS):] if e.tag.startswith(NS) else e.tag


class Model:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        assert tag(root) == "PMML" and root.get("version") == "4.4", "not PMML 4.4"
        self.fields = {}
        for f in root.find(NS + "DataDictionary"):
            missing = {v.get("value") for v in f.findall(NS + "Value") if v.get("property") == "missing"}
            self.fields[f.get("name")] = (f.get("optype"), missing)
        self.derived = [(d.get("name"), d[0]) for d in root.find(NS + "TransformationDictionary")]
        rm = root.find(NS + "RegressionModel")
        assert rm.get("normalizationMethod") == "logit" and rm.get("functionName") == "classification"
        self.target = [m.get("name") for m in rm.find(NS + "MiningSchema") if m.get("usageType") == "target"][0]
        tables = rm.findall(NS + "RegressionTable")
        self.table = [t for t in tables if t.get("targetCategory") == "1"][0]
        assert float([t for t in tables if t.get("targetCategory") == "0"][0].get("intercept")) == 0
        self.outputs = list(rm.find(NS + "Output"))

    def expr(self, e, env):
        t = tag(e)
        if t == "Constant":
            return e.text if e.get("dataType") == "string" else float(e.text)
        if t == "FieldRef":
            v = env.get(e.get("field"))
            if v is None and e.get("mapMissingTo") is not None:
                return float(e.get("mapMissingTo"))
            return v
        if t == "MapValues":
            num = e.get("dataType") in ("double", "integer")
            conv = (lambda x: None if x is None else float(x)) if num else (lambda x: x)
            keys = [(p.get("field"), p.get("column")) for p in e.findall(NS + "FieldColumnPair")]
            vals = [env.get(f) for f, _ in keys]
            if any(v is None for v in vals):
                return conv(e.get("mapMissingTo"))
            for row in e.find(NS + "InlineTable"):
                cells = [row.find(NS + c).text for _, c in keys]
                if all(c == v if isinstance(v, str) else float(c) == v for c, v in zip(cells, vals)):
                    return conv(row.find(NS + e.get("outputColumn")).text)
            return conv(e.get("defaultValue"))
        if t == "Discretize":
            v = env.get(e.get("field"))
            if v is None:
                return float(e.get("mapMissingTo"))
            for b in e.findall(NS + "DiscretizeBin"):
                i = b.find(NS + "Interval")
                assert i.get("closure") == "closedOpen"
                lo, hi = i.get("leftMargin"), i.get("rightMargin")
                if (lo is None or v >= float(lo)) and (hi is None or v < float(hi)):
                    return float(b.get("binValue"))
            return None
        assert t == "Apply", t
        f = e.get("function")
        args = list(e)
        if f == "isMissing":
            return self.expr(args[0], env) is None
        if f == "if":
            return self.expr(args[1] if self.expr(args[0], env) else args[2], env)
        a = [self.expr(x, env) for x in args]
        if any(x is None for x in a):
            return None
        ops = {"+": lambda: a[0] + a[1], "-": lambda: a[0] - a[1], "*": lambda: a[0] * a[1],
               "/": lambda: a[0] / a[1], "min": lambda: min(a), "max": lambda: max(a),
               "floor": lambda: math.floor(a[0]), "greaterOrEqual": lambda: a[0] >= a[1]}
        return ops[f]()

    def score(self, row):
        env = {}
        for name, (optype, missing) in self.fields.items():
            if name == self.target:
                continue
            v = row[name].strip(" \t")
            if v == "" or v in missing:
                env[name] = None
            elif optype == "continuous":
                # numbers as leadscore reads them: plain decimals (digits,
                # sign, point, exponent) under 64 characters, finite; a PMML
                # consumer may accept more (70 digits, "inf"), which the
                # scorer rejects
                if not 0 < len(v) < 64 or any(ch not in "0123456789.+-eE" for ch in v):
                    return None
                try:
                    env[name] = float(v)
                except ValueError:
                    return None  # invalid: the scorer rejects the row too
                if math.isinf(env[name]) or math.isnan(env[name]):
                    return None
            else:
                env[name] = v
        for name, e in self.derived:
            env[name] = self.expr(e, env)
        y = float(self.table.get("intercept"))
        for p in self.table:
            if tag(p) == "NumericPredictor":
                y += float(p.get("coefficient")) * env[p.get("name")] ** int(p.get("exponent"))
            elif env[p.get("name")] == p.get("value"):
                y += float(p.get("coefficient"))
        p1 = 1 / (1 + math.exp(-y)) if y >= 0 else math.exp(y) / (1 + math.exp(y))
        out = {}
        for o in self.outputs:
            if o.get("feature") == "probability":
                out[o.get("name")] = p1
                env[o.get("name")] = p1
            else:
                out[o.get("name")] = env[o.get("name")] = self.expr(o[0], env)
        return out


def main(pmml, leads, scores, tol="1e-9"):
    tol = float(tol)
    m = Model(pmml)
    f = csv.DictReader(open(scores, newline="", encoding="utf-8"))
    key = f.fieldnames[0]  # the scores' id column ("Lead ID", "Prospect ID")
    c = {r[key]: r for r in f}
    n, bad, worst, rejected = 0, 0, 0.0, 0
    for row in csv.DictReader(open(leads, newline="", encoding="utf-8")):
        r = c[row[key]]
        o = m.score(row)
        n += 1
        if o is None or r["probability"] == "":
            if not (o is None and r["probability"] == ""):
                bad += 1
                print(f"{row[key]}: PMML {o} vs C {r['probability']!r} (one rejects)")
            rejected += 1
            continue
        d = abs(o["probability"] - float(r["probability"]))
        worst = max(worst, d)
        if d > tol or int(o["score"]) != int(r["score"]) or o["tier"] != r["tier"]:
            bad += 1
            if bad <= 5:
                print(f"{row[key]}: PMML {o} vs C {r['probability']},{r['score']},{r['tier']}")
    print(f"{n} leads ({rejected} rejected), largest |dp| = {worst:.3g}, {bad} mismatches")
    if n != len(c):
        print(f"{len(c)} C scores for {n} leads")
    # every lead paired with its C score, and some scored (not all rejected)
    return 1 if bad or n != len(c) or rejected == n else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
