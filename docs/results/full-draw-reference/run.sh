#!/bin/sh
# The whole reference draw against the official code's 1,277 s (2 threads, same machine): the official
# Fashion-MNIST supernet and recipe, 12 epochs, all 60,000 training images, 90% sparsity, seed 1995.
# Session 14 ran it from a frozen copy of the jars (supertickets-cli/target/supertickets/lib plus the bench jar),
# on a quiet 2-core machine, with /usr/bin/time -v around it.
mvn -q -B -o -DskipTests install
mkdir -p /tmp/benchlib && cp supertickets-cli/target/supertickets/lib/*.jar supertickets-bench/target/supertickets-bench-*.jar /tmp/benchlib/
# first run: libgomp's default spin (full-draw.*, report.md, history.json here); second run, spin-1000/: the same
# command with GOMP_SPINCOUNT=1000 in the environment, as the supertickets launcher now sets it
OMP_NUM_THREADS=2 /usr/bin/time -v java -Xmx2g -Djava.awt.headless=true -Dbench.outDir=out -cp '/tmp/benchlib/*' \
  dev.supertickets.bench.FullDrawMain --space reference28 --recipe reference --epochs 12 --sparsity 0.9 --seed 1995 \
  --data /usr/share/datasets/fashion-mnist --report report
# third run, lanes/ (session 15): one OpenMP thread and two path lanes, the supertickets launcher's defaults now
OMP_NUM_THREADS=1 GOMP_SPINCOUNT=1000 /usr/bin/time -v java -Xmx2g -Djava.awt.headless=true -Dbench.outDir=out \
  -cp '/tmp/benchlib/*' dev.supertickets.bench.FullDrawMain --space reference28 --recipe reference --epochs 12 \
  --sparsity 0.9 --seed 1995 --data /usr/share/datasets/fashion-mnist --report report
# fourth run, balanced/ (session 16, at 085a386): the same command as the third; lanes split by the paths' work,
# the depthwise weight gradient trimmed to the image, weight gradients offloaded to the helper lane, evaluation and
# calibration in lanes
