package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One round of SynFlow (Tanaka et al. 2020), data-free: every parameter and every batch norm's
 * running statistics are replaced by their absolute values, the all-ones input {@code [1, H, W, C]}
 * is fed forward, {@code R = Σ f(1)} is back-propagated, and each weight scores {@code |w ⊙
 * ∂R/∂w|}. Afterwards every value, sign, mask, gradient and statistic is restored exactly (from
 * copies, not by multiplying signs back).
 *
 * <p>This is one scoring round. The real SynFlow prunes iteratively: {@link MaskPolicies#synflow()}
 * runs 100 rounds with the exponential schedule (density {@code d^{r/100}} after round r) through
 * {@link ScoredPolicy#rounds(int)}; {@link MaskPolicies#synflowSingleShot()} is the reference's
 * single round.
 *
 * <p>Choices: batch norm uses its running statistics by default (eval mode, as the paper's code and
 * the reference); masked weights score 0 by default ({@code ∂R/∂w = mask ⊙ ∂R/∂W_eff}, as in the
 * paper, so the iterative rounds never revive a weight they pruned); {@code includeMasked(true)}
 * scores them {@code |w ⊙ ∂R/∂W_eff|} instead. The input shape is the context's {@link
 * MaskContext#inputShape()}. The pass runs in the parameters' precision (float32 for the shipped
 * layers, like the reference); the paper recommends float64 because {@code R} grows geometrically
 * with depth, so a non-finite score is an error.
 */
public final class SynFlow implements Scorer {
  private final BnStatistics statistics;
  private final boolean includeMasked;

  SynFlow(BnStatistics statistics, boolean includeMasked) {
    this.statistics = checkNotNull(statistics, "batch-norm statistics must not be null");
    this.includeMasked = includeMasked;
  }

  /** Which batch-norm statistics the pass uses (default {@link BnStatistics#RUNNING}). */
  public SynFlow bnStatistics(BnStatistics s) {
    return new SynFlow(s, includeMasked);
  }

  /**
   * Whether masked weights get their would-be score (false by default: they score 0, as in the
   * paper).
   */
  public SynFlow includeMasked(boolean on) {
    return new SynFlow(statistics, on);
  }

  /** The batch-norm statistics of the pass. */
  public BnStatistics bnStatistics() {
    return statistics;
  }

  /** Whether masked weights get their would-be score. */
  public boolean includesMasked() {
    return includeMasked;
  }

  @Override
  public ImmutableMap<Param, INDArray> scores(MaskContext context) {
    long[] shape =
        context
            .inputShape()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "synflow needs the input shape; call MaskContext.Builder.inputShape(height,"
                            + " width, channels) or give data"));
    Module model = context.model();
    Mode mode = statistics.mode();
    ModelState state = ModelState.capture(model);
    ImmutableMap<Param, INDArray> grads;
    try {
      state.exposeEffectiveGradients();
      state.zeroGrads();
      for (Param p : model.params()) {
        Transforms.abs(p.value(), false);
      }
      for (BatchNorm bn : state.norms()) {
        Transforms.abs(bn.runningMean(), false);
        Transforms.abs(bn.runningVar(), false);
      }
      DataType type = context.params().get(0).value().dataType();
      try (MemoryWorkspace ignored = Workspaces.step()) {
        INDArray out = model.forward(Nd4j.ones(type, 1, shape[0], shape[1], shape[2]), mode);
        model.backward(Nd4j.ones(out.dataType(), out.shape()));
      } finally {
        model.clearCache();
      }
      grads = Gradients.copyGrads(context.params());
    } finally {
      state.restore();
    }
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(grads.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : context.params()) {
        INDArray s = Transforms.abs(grads.get(p).muli(p.value()), false);
        if (!includeMasked && p.mask() != null) {
          s.muli(p.mask());
        }
        if (BooleanIndexing.or(s, Conditions.isInfinite())
            || BooleanIndexing.or(s, Conditions.isNan())) {
          throw new IllegalStateException(
              String.format(
                  "synflow scores of %s are not finite: R = sum f(1) overflowed %s in this model;"
                      + " give the context a smaller inputShape or use another scorer",
                  p.name(), type(s)));
        }
        out.put(p, s);
      }
    }
    return out.buildOrThrow();
  }

  private static String type(INDArray a) {
    return a.dataType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return "synflow(" + statistics + ", includeMasked=" + includeMasked + ")";
  }
}
