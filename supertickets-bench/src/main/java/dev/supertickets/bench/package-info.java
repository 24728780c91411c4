/**
 * Side-by-side timings of a training step, SuperTickets-J against PyTorch 2.7.1 run through DJL
 * 0.35.1 in the same process: {@link dev.supertickets.bench.BenchMain} builds the same network on
 * both sides ({@link dev.supertickets.bench.OursNet2}, {@link dev.supertickets.bench.TorchNet2}),
 * times each {@link dev.supertickets.bench.TimedStep} with the warm-up and median of {@link
 * dev.supertickets.bench.StepBenchmark}, and writes the ratios with {@link
 * dev.supertickets.bench.BenchTable} as Markdown and JSON. This is a program, not a library, and
 * the only module that depends on DJL.
 */
package dev.supertickets.bench;
