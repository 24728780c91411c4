package dev.supertickets.bench;

/**
 * One unit of timed work, typically one full training step (forward, loss, backward, update) on a
 * fixed batch. Implementations must leave memory flat from one call to the next: everything a step
 * allocates must be released before it returns.
 *
 * <p>A step that owns native resources (engines, models, trainers) should also implement {@link
 * AutoCloseable}; {@link StepBenchmark} closes it after timing.
 */
@FunctionalInterface
public interface TimedStep {

  /** Runs one step to completion (synchronously: when this returns, the work is done). */
  void step();

  /**
   * The number of examples one step processes, used to report images per second; 0 when unknown.
   *
   * @return the batch size of a step
   */
  default int batchSize() {
    return 0;
  }
}
