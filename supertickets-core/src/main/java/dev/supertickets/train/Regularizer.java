package dev.supertickets.train;

import dev.supertickets.nn.Module;

/**
 * An extra loss term added at every step, such as the resource-aware L1 penalty on BN scales that
 * drives the architecture search. It adds its gradient to the parameters' gradients and returns its
 * value.
 */
@FunctionalInterface
public interface Regularizer {
  /**
   * Adds this term's gradient to {@code model}'s parameter gradients at 0-based {@code globalStep}
   * and returns the term's value.
   */
  double apply(Module model, long globalStep);
}
