#!/usr/bin/env bash
# Prints one table of Tracegrid's speed and size figures (`make bench`):
# the classifier against a naive regexp baseline, the CLI's classify command,
# and per function the artifact size, cold start, warm latency and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT

# go test -bench lines -> rows: "subject<TAB>metric<TAB>value<TAB>target".
bench_rows() {
	awk -v subject="$1" '
		/^Benchmark/ {
			name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
			for (i = 3; i < NF; i += 2) {
				unit = $(i + 1); value = $i
				if (unit == "ns/op" || unit == "B/op") continue
				target = ""
				if (name == "ClassifyCorpus" && unit == "msgs/cpu-s") target = ">= 200000 per core"
				if (name == "ClassifyCorpus" && unit == "allocs/op") target = "0-2"
				printf "%s\t%s %s\t%s\t%s\n", subject, name, unit, value, target
			}
		}'
}

echo "running classifier benchmarks..." >&2
go test -run '^$' -bench 'ClassifyCorpus|NaiveBaseline|Start' -benchmem -cpu 1 -benchtime 2s ./shared/classify | bench_rows classify >>"$rows"
awk -F'\t' '
	$2 == "ClassifyCorpus msgs/cpu-s" { fast = $3 }
	$2 == "NaiveBaseline msgs/cpu-s" { slow = $3 }
	END { if (fast && slow) printf "classify\tspeed-up over naive baseline (cpu-s)\t%.0fx\t\n", fast / slow }' "$rows" >>"$rows.ratio"
cat "$rows.ratio" >>"$rows" && rm -f "$rows.ratio"

echo "running the CLI's classify command on 100,000 lines..." >&2
go test -run '^$' -bench 'ClassifyCommand' -benchtime 3x ./cmd/tracegrid | bench_rows "tracegrid classify" >>"$rows"

for fn in ecs gke azure; do
	echo "running bench/$fn..." >&2
	go run "./bench/$fn" >>"$rows"
done

printf 'subject\tmetric\tvalue\ttarget\n' | cat - "$rows" | column -t -s $'\t'
