#!/usr/bin/python3
"""Generate the leadscore sample data sets (deterministic).

Writes two CSV files that look like a B2B software company's CRM export:

  sample_leads.csv      4,000 labelled leads (last column "Converted", 0/1)
  sample_new_leads.csv    500 new, unlabelled leads (same columns, no target)

Leads belong to about 900 accounts (companies); many accounts have several
leads (stakeholders). The label is drawn from a fixed logistic model (see
make_lead()).

Everything is drawn from one random.Random(seed) using only Random.random(),
and every distribution (weighted choice, normal, Poisson, over-dispersed
Poisson) is implemented here on top of it, so the output does not
depend on the Python version's implementation of choice()/choices()/gauss()
and is byte-identical across machines. No numpy.

Usage:
  scripts/gen_sample.py [--seed 20261123] [--out-dir datasets/]
"""

import argparse
import bisect
import csv
import datetime as dt
import math
import os
import random
import sys

DEFAULT_SEED = 20261123
N_LABELLED = 4000
N_NEW = 500
N_ACCOUNTS = 1050

START = dt.date(2026, 1, 1)
EXPORT = dt.date(2026, 11, 20)  # date of the CRM export (last possible date)
SPAN_DAYS = (EXPORT - START).days

COLUMNS = [
    "Lead ID", "Email", "Company", "Job Title", "Seniority", "Industry",
    "Company Size", "Country", "Lead Source", "Budget Confirmed",
    "Website Visits", "Pages Viewed", "Time on Site (min)", "Emails Opened",
    "Emails Clicked", "Content Downloads", "Webinar Attended",
    "Demo Requested", "Email Bounced", "Unsubscribed", "Last Activity",
    "Last Activity Date", "Created Date",
]
TARGET = "Converted"


# --------------------------------------------------------------------------
# Distributions built on Random.random() only.
# --------------------------------------------------------------------------
class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def u(self):
        return self.r.random()

    def bern(self, p):
        return self.r.random() < p

    def index(self, n):
        return min(int(self.r.random() * n), n - 1)

    def pick(self, seq):
        return seq[self.index(len(seq))]

    def weighted(self, pairs):
        """pairs: list of (value, weight)."""
        cum, t = [], 0.0
        for _, w in pairs:
            t += w
            cum.append(t)
        i = bisect.bisect_right(cum, self.r.random() * t)
        return pairs[min(i, len(pairs) - 1)][0]

    def normal(self):
        # Box-Muller, one value per call (keeps the stream simple).
        u1 = 1.0 - self.r.random()  # (0, 1]
        u2 = self.r.random()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def poisson(self, lam):
        if lam <= 0:
            return 0
        if lam > 30:  # normal approximation, adequate for counts this size
            return max(0, int(round(lam + math.sqrt(lam) * self.normal())))
        limit, k, prod = math.exp(-lam), 0, self.r.random()
        while prod > limit:
            k += 1
            prod *= self.r.random()
        return k

    def overdispersed(self, mean, spread=0.6):
        """Poisson with a log-normal mean: a heavy-ish tailed count."""
        return self.poisson(mean * math.exp(spread * self.normal() - spread * spread / 2))


# --------------------------------------------------------------------------
# Vocabulary.
# --------------------------------------------------------------------------
FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth
William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen
Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Steven Ashley Andrew
Emily Paul Donna Joshua Michelle Kevin Carol Brian Amanda George Melissa
Timothy Deborah Ryan Stephanie Jacob Rebecca Nicholas Laura Eric Sharon
Jonathan Cynthia Priya Rahul Ananya Arjun Wei Li Mei Hiroshi Yuki Sofia
Lukas Hannah Felix Lea Jonas Clara Pierre Camille Louis Chloe Lucas Ines
Mateo Lucia Pablo Elena Joao Ana Lars Ingrid Erik Astrid Noah Olivia Liam
Emma Oliver Amelia Jack Isla Aarav Diya Kenji Aiko Tomas Marta Sven Freya""".split()

LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez
Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore
Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores
Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts
Patel Sharma Gupta Singh Chen Wang Zhang Tanaka Suzuki Sato Muller Schmidt
Schneider Fischer Weber Meyer Dubois Laurent Bernard Moreau Rossi Russo
Silva Santos Oliveira Costa Jansen Visser Andersson Johansson Nilsson
Larsen Hansen Kowalski Novak Murphy Kelly OBrien Walsh Byrne Ryan""".split()

NAME_A = """Acme Northwind Contoso Fabrikam Globex Initech Umbrella Stark Wayne
Tyrell Cyberdyne Soylent Hooli Vandelay Wonka Oscorp Gringotts Aperture
Massive Dynamic Blue Red Green Silver Golden Iron Granite Cedar Maple Oak
Pine Summit Harbor River Lake Ocean Coastal Prairie Mountain Valley Canyon
Meridian Zenith Apex Vertex Pinnacle Horizon Frontier Pioneer Atlas Titan
Orion Nova Stellar Lunar Solar Polar Quantum Vector Nimbus Cirrus Cobalt
Crimson Amber Onyx Sapphire Emerald Ivory Falcon Eagle Hawk Raven Fox Wolf
Bear Lynx Otter Heron Bright Clear Swift True Prime Core Nexus Keystone
Lighthouse Bridgewater Riverside Westfield Eastgate Northstar Southport""".split()

NAME_B = """Analytics Systems Solutions Logistics Labs Software Health Partners
Capital Dynamics Networks Robotics Foods Energy Media Retail Consulting
Manufacturing Telecom Bank Insurance Freight Pharma Biotech Motors Materials
Digital Cloud Data Security Ventures Group Industries Works Studio Holdings
Technologies Services Supply Outfitters Brands Markets Learning""".split()

LEGAL = [("", 55), (" Inc.", 12), (", Inc.", 8), (" LLC", 8), (" Ltd", 6),
         (", Ltd.", 3), (" GmbH", 4), (" AG", 2), (" S.A.", 1), (" plc", 1)]

UNIVERSITIES = ["Northfield University", "Lakeside State University",
                "Westbrook College", "University of Eastmoor",
                "Riverton Institute of Technology", "Kingsbridge University",
                "Ashford Business School", "Harborview Community College"]

INDUSTRIES = [("Software", 16), ("Financial Services", 12), ("Healthcare", 10),
              ("Manufacturing", 11), ("Retail", 9), ("Education", 5),
              ("Telecommunications", 5), ("Professional Services", 10),
              ("Logistics", 6), ("Media", 5), ("Energy", 4), ("Government", 3)]

SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"]
SIZE_W = [9, 20, 27, 23, 13, 8]

COUNTRIES = [("United States", 38), ("United Kingdom", 12), ("Germany", 9),
             ("Canada", 7), ("France", 6), ("India", 6), ("Australia", 5),
             ("Netherlands", 4), ("Spain", 3), ("Brazil", 3), ("Sweden", 2),
             ("Singapore", 2), ("Japan", 2), ("Ireland", 1)]

SENIORITY = [("C-Level", 6), ("VP", 9), ("Director", 14), ("Manager", 24),
             ("Individual Contributor", 30), ("Student", 7), ("Select", 10)]

FUNCTIONS = ["Sales", "Marketing", "Operations", "IT", "Finance", "Revenue Operations",
             "Customer Success", "Product", "Engineering", "Procurement", "HR"]

TITLES = {
    "C-Level": ["CEO", "CTO", "CFO", "COO", "CMO", "CIO", "Chief Revenue Officer",
                "Founder & CEO", "Co-Founder", "Managing Director", "President"],
    "VP": ["VP {f}", "VP of {f}", "Vice President, {f}", "SVP {f}", "EVP, {f}"],
    "Director": ["Director of {f}", "{f} Director", "Director, {f}",
                 "Head of {f}", "Senior Director, {f}", "Director, Sales Ops"],
    "Manager": ["{f} Manager", "Senior {f} Manager", "Marketing Manager",
                "Sales Manager", "Team Lead, {f}", "Project Manager", "Account Manager"],
    "Individual Contributor": ["{f} Analyst", "{f} Specialist", "Account Executive",
                               "Sales Development Representative", "Software Engineer",
                               "Data Analyst", "Marketing Coordinator", "Consultant",
                               "Business Analyst", "Senior Engineer, {f}"],
    "Student": ["Student", "MBA Student", "Graduate Student", "Intern",
                "Research Assistant", "PhD Candidate"],
}

SOURCES = [("Web Form", 22), ("Google Ads", 18), ("LinkedIn", 14),
           ("Content Download", 12), ("Webinar", 10), ("Referral", 7),
           ("Trade Show", 6), ("Cold Call", 6), ("Partner", 5)]
# Rare sources: a fixed number of rows each (so they stay < 10 whatever the seed).
RARE_SOURCES_LABELLED = [("Podcast", 7), ("Review Site", 4)]
RARE_SOURCES_NEW = [("Review Site", 1), ("Chatbot", 2)]  # Chatbot: unseen in training

SRC_EFFECT = {"Web Form": 0.0, "Google Ads": -0.35, "LinkedIn": 0.05,
              "Content Download": -0.15, "Webinar": 0.25, "Referral": 0.85,
              "Trade Show": 0.3, "Cold Call": -0.6, "Partner": 0.55,
              "Podcast": 0.2, "Review Site": 0.4, "Chatbot": 0.1}
SEN_EFFECT = {"C-Level": 0.75, "VP": 0.85, "Director": 0.6, "Manager": 0.2,
              "Individual Contributor": -0.1, "Student": -1.6, "Select": -0.2}
SIZE_EFFECT = {"1-10": -0.55, "11-50": -0.15, "51-200": 0.15, "201-1000": 0.3,
               "1001-5000": 0.2, "5000+": 0.0, "": 0.0}
# Seniority -> engagement / budget propensities
SEN_ENGAGE = {"C-Level": 0.8, "VP": 0.9, "Director": 1.0, "Manager": 1.05,
              "Individual Contributor": 1.0, "Student": 1.1, "Select": 0.85}
SEN_BUDGET = {"C-Level": 0.5, "VP": 0.45, "Director": 0.35, "Manager": 0.2,
              "Individual Contributor": 0.08, "Student": 0.01, "Select": 0.12}


def slug(s):
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in s)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def make_accounts(g):
    names = set()
    accounts = []
    # A handful of fixed, awkward names first (commas, an embedded quote).
    fixed = ["Acme, Inc.", 'The "Blue Door" Group', "Smith, Jones & Partners",
             "O'Neill Logistics", "Data, Insight & Co."]
    while len(accounts) < N_ACCOUNTS - len(UNIVERSITIES):
        if fixed:
            name = fixed.pop(0)
        else:
            name = g.pick(NAME_A) + " " + g.pick(NAME_B) + g.weighted(LEGAL)
        if name in names:
            continue
        names.add(name)
        size = g.weighted(list(zip(SIZES, SIZE_W)))
        accounts.append({
            "name": name,
            "industry": g.weighted(INDUSTRIES),
            "size": size,
            "country": g.weighted(COUNTRIES),
            "fit": 0.35 * g.normal(),      # latent account propensity
            # popularity: how many stakeholders the account tends to have
            "weight": math.exp(0.7 * g.normal()) * (1.8 if size in ("1001-5000", "5000+") else 1.0),
            "university": False,
        })
    for name in UNIVERSITIES:
        accounts.append({"name": name, "industry": "Education", "size": "1001-5000",
                         "country": g.weighted(COUNTRIES[:8]), "fit": -0.2,
                         "weight": 1.0, "university": True})
    return accounts


def fmt_date(d):
    return d.isoformat()


def yn(b):
    return "Yes" if b else "No"


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def make_lead(g, lead_id, accounts, cum_w, emails, source):
    # --- who ---------------------------------------------------------------
    seniority = g.weighted(SENIORITY)
    if seniority == "Student":
        acct = accounts[len(accounts) - len(UNIVERSITIES) + g.index(len(UNIVERSITIES))]
    else:
        i = bisect.bisect_right(cum_w, g.u() * cum_w[-1])
        acct = accounts[min(i, len(accounts) - len(UNIVERSITIES) - 1)]

    first, last = g.pick(FIRST), g.pick(LAST)
    if seniority == "Student" or g.bern(0.08):
        base, domain = f"{first.lower()}{last.lower()}{10 + g.index(90)}", "example.org"
    else:
        base, domain = f"{first.lower()}.{last.lower()}.{slug(acct['name'])}", "example.com"
    email, k = f"{base}@{domain}", 2
    while email in emails:
        email, k = f"{base}{k}@{domain}", k + 1
    emails.add(email)

    if seniority == "Select":
        title_sen = g.pick(["VP", "Director", "Manager", "Individual Contributor",
                            "Individual Contributor"])
    else:
        title_sen = seniority
    title = g.pick(TITLES[title_sen]).replace("{f}", g.pick(FUNCTIONS))
    if g.bern(0.03):
        title = ""
    elif g.bern(0.002):
        title = 'Head of "Growth"'

    industry = acct["industry"]
    r = g.u()
    if r < 0.05:
        industry = ""
    elif r < 0.11:
        industry = "Select"
    size = acct["size"] if not g.bern(0.07) else ""
    country = acct["country"]

    # --- when --------------------------------------------------------------
    created_off = g.index(SPAN_DAYS + 1)
    created = START + dt.timedelta(days=created_off)
    age = SPAN_DAYS - created_off  # days from creation to export
    # activity continues for a while after creation
    act_off = min(age, int(age * g.u() ** 0.6 + 0.5))
    last_date = created + dt.timedelta(days=act_off)
    recency = (EXPORT - last_date).days

    # --- engagement --------------------------------------------------------
    eng = math.exp(0.55 * g.normal() + 0.8 * acct["fit"]) * SEN_ENGAGE[seniority]
    visits = g.overdispersed(4.0 * eng) + (1 if source in ("Web Form", "Content Download",
                                                            "Google Ads") else 0)
    pages = visits + g.overdispersed(1.8 * visits, 0.4) if visits else 0
    time_site = round(pages * (0.6 + 1.2 * g.u()) + (0.1 * g.u() if pages else 0.0), 1)
    bounced = g.bern(0.045 if domain == "example.com" else 0.08)
    if bounced:
        opened = clicked = 0
    else:
        opened = g.overdispersed(3.2 * eng, 0.7)
        clicked = sum(1 for _ in range(opened) if g.bern(0.28))
    downloads = g.overdispersed(0.5 * eng + (0.9 if source == "Content Download" else 0.0), 0.5)
    webinar = g.bern(0.85 if source == "Webinar" else 0.07 + 0.04 * min(eng, 3))
    p_budget = SEN_BUDGET[seniority]
    r = g.u()
    budget = "Yes" if r < p_budget else ("" if r < p_budget + 0.3 else "No")
    demo = g.bern(min(0.6, 0.04 + 0.05 * eng + (0.12 if budget == "Yes" else 0.0)
                      + (0.08 if source == "Referral" else 0.0)))
    unsub = (not bounced) and g.bern(0.035 + (0.04 if recency > 120 else 0.0))

    # --- the label (a known logistic model) --------------------------------
    size_eff = SIZE_EFFECT[acct["size"]]
    eta = (-2.05
           + SEN_EFFECT[seniority]
           + (1.2 if budget == "Yes" else (-0.4 if budget == "No" else 0.0))
           + 1.45 * demo
           + 0.42 * math.log1p(visits)
           + 0.22 * min(downloads, 5)
           + 0.12 * min(clicked, 6)
           - 1.3 * bounced
           - 0.9 * unsub
           - 0.0105 * recency
           + size_eff
           + SRC_EFFECT[source]
           + 0.6 * acct["fit"]
           + 0.25 * webinar)
    converted = g.bern(sigmoid(eta))

    # --- last activity -----------------------------------------------------
    if unsub:
        last_act = "Unsubscribed"
    elif bounced and g.bern(0.6):
        last_act = "Email Bounced"
    elif demo and g.bern(0.45):
        last_act = "Demo Requested"
    else:
        acts = [("Page Visited", 3.0 if visits else 0.2), ("Form Submitted", 1.2),
                ("Email Opened", 3.0 if opened else 0.0),
                ("Email Link Clicked", 1.5 if clicked else 0.0),
                ("Content Downloaded", 1.2 if downloads else 0.0),
                ("Webinar Attended", 1.0 if webinar else 0.0),
                ("Chat Conversation", 0.4), ("Phone Call", 0.5 if converted else 0.25)]
        last_act = g.weighted(acts)

    # --- messiness: missing/placeholder numerics ---------------------------
    time_str = f"{time_site:.1f}"
    if g.bern(0.012):
        time_str = "NA"
    pages_str = str(pages)
    if g.bern(0.004):
        pages_str = "N/A"
    visits_str = str(visits)
    if g.bern(0.006):
        visits_str = ""

    row = [lead_id, email, acct["name"], title, seniority, industry, size, country,
           source, budget, visits_str, pages_str, time_str, str(opened), str(clicked),
           str(downloads), yn(webinar), yn(demo), yn(bounced), yn(unsub), last_act,
           fmt_date(last_date), fmt_date(created)]
    return row, int(converted)


def rare_slots(g, n, rare):
    """Maps row index -> rare source name, a fixed count of each at random rows."""
    slots = {}
    for name, count in rare:
        placed = 0
        while placed < count:
            i = g.index(n)
            if i not in slots:
                slots[i] = name
                placed += 1
    return slots


def generate(seed):
    g = Gen(seed)
    accounts = make_accounts(g)
    cum_w, t = [], 0.0
    for a in accounts[:len(accounts) - len(UNIVERSITIES)]:
        t += a["weight"]
        cum_w.append(t)
    emails = set()
    out = []
    for prefix, n, rare, labelled in (("L", N_LABELLED, RARE_SOURCES_LABELLED, True),
                                      ("N", N_NEW, RARE_SOURCES_NEW, False)):
        slots = rare_slots(g, n, rare)
        rows = []
        for i in range(n):
            source = slots.get(i) or g.weighted(SOURCES)
            row, y = make_lead(g, f"{prefix}-{i + 1:06d}", accounts, cum_w, emails, source)
            if labelled:
                row.append(str(y))
            rows.append(row)
        out.append(rows)
    return out


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_csv(path, header, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=",", quotechar='"', quoting=csv.QUOTE_MINIMAL,
                       lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out-dir", default=os.path.join(repo_root(), "datasets"))
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    labelled, new = generate(a.seed)
    for name, header, rows, has_y in (("sample_leads.csv", COLUMNS + [TARGET], labelled, True),
                                      ("sample_new_leads.csv", COLUMNS, new, False)):
        assert all(len(r) == len(header) for r in rows)
        path = os.path.join(a.out_dir, name)
        write_csv(path, header, rows)
        pos = sum(int(r[-1]) for r in rows) if has_y else None
        extra = f", positives {pos} ({pos / len(rows):.1%})" if has_y else ", unlabelled"
        print(f"{path}: {len(rows)} rows{extra}", file=sys.stderr)


if __name__ == "__main__":
    main()
