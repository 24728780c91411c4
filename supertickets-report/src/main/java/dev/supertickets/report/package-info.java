/**
 * Reports of draws: {@link dev.supertickets.report.DrawRecorder} is a plain listener that keeps a
 * draw's per-epoch events (and restores them when a draw resumes from a checkpoint), and {@link
 * dev.supertickets.report.DrawReport} writes them up as a Markdown page with PNG plots made with
 * XChart: accuracy and loss curves, the sparsity ramp, MACs as the architecture shrinks and the
 * density of every layer. A module of its own so that the core library needs neither AWT nor a
 * plotting library.
 */
package dev.supertickets.report;
