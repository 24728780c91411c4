package dev.supertickets.mask;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Decides which weights to prune: given a {@link MaskContext} and a target sparsity, returns one
 * new binary mask per prunable parameter, without installing it ({@link Masks#install} does that).
 *
 * <p>Most policies are a {@link Scorer} ranked in a {@link Scope}: {@link ScoredPolicy}, with
 * presets in {@link MaskPolicies}. A custom policy needs only a few lines, e.g. pruning by {@code
 * |w · ∂L/∂W_eff|}:
 *
 * <pre>{@code
 * MaskPolicy policy = (context, sparsity) -> {
 *   ImmutableMap<Param, INDArray> grads = Gradients.ofLoss(context, 1);
 *   ImmutableMap.Builder<Param, INDArray> scores = ImmutableMap.builder();
 *   for (Param p : context.params()) {
 *     scores.put(p, Transforms.abs(p.value().mul(grads.get(p))));
 *   }
 *   return Ranking.select(context.params(), scores.build(), sparsity, Scope.GLOBAL);
 * };
 * Masks.install(policy.masks(MaskContext.builder(model).data(loader).build(), 0.9));
 * }</pre>
 */
@FunctionalInterface
public interface MaskPolicy {
  /**
   * Computes new masks for {@code context.params()} at {@code sparsity}, the fraction of their
   * weights to prune, in [0, 1).
   *
   * <p>Implementations must leave the model as they found it (values, masks, gradients, BN
   * statistics) and return fresh, detached arrays of 0 and 1 with each parameter's shape.
   *
   * @return one mask per parameter of {@code context.params()}, in that order
   */
  ImmutableMap<Param, INDArray> masks(MaskContext context, double sparsity);
}
