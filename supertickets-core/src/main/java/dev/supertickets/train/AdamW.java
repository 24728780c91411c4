package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.internal.FloatUpdate;
import dev.supertickets.nn.Param;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (PyTorch's formulation, bias-corrected, decoupled weight decay {@code w -= lr·wd·w}). The
 * reference runs it with weight decay 0 and puts an explicit L2 term in the loss instead ({@link
 * L2Penalty}).
 */
public final class AdamW extends AbstractOptimizer {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;

  /**
   * AdamW with moment decays {@code beta1}, {@code beta2} in [0, 1), {@code eps} added to the root
   * of the second moment, and decoupled weight decay {@code weightDecay} (0 for none).
   */
  public AdamW(double beta1, double beta2, double eps, double weightDecay) {
    super(2);
    checkArgument(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got %s", beta1);
    checkArgument(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got %s", beta2);
    checkArgument(eps > 0, "eps must be positive, got %s", eps);
    checkArgument(weightDecay >= 0, "weight decay must be non-negative, got %s", weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
  public AdamW() {
    this(0.9, 0.999, 1e-8, 0);
  }

  @Override
  void update(Param p, List<INDArray> s, double lr, long t) {
    INDArray m = s.get(0);
    INDArray v = s.get(1);
    if (FloatUpdate.applies(p.value(), p.grad(), m, v)) {
      FloatUpdate.adamW(
          p.value(),
          p.grad(),
          m,
          v,
          weightDecay > 0 ? (float) (1 - lr * weightDecay) : 1f,
          (float) beta1,
          (float) beta2,
          (float) (1 - Math.pow(beta2, t)),
          (float) eps,
          (float) (lr / (1 - Math.pow(beta1, t))));
    } else {
      updateNd4j(p, m, v, lr, t);
    }
  }

  /**
   * The same update in ND4J ops, for other types and layouts (and as the reference the fused pass
   * is held to).
   */
  void updateNd4j(Param p, INDArray m, INDArray v, double lr, long t) {
    INDArray g = p.grad();
    if (weightDecay > 0) {
      p.value().muli(1 - lr * weightDecay);
    }
    m.muli(beta1).addi(g.mul(1 - beta1));
    v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    INDArray denom = Transforms.sqrt(v.div(c2), false).addi(eps);
    p.value().subi(m.div(denom).muli(lr / c1));
  }
}
