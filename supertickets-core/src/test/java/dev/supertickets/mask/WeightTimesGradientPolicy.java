package dev.supertickets.mask;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The user-side example of a custom policy: prune the weights with the smallest {@code |w ·
 * ∂L/∂W_eff|} over a few batches, globally. Everything it needs comes from the context; it installs
 * nothing.
 */
final class WeightTimesGradientPolicy implements MaskPolicy {
  private final int batches;

  WeightTimesGradientPolicy(int batches) {
    this.batches = batches;
  }

  @Override
  public ImmutableMap<Param, INDArray> masks(MaskContext context, double sparsity) {
    ImmutableMap<Param, INDArray> grads = Gradients.ofLoss(context, batches);
    ImmutableMap.Builder<Param, INDArray> scores = ImmutableMap.builder();
    for (Param p : context.params()) {
      scores.put(p, Transforms.abs(p.value().mul(grads.get(p)), false));
    }
    return Ranking.select(context.params(), scores.build(), sparsity, Scope.GLOBAL);
  }
}
