package dev.supertickets.mask;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Magnitude scores {@code |w|} of the stored weights.
 *
 * <p>By default every weight is scored, currently masked ones included, as in the reference: pruned
 * weights keep their stored values, so a re-prune compares their old magnitude with the new
 * threshold and may reactivate them. With {@code includeMasked(false)} masked weights score below
 * every active one instead, so a re-prune at a higher sparsity only removes more.
 */
public final class Magnitude implements Scorer {
  private final boolean includeMasked;

  Magnitude(boolean includeMasked) {
    this.includeMasked = includeMasked;
  }

  /**
   * Whether currently masked weights are scored by their magnitude (true, the default) or put last.
   */
  public Magnitude includeMasked(boolean on) {
    return new Magnitude(on);
  }

  /** Whether currently masked weights are scored by their magnitude. */
  public boolean includesMasked() {
    return includeMasked;
  }

  @Override
  public ImmutableMap<Param, INDArray> scores(MaskContext context) {
    ImmutableMap.Builder<Param, INDArray> out =
        ImmutableMap.builderWithExpectedSize(context.params().size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : context.params()) {
        INDArray s = Transforms.abs(p.value(), true);
        if (!includeMasked && p.mask() != null) {
          // masked: 0 - MAX; active: |w| - 0 (0 * MAX is 0, so no inf or NaN arises)
          s.muli(p.mask()).subi(p.mask().rsub(1).muli(Float.MAX_VALUE));
        }
        out.put(p, s.detach());
      }
    }
    return out.buildOrThrow();
  }

  @Override
  public String toString() {
    return "magnitude(includeMasked=" + includeMasked + ")";
  }
}
