package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Batch;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.Workspaces;
import java.util.Iterator;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loss gradients for data-dependent scores, with respect to the effective weights {@code W_eff =
 * mask ⊙ w} and <em>not</em> multiplied by the mask, so masked entries get the gradient they would
 * have if reactivated (what the reference obtains as {@code ∂L/∂mask / w}). The model is left
 * exactly as it was: values, masks, gradients and batch-norm statistics are restored bit for bit.
 * Call it outside any open step workspace.
 */
public final class Gradients {
  private Gradients() {}

  /** {@link #ofLoss(MaskContext, int, BnStatistics)} with batch norm on its running statistics. */
  public static ImmutableMap<Param, INDArray> ofLoss(MaskContext context, int batches) {
    return ofLoss(context, batches, BnStatistics.RUNNING);
  }

  /**
   * {@code Σ_b ∂L_b/∂W_eff} over the first {@code batches} batches of the context's data (fewer if
   * an epoch is shorter), for every parameter of {@code context.params()}; {@code L_b} is the
   * context's loss, a mean over batch {@code b}.
   *
   * @return fresh, detached arrays with the parameters' shapes
   */
  public static ImmutableMap<Param, INDArray> ofLoss(
      MaskContext context, int batches, BnStatistics statistics) {
    checkArgument(batches > 0, "batch count must be positive, got %s; pass e.g. 1", batches);
    checkNotNull(statistics, "batch-norm statistics must not be null; use BnStatistics.RUNNING");
    Mode mode = statistics.mode();
    ModelState state = ModelState.capture(context.model());
    try {
      state.exposeEffectiveGradients();
      state.zeroGrads();
      accumulateLoss(context, mode, batches, 1);
      return copyGrads(context.params());
    } finally {
      state.restore();
    }
  }

  /**
   * Adds {@code Σ_b ∂L(f(x_b)/T)/∂θ} over the first {@code batches} batches to every parameter's
   * gradient.
   *
   * @return the number of batches used
   */
  static int accumulateLoss(MaskContext context, Mode mode, int batches, double temperature) {
    Module model = context.model();
    SoftmaxCrossEntropy loss = context.loss();
    Iterator<Batch> it = context.batches();
    checkArgument(
        it.hasNext(), "the context's data has no batch; give a loader over a non-empty data set");
    int used = 0;
    while (used < batches && it.hasNext()) {
      Batch b = it.next();
      try (MemoryWorkspace ignored = Workspaces.step()) {
        INDArray out = context.model().forward(b.x(), mode);
        INDArray z = temperature == 1 ? out : out.div(temperature);
        INDArray g = loss.compute(z, b.y()).gradLogits();
        context.model().backward(temperature == 1 ? g : g.div(temperature));
      } finally {
        model.clearCache();
      }
      used++;
    }
    return used;
  }

  /** Detached copies of the gradients of {@code params}. */
  static ImmutableMap<Param, INDArray> copyGrads(List<Param> params) {
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(params.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : params) {
        out.put(p, p.grad().dup().detach());
      }
    }
    return out.buildOrThrow();
  }
}
