/**
 * Sweeps: grids of draws described as data. A {@link dev.supertickets.sweep.SweepCell} names a
 * method of {@link dev.supertickets.sweep.SweepMethod}, a sparsity, a seed, a preset space and
 * recipe, epochs and data; {@link dev.supertickets.sweep.CellRun} draws it into a folder (ticket,
 * row, checkpoint), skipping cells already done; {@link dev.supertickets.sweep.SweepTable} turns
 * the rows into tables. {@link dev.supertickets.sweep.SweepGrid} spans a grid; {@code
 * supertickets-spark} runs one on a cluster, one cell a task.
 */
package dev.supertickets.sweep;
