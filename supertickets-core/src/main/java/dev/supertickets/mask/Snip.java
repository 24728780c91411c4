package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SNIP connection sensitivity {@code |w ⊙ Σ_b ∂L_b/∂W_eff|}, the reference's {@code |∂L/∂mask|},
 * from {@link Gradients#ofLoss}. Needs data in the context.
 *
 * <p>Defaults: 1 batch (the reference accumulates the first 101 batches of its loader without
 * zeroing; pass {@code batches(101)} for that), batch norm on running statistics (eval mode, as the
 * reference), masked weights scored too (their would-be sensitivity, as {@code ∂L/∂mask} gives).
 * The reference divides by the sum of all scores, which does not change the ranking and is left
 * out.
 */
public final class Snip implements Scorer {
  private final int batches;
  private final BnStatistics statistics;
  private final boolean includeMasked;

  Snip(int batches, BnStatistics statistics, boolean includeMasked) {
    checkArgument(
        batches > 0, "snip batch count must be positive, got %s; the reference uses 101", batches);
    this.batches = batches;
    this.statistics = checkNotNull(statistics, "batch-norm statistics must not be null");
    this.includeMasked = includeMasked;
  }

  /** The number of batches whose gradients are summed (default 1). */
  public Snip batches(int count) {
    return new Snip(count, statistics, includeMasked);
  }

  /** Which batch-norm statistics the gradient passes use (default {@link BnStatistics#RUNNING}). */
  public Snip bnStatistics(BnStatistics s) {
    return new Snip(batches, s, includeMasked);
  }

  /** Whether masked weights get their would-be score (true, default) or 0. */
  public Snip includeMasked(boolean on) {
    return new Snip(batches, statistics, on);
  }

  /** The number of batches whose gradients are summed. */
  public int batches() {
    return batches;
  }

  /** The batch-norm statistics of the gradient passes. */
  public BnStatistics bnStatistics() {
    return statistics;
  }

  /** Whether masked weights get their would-be score. */
  public boolean includesMasked() {
    return includeMasked;
  }

  @Override
  public ImmutableMap<Param, INDArray> scores(MaskContext context) {
    ImmutableMap<Param, INDArray> grads = Gradients.ofLoss(context, batches, statistics);
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(grads.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : context.params()) {
        INDArray s = Transforms.abs(grads.get(p).muli(p.value()), false);
        if (!includeMasked && p.mask() != null) {
          s.muli(p.mask());
        }
        out.put(p, s);
      }
    }
    return out.buildOrThrow();
  }

  @Override
  public String toString() {
    return "snip(batches=" + batches + ", " + statistics + ", includeMasked=" + includeMasked + ")";
  }
}
