package dev.supertickets.train;

/**
 * Loss and accuracy over an evaluated set (accuracy per pixel for dense prediction, ignored pixels
 * excluded).
 */
public record Metrics(double loss, double accuracy, long counted) {
  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT, "loss %.4f, accuracy %.4f over %d", loss, accuracy, counted);
  }
}
