#!/usr/bin/env bash
# Regenerates docs/results/family/ (the README's family table): every method on the official supernet at 10 epochs a
# run on the 5,000-image embedded subset, seed 1995 at four sparsities, seeds 1996 and 1997 at 0.9, then the
# mean and spread per method and sparsity. One thread a run; the four FamilyComparison runs are independent, so two
# of them side by side use both cores of a 2-core machine. As run for the README, seed 1995's SuperTickets rows were
# a run of their own (--methods supertickets, folder seed-1995-st) beside the rest, and seed 1997 left out IMP and search+magnitude (time).
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -q -B -DskipTests install
out=$PWD/docs/results/family
run() { mvn -q -B -pl supertickets-cli exec:exec -Dst.main=dev.supertickets.experiments.FamilyComparison \
  -Dst.args="--data embedded --space reference28 --epochs 10 --threads 1 $*"; }
run --methods dense,search+magnitude,imp,gmp,set,rigl,rigl+sup --seed 1995 --out "$out/seed-1995"
run --methods supertickets --seed 1995 --out "$out/seed-1995-st"
run --sparsities 0.9 --methods supertickets,search+magnitude,imp,gmp,set,rigl,rigl+sup --seed 1996 --out "$out/seed-1996"
run --sparsities 0.9 --methods supertickets,gmp,set,rigl,rigl+sup --seed 1997 --out "$out/seed-1997"
mvn -q -B -pl supertickets-cli exec:exec -Dst.main=dev.supertickets.experiments.SeedSummary \
  -Dst.args="--in $out/seed-1995,$out/seed-1995-st,$out/seed-1996,$out/seed-1997 --out $out"
