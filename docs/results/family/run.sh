#!/usr/bin/env bash
# Regenerates docs/results/family/ (the family table of README.md and docs/ticket-family.md): every method on the
# official supernet, the standard recipe, 10 epochs a run on the 5,000-image embedded subset, then the mean and
# spread per method and sparsity; then SuperTickets at 20 epochs (the budget of search, prune and retrain).
# One thread a run; the runs are independent, so two side by side use both cores of a 2-core machine.
#
# On 2026-12-07 (session 13) ERK's quotas changed (monotone Webster rounding instead of largest remainder), so every method that
# prunes with ERK densities (SuperTickets with the standard recipe, search+magnitude, SET, RigL, Sup-tickets) was
# drawn again (folders erk-seed-*: 0.8 and 0.9 on three seeds, 0.5 and 0.95 on seed 1995). The methods that prune
# per layer (GMP, IMP) and the dense runs do not use ERK and are read from the earlier reports (seed-*, with --keep);
# those reports' ERK rows are superseded.
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -q -B -DskipTests install
out=$PWD/docs/results/family
run() {
  mvn -q -B -pl supertickets-cli exec:exec -Dst.main=dev.supertickets.experiments.FamilyComparison \
    -Dst.args="--data embedded --space reference28 --threads 1 $*"
}
summary() {
  mvn -q -B -pl supertickets-cli exec:exec -Dst.main=dev.supertickets.experiments.SeedSummary -Dst.args="$*"
}
# the earlier reports (per-layer and dense methods; as run before the ERK change)
run --epochs 10 --methods dense,search+magnitude,imp,gmp,set,rigl,rigl+sup --seed 1995 --out "$out/seed-1995"
run --epochs 10 --sparsities 0.9 --methods search+magnitude,imp,gmp --seed 1996 --out "$out/seed-1996"
run --epochs 10 --sparsities 0.9 --methods gmp --seed 1997 --out "$out/seed-1997"
run --epochs 10 --sparsities 0.8 --methods search+magnitude,gmp --seed 1996 --out "$out/seed-1996-08"
run --epochs 10 --sparsities 0.8 --methods gmp --seed 1997 --out "$out/seed-1997-08"
# the ERK methods, drawn again
erk=supertickets,search+magnitude,set,rigl,rigl+sup
run --epochs 10 --sparsities 0.8,0.9 --methods $erk --seed 1995 --out "$out/erk-seed-1995"
run --epochs 10 --sparsities 0.8,0.9 --methods $erk --seed 1996 --out "$out/erk-seed-1996"
run --epochs 10 --sparsities 0.9 --methods supertickets,set,rigl,rigl+sup --seed 1997 --out "$out/erk-seed-1997-09"
run --epochs 10 --sparsities 0.8 --methods supertickets,set,rigl,rigl+sup --seed 1997 --out "$out/erk-seed-1997-08"
run --epochs 10 --sparsities 0.5,0.95 --methods supertickets,set,rigl,rigl+sup --seed 1995 --out "$out/erk-seed-1995-ends"
run --epochs 10 --sparsities 0.5,0.95 --methods search+magnitude --seed 1995 --out "$out/erk-seed-1995-ends-sm"
summary --in "$out/seed-1995,$out/seed-1996,$out/seed-1997,$out/seed-1996-08,$out/seed-1997-08,$out/erk-seed-1995,$out/erk-seed-1996,$out/erk-seed-1997-09,$out/erk-seed-1997-08,$out/erk-seed-1995-ends,$out/erk-seed-1995-ends-sm" \
  --keep "$out/seed-1995=dense+imp+gmp+search-only" --keep "$out/seed-1996=imp+gmp+search-only" \
  --keep "$out/seed-1997=gmp" --keep "$out/seed-1996-08=gmp+search-only" --keep "$out/seed-1997-08=gmp" \
  --out "$out"
run --epochs 20 --sparsities 0.8,0.9 --methods supertickets --seed 1995 --out "$out/st20-1995"
run --epochs 20 --sparsities 0.8,0.9 --methods supertickets --seed 1996 --out "$out/st20-1996"
summary --in "$out/st20-1995,$out/st20-1996" --out "$out/twenty-epochs"
