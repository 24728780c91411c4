package dev.supertickets.train;

import java.util.Locale;

/**
 * A training step produced a NaN or infinite loss, gradient or weight. The step is refused at once:
 * the message names the epoch, the step, what went bad and the likely causes, and the weights are
 * the last good ones (a bad gradient is caught before the update; a bad weight only after it).
 */
public final class NonFiniteException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final long step;
  private final String what;

  public NonFiniteException(int epoch, long step, String what, double value, double lr) {
    super(
        String.format(
            Locale.ROOT,
            "%s became %s at epoch %d, step %d (learning rate %.3g); lower the learning rate, or"
                + " check the data for NaN or unnormalised values",
            what,
            Double.isNaN(value) ? "NaN or infinite" : value,
            epoch,
            step,
            lr));
    this.epoch = epoch;
    this.step = step;
    this.what =
        com.google.common.base.Preconditions.checkNotNull(
            what, "what became non-finite must be named");
  }

  /** The 0-based epoch of the refused step. */
  public int epoch() {
    return epoch;
  }

  /** The global step (0-based) that was refused. */
  public long step() {
    return step;
  }

  /**
   * What became non-finite: {@code loss}, {@code gradient of <param>} or {@code weight <param>}.
   */
  public String what() {
    return what;
  }
}
