package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.internal.FloatUpdate;
import dev.supertickets.nn.Param;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SGD with (optionally Nesterov) momentum, PyTorch's formulation: {@code b = μb + g; w -= lr·(g +
 * μb | b)}.
 */
public final class Sgd extends AbstractOptimizer {
  private final double momentum;
  private final boolean nesterov;

  /**
   * SGD with {@code momentum} in [0, 1) (0: plain SGD, no state) and optionally Nesterov's form.
   */
  public Sgd(double momentum, boolean nesterov) {
    super(momentum == 0 ? 0 : 1);
    checkArgument(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got %s", momentum);
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  @Override
  void update(Param p, List<INDArray> s, double lr, long t) {
    INDArray buf = momentum == 0 ? null : s.get(0);
    boolean fused =
        buf == null
            ? FloatUpdate.applies(p.value(), p.grad())
            : FloatUpdate.applies(p.value(), p.grad(), buf);
    if (fused) {
      FloatUpdate.sgd(p.value(), p.grad(), buf, (float) momentum, nesterov, (float) lr);
    } else {
      updateNd4j(p, s, lr);
    }
  }

  /**
   * The same update in ND4J ops, for other types and layouts (and as the reference the fused pass
   * is held to).
   */
  void updateNd4j(Param p, List<INDArray> s, double lr) {
    INDArray g = p.grad();
    if (momentum == 0) {
      p.value().subi(g.mul(lr));
      return;
    }
    INDArray buf = s.get(0);
    buf.muli(momentum).addi(g);
    INDArray d = nesterov ? g.add(buf.mul(momentum)) : buf;
    p.value().subi(d.mul(lr));
  }
}
