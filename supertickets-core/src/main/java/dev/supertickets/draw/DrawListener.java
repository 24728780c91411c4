package dev.supertickets.draw;

/**
 * Progress of a draw, the one listener type of every drawer: an event per epoch, the training
 * steps, the masks a drawer installs while it trains, the runs of a drawer that trains several
 * (IMP's levels), and a summary at the end. Listeners replace log output; every method but {@link
 * #onEpoch} is optional.
 */
public interface DrawListener {
  /** After every epoch, with its figures. */
  void onEpoch(DrawEvent e);

  /** After every training step (progress bars); most listeners ignore it. */
  default void onStep(dev.supertickets.train.TrainingListener.StepEvent e) {}

  /**
   * Once, before training goes on, when a draw resumes from a checkpoint: the events of the epochs
   * finished before it, so that a listener that keeps a history can restore it.
   */
  default void onResume(java.util.List<DrawEvent> history) {}

  /** Once, after the last epoch, with the finished ticket's figures. */
  default void onFinish(DrawSummary s) {}

  /**
   * When a drawer installs new masks while it trains (a GMP update, for example), once they are in
   * place; drawers whose masks change only between runs tell of them with {@link #onRound}.
   */
  default void onMasks(MaskEvent e) {}

  /**
   * When a drawer that trains several runs (IMP: one a level) finishes one, with the run's trained
   * ticket.
   */
  default void onRound(RoundEvent e) {}

  /**
   * New masks: {@code step} counts the optimizer steps of the run done so far (0: before training),
   * {@code sparsity} is the scheduled sparsity, {@code masks} the masks now installed on the
   * prunable weights.
   */
  record MaskEvent(long step, double sparsity, dev.supertickets.mask.MaskSet masks) {
    /** Checks the masks are given. */
    public MaskEvent {
      java.util.Objects.requireNonNull(masks, "masks must not be null");
    }
  }

  /**
   * A finished run: {@code round} counts from 0 (IMP's dense run), {@code sparsity} is the run's.
   */
  record RoundEvent(int round, double sparsity, dev.supertickets.ticket.SuperTicket ticket) {
    /** Checks the ticket is given. */
    public RoundEvent {
      java.util.Objects.requireNonNull(ticket, "ticket must not be null");
    }
  }

  /**
   * The state after an epoch. {@code testAccuracy} is NaN when the epoch did not evaluate; {@code
   * sparsity} is over the prunable weights; {@code macs} and {@code sparseMacs} are per image.
   */
  record DrawEvent(
      int epoch,
      int epochs,
      double trainLoss,
      double trainAccuracy,
      double testAccuracy,
      double sparsity,
      long macs,
      long sparseMacs,
      long hiddenChannels,
      boolean shrunk,
      boolean pruned,
      long elapsedMillis) {
    /** Estimated time left, from the mean epoch time so far. */
    public long remainingMillis() {
      return (long) ((double) elapsedMillis / (epoch + 1) * (epochs - epoch - 1));
    }
  }

  /**
   * The end of a draw. {@code testAccuracy} is the last evaluation's (NaN without test data).
   * {@code macsBudget} is 0 when none was set; otherwise {@code macsBudgetMet} tells whether the
   * dense MACs ended at or below it, and {@code macsBudgetMetEpoch} after which epoch's shrink
   * (1-based; 0: the dense supernet already fitted; -1: never).
   */
  record DrawSummary(
      long macs,
      long sparseMacs,
      double sparsity,
      long hiddenChannels,
      double testAccuracy,
      long macsBudget,
      boolean macsBudgetMet,
      int macsBudgetMetEpoch,
      long elapsedMillis) {
    /** Whether a MACs budget was set. */
    public boolean hasMacsBudget() {
      return macsBudget > 0;
    }
  }
}
