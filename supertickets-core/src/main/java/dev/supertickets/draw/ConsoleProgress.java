package dev.supertickets.draw;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one progress line per epoch (a bar, loss, accuracy, sparsity, MACs, elapsed and remaining
 * time) and a closing line with the ticket's figures and whether a MACs budget was met.
 */
public final class ConsoleProgress implements DrawListener {
  private final PrintStream out;

  /** Prints to {@code out}. */
  public ConsoleProgress(PrintStream out) {
    this.out =
        com.google.common.base.Preconditions.checkNotNull(
            out, "output stream must not be null; use " + "System.err");
  }

  /** Prints to {@code System.out}. */
  public ConsoleProgress() {
    this(System.out);
  }

  @Override
  public void onEpoch(DrawEvent e) {
    int width = 20;
    int done = (int) Math.round((double) (e.epoch() + 1) / e.epochs() * width);
    String bar = "#".repeat(done) + ".".repeat(width - done);
    out.printf(
        Locale.ROOT,
        "[%s] epoch %d/%d  loss %.4f  train acc %.4f%s  sparsity %.3f  MACs %.2fM (sparse %.2fM)"
            + "  channels %d%s%s  %ds, %ds left%n",
        bar,
        e.epoch() + 1,
        e.epochs(),
        e.trainLoss(),
        e.trainAccuracy(),
        Double.isNaN(e.testAccuracy())
            ? ""
            : String.format(Locale.ROOT, "  test acc %.4f", e.testAccuracy()),
        e.sparsity(),
        e.macs() / 1e6,
        e.sparseMacs() / 1e6,
        e.hiddenChannels(),
        e.shrunk() ? "  shrunk" : "",
        e.pruned() ? "  pruned" : "",
        e.elapsedMillis() / 1000,
        e.remainingMillis() / 1000);
  }

  @Override
  public void onFinish(DrawSummary s) {
    String budget = "";
    if (s.hasMacsBudget()) {
      budget =
          s.macsBudgetMet()
              ? String.format(
                  Locale.ROOT,
                  "  MACs budget %.2fM met %s",
                  s.macsBudget() / 1e6,
                  s.macsBudgetMetEpoch() == 0
                      ? "before training"
                      : "after epoch " + s.macsBudgetMetEpoch())
              : String.format(Locale.ROOT, "  MACs budget %.2fM NOT met", s.macsBudget() / 1e6);
    }
    out.printf(
        Locale.ROOT,
        "done: MACs %.2fM (sparse %.2fM)  sparsity %.3f  channels %d%s  %ds%s%n",
        s.macs() / 1e6,
        s.sparseMacs() / 1e6,
        s.sparsity(),
        s.hiddenChannels(),
        Double.isNaN(s.testAccuracy())
            ? ""
            : String.format(Locale.ROOT, "  test acc %.4f", s.testAccuracy()),
        s.elapsedMillis() / 1000,
        budget);
  }
}
