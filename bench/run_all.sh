#!/usr/bin/env bash
# Run every benchmark of bench/ and print its figures.
set -uo pipefail
cd "$(dirname "$0")/.."
for script in bench/bench_*.py; do
    [ -e "$script" ] || continue
    echo "== $script"
    if [ "$script" = bench/bench_burst.py ] || [ "$script" = bench/bench_campaign.py ]; then
        # drives a real multi-worker Odoo from outside, with the reliability suite's harness
        .venv/bin/python "$script"
    else
        bash bench/odoo_bench.sh "$script"
    fi
done
for script in bench/video_*.py; do
    [ -e "$script" ] || continue
    [ "$script" = bench/video_common.py ] && continue  # shared helper, not a benchmark
    echo "== $script"
    .venv/bin/python "$script"
done
