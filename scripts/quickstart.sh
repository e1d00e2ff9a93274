#!/usr/bin/env bash
# The main job on the bundled sample: install, build, train a model into
# models/, score the sample's new leads, show the summary and the first rows.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p models build/out
echo "== leadscore-train on datasets/sample_leads.csv"
build/bin/leadscore-train --target Converted --id "Lead ID" --exclude Email --exclude Company \
    --exclude "Last Activity Date" --exclude "Created Date" \
    --na-values Select --force -o models/sample_model.json datasets/sample_leads.csv
echo
echo "== leadscore-score on datasets/sample_new_leads.csv (first rows of build/out/sample_scores.csv)"
build/bin/leadscore-score -m models/sample_model.json --force -o build/out/sample_scores.csv \
    datasets/sample_new_leads.csv
head -n 11 build/out/sample_scores.csv
