package dev.supertickets.train;

/**
 * Code run after every optimizer step of a {@link Trainer}: the place where sparse-training methods
 * change masks while the weights train (gradual magnitude pruning, SET and RigL's drop-and-grow,
 * Sup-tickets' cycle ends, lottery rewind snapshots). Unlike a {@link TrainingListener}, a hook may
 * change the model, the masks and the optimizer state; it runs outside the step's workspace, before
 * listeners hear of the step.
 *
 * <p>A hook that keeps state from one step to the next (counters, snapshots, running averages)
 * returns it from {@link #saveState()} and takes it back in {@link #restoreState(HookState)}, so
 * that a run resumed from a checkpoint continues exactly; the defaults suit hooks that keep none.
 * Hooks that only observe ({@link #changesModel()} false) are not checkpointed.
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

  /** This hook's state now, for a checkpoint; {@link HookState#EMPTY} by default. */
  default HookState saveState() {
    return HookState.EMPTY;
  }

  /**
   * Takes back a state {@link #saveState()} returned, before a resumed run's first step; by default
   * only an empty one.
   */
  default void restoreState(HookState s) {
    if (!s.isEmpty()) {
      throw new IllegalArgumentException(
          "the checkpoint holds state for step hook "
              + this
              + ", which keeps none; resume with the hooks of the run that wrote it");
    }
  }
}
