package dev.supertickets.nn;

/**
 * Whether a forward pass trains (batch statistics, dropout active, activations cached for
 * backward).
 */
public enum Mode {
  /**
   * Training: batch statistics in BN (running statistics updated), dropout active, activations
   * cached.
   */
  TRAIN,
  /** Prediction: running BN statistics, no dropout, nothing cached. */
  EVAL,
  /**
   * Train-mode BN statistics accumulated as a cumulative average, no caching: BN re-calibration.
   */
  CALIBRATE,
  /**
   * The function of {@link #EVAL} (running BN statistics, no dropout) with what backward needs
   * cached: gradients of a trained network as it predicts, for the gradient-based pruning scores
   * (SNIP, GraSP, SynFlow), which the reference computes in eval mode. Running statistics are left
   * alone.
   */
  FROZEN;

  /** Whether layers keep their inputs for a backward pass. */
  public boolean cachesForBackward() {
    return this == TRAIN || this == FROZEN;
  }
}
