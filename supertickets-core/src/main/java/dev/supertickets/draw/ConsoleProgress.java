package dev.supertickets.draw;

import java.io.PrintStream;
import java.util.Locale;

/** Prints one progress line per epoch: a bar, loss, accuracy, sparsity, MACs, elapsed and remaining time. */
public final class ConsoleProgress implements DrawListener {
  private final PrintStream out;

  public ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  public ConsoleProgress() {
    this(System.out);
  }

  @Override
  public void onEpoch(DrawEvent e) {
    int width = 20;
    int done = (int) Math.round((double) (e.epoch() + 1) / e.epochs() * width);
    String bar = "#".repeat(done) + ".".repeat(width - done);
    out.printf(Locale.ROOT, "[%s] epoch %d/%d  loss %.4f  train acc %.4f%s  sparsity %.3f  MACs %.2fM (sparse %.2fM)"
            + "  channels %d%s%s  %ds, %ds left%n",
        bar, e.epoch() + 1, e.epochs(), e.trainLoss(), e.trainAccuracy(),
        Double.isNaN(e.testAccuracy()) ? "" : String.format(Locale.ROOT, "  test acc %.4f", e.testAccuracy()),
        e.sparsity(), e.macs() / 1e6, e.sparseMacs() / 1e6, e.hiddenChannels(), e.shrunk() ? "  shrunk" : "",
        e.pruned() ? "  pruned" : "", e.elapsedMillis() / 1000, e.remainingMillis() / 1000);
  }
}
