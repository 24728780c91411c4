package dev.supertickets.draw;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.nn.Module;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.train.Regularizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The architecture search's loss term (SuperTickets §2.1 and §2.2): {@code rho(t) · Σ_p pen_p · Σ_c
 * |γ_{p,c}|} over the scales of the BN after every path's depthwise convolution, with {@code pen_p}
 * the path's MACs per hidden channel over their channel-weighted mean, and {@code rho} rising
 * linearly from 0 to its maximum over the warm-up steps (per step, as the reference's {@code
 * stepwise: True}).
 */
public final class ResourcePenalty implements Regularizer {
  private final Supernet net;
  private final double rho;
  private final long warmupSteps;

  /**
   * The penalty on {@code net}'s searchable BN scales with maximum weight {@code rho} (finite,
   * non-negative), reached after {@code warmupSteps} steps (0: at once).
   */
  public ResourcePenalty(Supernet net, double rho, long warmupSteps) {
    checkArgument(
        rho >= 0 && Double.isFinite(rho), "rho must be finite and non-negative, got %s", rho);
    checkArgument(warmupSteps >= 0, "warm-up steps must be non-negative, got %s", warmupSteps);
    this.net = com.google.common.base.Preconditions.checkNotNull(net, "supernet must not be null");
    this.rho = rho;
    this.warmupSteps = warmupSteps;
  }

  /** The penalty's weight at a global step. */
  public double rho(long step) {
    return warmupSteps == 0 ? rho : rho * Math.min(1.0, (double) step / warmupSteps);
  }

  @Override
  public double apply(Module model, long step) {
    double r = rho(step);
    if (r == 0) {
      return 0;
    }
    double value = 0;
    for (InvertedResidualChannels.Path p : net.paths()) {
      INDArray gamma = p.importanceBn().gamma().value();
      double w = r * p.penalty();
      value += w * gamma.norm1Number().doubleValue();
      p.importanceBn().gamma().grad().addi(Transforms.sign(gamma, true).muli(w));
    }
    return value;
  }
}
