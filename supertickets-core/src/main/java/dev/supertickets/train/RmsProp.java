package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.nn.Param;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSprop with momentum. {@code epsInsideSqrt} selects the TensorFlow form that the reference's
 * ImageNet runs use ({@code g / sqrt(ms + eps)}); otherwise PyTorch's ({@code g / (sqrt(ms) +
 * eps)}).
 */
public final class RmsProp extends AbstractOptimizer {
  private final double alpha;
  private final double momentum;
  private final double eps;
  private final boolean epsInsideSqrt;

  /**
   * RMSprop with square-average decay {@code alpha} in (0, 1), {@code momentum} in [0, 1) (0 for
   * none) and {@code eps} positive, added inside or outside the square root.
   */
  public RmsProp(double alpha, double momentum, double eps, boolean epsInsideSqrt) {
    super(2);
    checkArgument(alpha > 0 && alpha < 1, "alpha must be in (0, 1), got %s", alpha);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    checkArgument(eps > 0, "eps must be positive, got %s", eps);
    this.alpha = alpha;
    this.momentum = momentum;
    this.eps = eps;
    this.epsInsideSqrt = epsInsideSqrt;
  }

  /** The reference's ImageNet setting: alpha 0.9, momentum 0.9, eps 1e-3 inside the square root. */
  public static RmsProp reference() {
    return new RmsProp(0.9, 0.9, 1e-3, true);
  }

  @Override
  void update(Param p, List<INDArray> s, double lr, long t) {
    INDArray g = p.grad();
    INDArray ms = s.get(0);
    INDArray buf = s.get(1);
    ms.muli(alpha).addi(g.mul(g).muli(1 - alpha));
    INDArray denom =
        epsInsideSqrt ? Transforms.sqrt(ms.add(eps), false) : Transforms.sqrt(ms, true).addi(eps);
    INDArray step = g.div(denom);
    if (momentum > 0) {
      buf.muli(momentum).addi(step);
      step = buf;
    }
    p.value().subi(step.mul(lr));
  }
}
