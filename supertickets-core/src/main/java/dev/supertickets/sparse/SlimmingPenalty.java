package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.train.Regularizer;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Network slimming's sparsity term {@code s · Σ |γ|} on the scales of the BN that ranks each path's
 * hidden channels ({@link InvertedResidualChannels.Path#importanceBn()}), adding {@code s ·
 * sign(γ)} to their gradients, as Early-bird's {@code --sr} does. Unlike the search's resource
 * penalty, every channel weighs the same.
 */
final class SlimmingPenalty implements Regularizer {
  private final double strength;

  SlimmingPenalty(double strength) {
    this.strength = strength;
  }

  @Override
  public double apply(Module model, long globalStep) {
    checkArgument(
        model instanceof Supernet,
        "the slimming penalty needs a supernet, got %s",
        model.getClass());
    double value = 0;
    for (InvertedResidualChannels.Path p : ((Supernet) model).paths()) {
      Param gamma = p.importanceBn().gamma();
      value += strength * gamma.value().norm1Number().doubleValue();
      gamma.grad().addi(Transforms.sign(gamma.value(), true).muli(strength));
    }
    return value;
  }

  @Override
  public String toString() {
    return "slimmingL1(s=" + strength + ")";
  }
}
