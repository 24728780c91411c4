package dev.supertickets.testing;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.supertickets.testing.Numbers.count;
import static dev.supertickets.testing.Numbers.num;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.supertickets.mask.Ranking;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Assertions on a set of weight masks keyed by parameter name (1 = kept, 0 = pruned). Get one from
 * {@link TicketAssertions#assertThat(dev.supertickets.mask.MaskSet)}, {@link
 * TicketAssertions#assertThatMasks(Map)}, {@link TicketAssertions#assertThatMask(INDArray)} or
 * {@link SuperTicketAssert#masks()}. Counts treat every non-zero entry as kept, so that a
 * non-binary mask is counted as the forward pass sees it; {@link #isBinary()} checks the values
 * themselves.
 */
public final class MaskAssert extends AbstractAssert<MaskAssert, ImmutableMap<String, INDArray>> {
  private static final int LISTED = 5;

  private Tally tally;

  /**
   * Assertions on {@code masks}, keyed by parameter name (copied; the arrays are read, never
   * changed).
   */
  public MaskAssert(Map<String, ? extends INDArray> masks) {
    super(masks == null ? null : ImmutableMap.copyOf(masks), MaskAssert.class);
  }

  /** Per-tensor counts, read once: masks can be large and every assertion needs them. */
  private record Tally(
      ImmutableMap<String, long[]> keptAndTotal,
      ImmutableList<String> nonBinary,
      long nonBinaryCount) {
    long total() {
      return keptAndTotal.values().stream().mapToLong(c -> c[1]).sum();
    }

    long kept() {
      return keptAndTotal.values().stream().mapToLong(c -> c[0]).sum();
    }

    long pruned() {
      return total() - kept();
    }

    double sparsity() {
      return total() == 0 ? 0 : (double) pruned() / total();
    }
  }

  private Tally tally() {
    if (tally == null) {
      Map<String, long[]> counts = new LinkedHashMap<>();
      List<String> nonBinary = new ArrayList<>();
      long bad = 0;
      for (Map.Entry<String, INDArray> e : actual.entrySet()) {
        double[] v = Numbers.values(e.getValue());
        long kept = 0;
        for (int i = 0; i < v.length; i++) {
          if (v[i] != 0) {
            kept++;
          }
          if (v[i] != 0 && v[i] != 1) {
            if (bad++ < LISTED) {
              nonBinary.add(e.getKey() + " holds " + num(v[i]) + " at flat index " + i);
            }
          }
        }
        counts.put(e.getKey(), new long[] {kept, v.length});
      }
      tally = new Tally(ImmutableMap.copyOf(counts), ImmutableList.copyOf(nonBinary), bad);
    }
    return tally;
  }

  private String summary() {
    Tally t = tally();
    return "("
        + count(t.pruned())
        + " of "
        + count(t.total())
        + " entries pruned in "
        + actual.size()
        + " masks)";
  }

  /** Every entry of every mask is exactly 0 or 1. */
  public MaskAssert isBinary() {
    isNotNull();
    Tally t = tally();
    if (t.nonBinaryCount() > 0) {
      failWithMessage(
          "%s",
          "expected binary masks (every entry exactly 0 or 1) but "
              + count(t.nonBinaryCount())
              + " entries are not: "
              + String.join("; ", t.nonBinary())
              + (t.nonBinaryCount() > t.nonBinary().size() ? "; ..." : ""));
    }
    return this;
  }

  /** Exactly {@code expected} entries are pruned, over all masks. */
  public MaskAssert hasPrunedCount(long expected) {
    checkArgument(expected >= 0, "expected pruned count must not be negative, got %s", expected);
    isNotNull();
    Tally t = tally();
    if (t.pruned() != expected) {
      failWithMessage(
          "%s",
          "expected exactly "
              + count(expected)
              + " pruned entries but found "
              + count(t.pruned())
              + " "
              + summary());
    }
    return this;
  }

  /**
   * Exactly the library's count for {@code sparsity} is pruned over all masks together: {@link
   * Ranking#pruneCount}{@code (sparsity, total)}, i.e. {@code floor(sparsity · total)} (what the
   * global mask policies produce).
   */
  public MaskAssert hasExactSparsity(double sparsity) {
    checkArgument(sparsity >= 0 && sparsity < 1, "sparsity must be in [0, 1), got %s", sparsity);
    isNotNull();
    Tally t = tally();
    long expected = Ranking.pruneCount(sparsity, t.total());
    if (t.pruned() != expected) {
      failWithMessage(
          "%s",
          "expected sparsity exactly "
              + num(sparsity)
              + ", i.e. floor("
              + num(sparsity)
              + " · "
              + count(t.total())
              + ") = "
              + count(expected)
              + " pruned entries, but found "
              + count(t.pruned())
              + " (sparsity "
              + num(t.sparsity())
              + ")");
    }
    return this;
  }

  /**
   * The fraction of pruned entries over all masks is within {@code tolerance} of {@code expected}.
   */
  public MaskAssert hasSparsity(double expected, double tolerance) {
    checkArgument(
        expected >= 0 && expected <= 1, "expected sparsity must be in [0, 1], got %s", expected);
    checkArgument(tolerance >= 0, "tolerance must not be negative, got %s", tolerance);
    isNotNull();
    Tally t = tally();
    if (Math.abs(t.sparsity() - expected) > tolerance) {
      failWithMessage(
          "%s",
          "expected sparsity "
              + num(expected)
              + " ± "
              + num(tolerance)
              + " but was "
              + num(t.sparsity(), expected)
              + " "
              + summary());
    }
    return this;
  }

  /** The fraction of pruned entries over all masks is at least {@code minimum}. */
  public MaskAssert hasSparsityAtLeast(double minimum) {
    checkArgument(
        minimum >= 0 && minimum <= 1, "minimum sparsity must be in [0, 1], got %s", minimum);
    isNotNull();
    Tally t = tally();
    if (t.sparsity() < minimum) {
      failWithMessage(
          "%s",
          "expected sparsity at least "
              + num(minimum)
              + " but was "
              + num(t.sparsity(), minimum)
              + " "
              + summary());
    }
    return this;
  }

  /**
   * No mask prunes all of its tensor (a fully pruned layer disconnects the network, "layer
   * collapse").
   */
  public MaskAssert keepsWeightsInEveryTensor() {
    isNotNull();
    List<String> empty = new ArrayList<>();
    tally()
        .keptAndTotal()
        .forEach(
            (name, c) -> {
              if (c[0] == 0 && c[1] > 0) {
                empty.add(name + " (" + count(c[1]) + " entries)");
              }
            });
    if (!empty.isEmpty()) {
      failWithMessage(
          "%s",
          "expected every mask to keep at least one weight but "
              + empty.size()
              + " of "
              + actual.size()
              + " prune everything: "
              + String.join(", ", empty.subList(0, Math.min(LISTED, empty.size())))
              + (empty.size() > LISTED ? ", ..." : ""));
    }
    return this;
  }

  /** The masks are exactly those named, in any order. */
  public MaskAssert hasMasksFor(String... names) {
    checkNotNull(names, "names must not be null");
    isNotNull();
    ImmutableSet<String> expected = ImmutableSet.copyOf(names);
    if (!actual.keySet().equals(expected)) {
      failWithMessage(
          "%s",
          "expected masks for exactly " + expected + " but there are masks for " + actual.keySet());
    }
    return this;
  }
}
