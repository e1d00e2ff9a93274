#!/usr/bin/env bash
# The main job on the bundled sample: install, build, train a model into
# models/, score the sample's new leads with the model and the sample rules sheet
# side by side, and compare the two on the labelled history.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p models build/out
echo "== leadscore-train on datasets/sample_leads.csv"
build/bin/leadscore-train --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" \
    --na-values Select --force -o models/sample_model.json datasets/sample_leads.csv
echo
echo "== leadscore-score: the model and the team's rules sheet side by side on datasets/sample_new_leads.csv"
build/bin/leadscore-score -m models/sample_model.json --rules datasets/sample_rules.csv \
    --priority-accounts datasets/sample_priority_accounts.txt --as-of 2026-11-20 \
    --force -o build/out/sample_scores.csv datasets/sample_new_leads.csv
echo "first rows of build/out/sample_scores.csv (model: score, tier; rules sheet: points, tier, grade):"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
         NR <= 11 { printf "  %-10s %6s %-5s   %11s %-9s %s\n", $c["Lead ID"], $c["score"], $c["tier"],
                           $c["rule_score"], $c["rule_tier"], $c["grade"] }' build/out/sample_scores.csv
echo
echo "== Do the sheet's points predict conversion? Model and rules on the labelled history"
build/bin/leadscore-score -q -m models/sample_model.json --rules datasets/sample_rules.csv \
    --priority-accounts datasets/sample_priority_accounts.txt --as-of 2026-11-20 \
    --label Converted --compare-report build/out/sample_compare.txt \
    --compare-json build/out/sample_compare.json --force -o build/out/sample_history_scores.csv \
    datasets/sample_leads.csv
sed -n '1,11p' build/out/sample_compare.txt
echo "  … the whole report: build/out/sample_compare.txt (JSON: build/out/sample_compare.json)"
echo
echo "== The learned points sheet beside the team's: a binned model written as rules (docs/points.md)"
build/bin/leadscore-train -q --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" --na-values Select \
    --bins 10 --interactions 5 --force -o models/sample_points_model.json \
    --emit-rules models/sample_points_rules.csv datasets/sample_leads.csv
build/bin/leadscore-score -q --rules models/sample_points_rules.csv \
    --force -o build/out/sample_learned_scores.csv datasets/sample_new_leads.csv
echo "models/sample_points_rules.csv: $(($(grep -vc '^setting' models/sample_points_rules.csv) - 1)) rules;" \
    "first rows of the new leads (model score; team's sheet; learned sheet):"
paste -d, build/out/sample_scores.csv build/out/sample_learned_scores.csv |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if (!($i in c)) c[$i] = i; else d[$i] = i }
             NR <= 11 { printf "  %-10s %6s   %11s %-5s   %13s %s\n", $c["Lead ID"], $c["score"],
                               $c["rule_score"], $c["rule_tier"], $d["rule_score"], $d["rule_tier"] }'
