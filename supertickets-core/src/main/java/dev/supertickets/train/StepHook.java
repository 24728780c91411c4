package dev.supertickets.train;

/**
 * Code run after every optimizer step of a {@link Trainer}: the place where sparse-training methods
 * change masks while the weights train (gradual magnitude pruning, SET and RigL's drop-and-grow,
 * Sup-tickets' cycle ends, lottery rewind snapshots). Unlike a {@link TrainingListener}, a hook may
 * change the model, the masks and the optimizer state; it runs outside the step's workspace, before
 * listeners hear of the step.
 */
@FunctionalInterface
public interface StepHook {
  /**
   * Called once the step is done; {@link Trainer#globalStep()} already counts it (1 after the first
   * step).
   *
   * @param trainer the trainer, its model ({@link Trainer#model()}), optimizer and EMA
   * @param epoch the 0-based epoch the step belonged to
   */
  void afterStep(Trainer trainer, int epoch);

  /**
   * Whether this hook may change the model or its masks (false for hooks that only observe, as
   * progress reports).
   */
  default boolean changesModel() {
    return true;
  }
}
