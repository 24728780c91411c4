package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.Arrays;
import java.util.List;

/**
 * How the prune budget is spread over the selected tensors.
 *
 * <ul>
 *   <li>{@link #GLOBAL}: one ranking across all tensors (the reference); densities differ per
 *       tensor and whole tensors may be emptied at high sparsity.
 *   <li>{@link #PER_LAYER}: every tensor loses {@code floor(s · n_i)} of its {@code n_i} weights.
 *   <li>{@link #ERK}: Erdős–Rényi-Kernel densities as in RigL, {@code d_i = ε · (Σ shape_i / Π
 *       shape_i)}, with tensors whose density would exceed 1 made dense and {@code ε} re-solved;
 *       the real-valued prune counts are rounded by largest remainder so that they sum to exactly
 *       {@link Ranking#pruneCount}{@code (s, N)}.
 * </ul>
 */
public enum Scope {
  /** One threshold across all selected tensors. */
  GLOBAL,
  /** The same sparsity in every tensor. */
  PER_LAYER,
  /** Erdős–Rényi-Kernel per-tensor densities (RigL's {@code erdos_renyi_kernel}, power 1). */
  ERK;

  /**
   * The number of weights to prune in each tensor at {@code sparsity}, for {@link #PER_LAYER} and
   * {@link #ERK}.
   *
   * @throws IllegalArgumentException for {@link #GLOBAL}, whose per-tensor counts depend on the
   *     scores
   */
  public long[] quotas(List<long[]> shapes, double sparsity) {
    Ranking.checkSparsity(sparsity);
    checkArgument(
        this != GLOBAL,
        "global scope has no per-tensor quotas (they follow from the scores); use PER_LAYER or"
            + " ERK");
    checkArgument(!shapes.isEmpty(), "need at least one tensor shape to spread the sparsity over");
    long[] out = new long[shapes.size()];
    if (this == PER_LAYER) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Ranking.pruneCount(sparsity, length(shapes.get(i)));
      }
      return out;
    }
    return erkQuotas(shapes, sparsity);
  }

  /**
   * ERK keeps {@code min(n_i, ε a_i)} weights of tensor i, {@code a_i} the sum of its dimensions.
   * Rounded to whole weights with Webster's rule, applied as one ordered sequence: tensor i gains
   * its (c+1)-th kept weight at {@code x = (c + ½) / a_i} (ties to the lower index), and the first
   * {@code N − K} gains are kept. Because every sparsity takes a prefix of the same sequence, each
   * tensor's quota only grows with the sparsity (largest-remainder rounding, used before, could
   * take a weight back: the Alabama paradox) and magnitude masks nest. Each tensor lies within
   * {@code ½ + m/2} weights of its real ERK share (m tensors); the sum is exact.
   */
  private static long[] erkQuotas(List<long[]> shapes, double sparsity) {
    int m = shapes.size();
    long[] n = new long[m];
    long[] a = new long[m];
    long total = 0;
    double top = 0;
    for (int i = 0; i < m; i++) {
      n[i] = length(shapes.get(i));
      for (long d : shapes.get(i)) {
        a[i] += d;
      }
      total += n[i];
      top = Math.max(top, (n[i] + 1.0) / a[i]);
    }
    long keep = total - Ranking.pruneCount(sparsity, total);
    // Bisect for a point x whose gains below it (one per tensor held back against rounding) all
    // belong to the first `keep`; the few gains left are then placed one by one in exact order.
    double lo = 0;
    double hi = top;
    for (int it = 0; it < 100 && keep > 2L * m; it++) {
      double mid = (lo + hi) / 2;
      if (gainsBelow(n, a, mid) + m <= keep) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    long[] kept = new long[m];
    long placed = 0;
    for (int i = 0; i < m; i++) {
      kept[i] = Math.max(0, Math.min(n[i], (long) Math.floor(lo * a[i] + 0.5)) - 1);
      placed += kept[i];
    }
    checkState(
        placed <= keep,
        "erk placed %s kept weights before the exact pass, more than %s",
        placed,
        keep);
    for (; placed < keep; placed++) {
      int next = -1;
      for (int i = 0; i < m; i++) {
        // gain of i at (2 kept_i + 1) / (2 a_i); compare by cross-multiplication, exactly
        if (kept[i] < n[i]
            && (next < 0
                || Math.multiplyExact(2 * kept[i] + 1, a[next])
                    < Math.multiplyExact(2 * kept[next] + 1, a[i]))) {
          next = i;
        }
      }
      checkState(next >= 0, "erk could not keep %s of %s weights", keep, total);
      kept[next]++;
    }
    long[] out = new long[m];
    for (int i = 0; i < m; i++) {
      out[i] = n[i] - kept[i];
    }
    return out;
  }

  private static long gainsBelow(long[] n, long[] a, double x) {
    long sum = 0;
    for (int i = 0; i < n.length; i++) {
      sum += Math.min(n[i], (long) Math.floor(x * a[i] + 0.5));
    }
    return sum;
  }

  /**
   * ERK densities (fraction of weights kept) of tensors with the given shapes at {@code sparsity}:
   * raw {@code p_i = Σ shape_i / Π shape_i}; {@code ε} solves {@code Σ_sparse ε p_i n_i = Σ_sparse
   * n_i − K} with {@code K = pruneCount(sparsity, N)}; while some {@code ε p_i > 1}, the tensors
   * with the largest {@code p_i} become dense (density 1) and {@code ε} is re-solved.
   */
  public static double[] erkDensities(List<long[]> shapes, double sparsity) {
    Ranking.checkSparsity(sparsity);
    int m = shapes.size();
    double[] raw = new double[m];
    long[] n = new long[m];
    long total = 0;
    for (int i = 0; i < m; i++) {
      long[] s = shapes.get(i);
      checkArgument(s.length > 0, "tensor %s has no dimensions; ERK needs a weight shape", i);
      double sum = 0;
      for (long d : s) {
        checkArgument(
            d > 0, "tensor %s has shape %s; ERK needs positive dimensions", i, Arrays.toString(s));
        sum += d;
      }
      n[i] = length(s);
      raw[i] = sum / n[i];
      total += n[i];
    }
    long k = Ranking.pruneCount(sparsity, total);
    double[] density = new double[m];
    if (k == 0) {
      Arrays.fill(density, 1);
      return density;
    }
    boolean[] dense = new boolean[m];
    while (true) {
      double divisor = 0;
      double ones = -k;
      for (int i = 0; i < m; i++) {
        if (!dense[i]) {
          divisor += raw[i] * n[i];
          ones += n[i];
        }
      }
      double eps = ones / divisor;
      double max = 0;
      for (int i = 0; i < m; i++) {
        if (!dense[i]) {
          max = Math.max(max, raw[i]);
        }
      }
      if (eps * max <= 1) {
        for (int i = 0; i < m; i++) {
          density[i] = dense[i] ? 1 : eps * raw[i];
        }
        return density;
      }
      for (int i = 0; i < m; i++) {
        if (!dense[i] && raw[i] == max) {
          dense[i] = true;
        }
      }
    }
  }

  static long length(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
