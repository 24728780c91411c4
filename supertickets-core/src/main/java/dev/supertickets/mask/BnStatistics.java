package dev.supertickets.mask;

import dev.supertickets.nn.Mode;

/**
 * Which batch-norm statistics the gradient-based scorers (SNIP, GraSP, SynFlow) differentiate
 * through.
 *
 * <p>The reference scores with the model in eval mode, i.e. {@link #RUNNING}: the engine's {@code
 * Mode.FROZEN} computes the eval-mode function (running statistics, no dropout) and back-propagates
 * through it, for any module built from the engine's layers (the supernets included).
 */
public enum BnStatistics {
  /** Eval mode: running statistics, no dropout (the reference's choice and the default). */
  RUNNING,
  /**
   * Training-mode forward: statistics of the scoring batch. Running statistics are restored
   * afterwards; a dropout layer's random stream is advanced and cannot be restored.
   */
  BATCH;

  /** The engine mode of the scoring passes: {@link Mode#FROZEN} or {@link Mode#TRAIN}. */
  public Mode mode() {
    return this == BATCH ? Mode.TRAIN : Mode.FROZEN;
  }
}
