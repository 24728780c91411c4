package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * When a draw's prune events fall, a building block of a joint loop. By default one event every
 * {@code interval} epochs and one at the last epoch; when that gives fewer than the recipe's {@link
 * Recipe#minPruneEvents()}, that many events spread evenly over the training steps instead, so that
 * a short draw still rises to its target in small steps. A loop asks {@link #due(long)} after each
 * step and prunes when it grew; an event that falls on an epoch's last step waits for the epoch's
 * end, where the channel shrink runs first.
 *
 * @param count the draw's prune events
 * @param epochs the draw's epochs
 * @param interval epochs between events when they fall on epoch ends
 * @param stepsPerEpoch training steps (mini-batches) per epoch
 */
public record PruneEvents(int count, int epochs, int interval, int stepsPerEpoch) {
  /** Validates the numbers. */
  public PruneEvents {
    checkArgument(
        epochs > 0 && interval > 0 && stepsPerEpoch > 0,
        "epochs, prune interval and steps per epoch must " + "be positive, got %s, %s and %s",
        epochs,
        interval,
        stepsPerEpoch);
    checkArgument(
        count >= byEpochs(epochs, interval),
        "a draw of %s epochs with prune interval %s has at least %s " + "prune events, got %s",
        epochs,
        interval,
        byEpochs(epochs, interval),
        count);
  }

  /**
   * The events of a draw: one per {@code interval} epochs and at the last one, or {@code minEvents}
   * if more.
   */
  public static PruneEvents of(int epochs, int interval, int minEvents, int stepsPerEpoch) {
    checkArgument(
        epochs > 0 && interval > 0,
        "epochs and prune interval must be positive, got %s and %s",
        epochs,
        interval);
    return new PruneEvents(
        Math.max(byEpochs(epochs, interval), minEvents), epochs, interval, stepsPerEpoch);
  }

  /** Events every {@code interval} epochs and at the last one. */
  public static int byEpochs(int epochs, int interval) {
    return epochs / interval + (epochs % interval == 0 ? 0 : 1);
  }

  /** Whether the events are spread over the steps rather than placed at epoch ends. */
  public boolean bySteps() {
    return count > byEpochs(epochs, interval);
  }

  /** The events due once {@code globalStep} steps have been trained (0 to {@link #count()}). */
  public int due(long globalStep) {
    long total = (long) epochs * stepsPerEpoch;
    long g = Math.min(Math.max(globalStep, 0), total);
    if (bySteps()) {
      return (int) (g * count / total);
    }
    int done = (int) (g / stepsPerEpoch);
    return done / interval + (done == epochs && epochs % interval != 0 ? 1 : 0);
  }

  /** Whether {@code globalStep} is the last step of an epoch. */
  public boolean endsEpoch(long globalStep) {
    return globalStep % stepsPerEpoch == 0;
  }
}
