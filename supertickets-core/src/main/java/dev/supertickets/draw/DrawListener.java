package dev.supertickets.draw;

/** Progress of a draw, one event per epoch; listeners replace log output. */
public interface DrawListener {
  void onEpoch(DrawEvent e);

  /**
   * The state after an epoch. {@code testAccuracy} is NaN when the epoch did not evaluate; {@code sparsity} is
   * over the prunable weights; {@code macs} and {@code sparseMacs} are per image.
   */
  record DrawEvent(int epoch, int epochs, double trainLoss, double trainAccuracy, double testAccuracy,
      double sparsity, long macs, long sparseMacs, long hiddenChannels, boolean shrunk, boolean pruned,
      long elapsedMillis) {
    /** Estimated time left, from the mean epoch time so far. */
    public long remainingMillis() {
      return (long) ((double) elapsedMillis / (epoch + 1) * (epochs - epoch - 1));
    }
  }
}
