package dev.supertickets.mask;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores every weight of the prunable parameters: higher scores are kept, the lowest are pruned.
 * Shipped scorers are in {@link Scorers}; a {@link ScoredPolicy} turns one into a {@link
 * MaskPolicy} by ranking its scores in a {@link Scope}.
 */
@FunctionalInterface
public interface Scorer {
  /**
   * One score array per parameter of {@code context.params()}, each with that parameter's shape and
   * no NaN. Implementations must leave the model as they found it.
   */
  ImmutableMap<Param, INDArray> scores(MaskContext context);
}
