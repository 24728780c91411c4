package dev.supertickets.train;

import dev.supertickets.nn.Param;
import java.util.List;

/**
 * Code that may replace a step's gradients after the backward pass and before the optimizer uses
 * them: data-parallel replicas average them here ({@link
 * dev.supertickets.parallel.ReplicaAverage#gradients}). It runs before the step's non-finite
 * checks, so that replicas refuse a bad step together.
 */
@FunctionalInterface
public interface GradientExchange {
  /**
   * Changes the gradients of {@code params} (the parameters the optimizer will update) in place.
   */
  void exchange(List<Param> params);
}
