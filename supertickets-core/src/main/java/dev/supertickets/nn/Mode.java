package dev.supertickets.nn;

/** Whether a forward pass trains (batch statistics, dropout active, activations cached for backward). */
public enum Mode {
  TRAIN,
  EVAL,
  /** Train-mode BN statistics accumulated as a cumulative average, no caching: BN re-calibration. */
  CALIBRATE
}
