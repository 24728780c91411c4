package dev.supertickets.draw;

/** Progress of a draw, one event per epoch and a summary at the end; listeners replace log output. */
public interface DrawListener {
  /** After every epoch, with its figures. */
  void onEpoch(DrawEvent e);

  /** After every training step (progress bars); most listeners ignore it. */
  default void onStep(dev.supertickets.train.TrainingListener.StepEvent e) {}

  /**
   * Once, before training goes on, when a draw resumes from a checkpoint: the events of the epochs finished
   * before it, so that a listener that keeps a history can restore it.
   */
  default void onResume(java.util.List<DrawEvent> history) {}

  /** Once, after the last epoch, with the finished ticket's figures. */
  default void onFinish(DrawSummary s) {}

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

  /**
   * The end of a draw. {@code testAccuracy} is the last evaluation's (NaN without test data). {@code macsBudget}
   * is 0 when none was set; otherwise {@code macsBudgetMet} tells whether the dense MACs ended at or below it, and
   * {@code macsBudgetMetEpoch} after which epoch's shrink (1-based; 0: the dense supernet already fitted; -1:
   * never).
   */
  record DrawSummary(long macs, long sparseMacs, double sparsity, long hiddenChannels, double testAccuracy,
      long macsBudget, boolean macsBudgetMet, int macsBudgetMetEpoch, long elapsedMillis) {
    /** Whether a MACs budget was set. */
    public boolean hasMacsBudget() {
      return macsBudget > 0;
    }
  }
}
