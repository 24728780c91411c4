package dev.supertickets.mask;

/**
 * Which batch-norm statistics the gradient-based scorers (SNIP, GraSP, SynFlow) differentiate through.
 *
 * <p>The reference scores with the model in eval mode, i.e. {@link #RUNNING}. The engine's modules only
 * back-propagate after a training-mode forward pass, so for {@code RUNNING} the scorers walk the module tree
 * themselves: batch norm becomes the per-channel affine map of its running statistics, dropout the identity,
 * and every other module runs its own (mode-independent) forward and backward. That walk knows the containers
 * of {@code dev.supertickets.nn} ({@code Sequential}, {@code Residual}); any other module that contains a batch
 * norm or dropout cannot be differentiated in eval mode and is rejected with a message pointing to {@link #BATCH}.
 */
public enum BnStatistics {
  /** Eval mode: running statistics, no dropout (the reference's choice and the default). */
  RUNNING,
  /**
   * Training-mode forward: statistics of the scoring batch. Running statistics are restored afterwards; a dropout
   * layer's random stream is advanced and cannot be restored.
   */
  BATCH
}
