package dev.supertickets.train;

/** Receives progress from a {@link Trainer} instead of log lines. All methods are optional. */
public interface TrainingListener {
  /** After every optimizer step. */
  default void onStep(StepEvent e) {}

  /** After every epoch, with its evaluation when one ran. */
  default void onEpoch(EpochEvent e) {}

  /** One mini-batch step. */
  record StepEvent(
      int epoch, int batch, int batchesPerEpoch, long globalStep, double loss, double lr) {}

  /** One finished epoch; {@code eval} is null when no evaluation ran at its end. */
  record EpochEvent(
      int epoch,
      int epochs,
      double trainLoss,
      double trainAccuracy,
      Metrics eval,
      long elapsedMillis) {}
}
