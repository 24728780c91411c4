package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.util.Arrays;
import java.util.List;

/**
 * How the prune budget is spread over the selected tensors.
 *
 * <ul>
 *   <li>{@link #GLOBAL}: one ranking across all tensors (the reference); densities differ per tensor and whole
 *       tensors may be emptied at high sparsity.
 *   <li>{@link #PER_LAYER}: every tensor loses {@code floor(s · n_i)} of its {@code n_i} weights.
 *   <li>{@link #ERK}: Erdős–Rényi-Kernel densities as in RigL, {@code d_i = ε · (Σ shape_i / Π shape_i)}, with
 *       tensors whose density would exceed 1 made dense and {@code ε} re-solved; the real-valued prune counts
 *       are rounded by largest remainder so that they sum to exactly {@link Ranking#pruneCount}{@code (s, N)}.
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
   * The number of weights to prune in each tensor at {@code sparsity}, for {@link #PER_LAYER} and {@link #ERK}.
   *
   * @throws IllegalArgumentException for {@link #GLOBAL}, whose per-tensor counts depend on the scores
   */
  public long[] quotas(List<long[]> shapes, double sparsity) {
    Ranking.checkSparsity(sparsity);
    checkArgument(this != GLOBAL,
        "global scope has no per-tensor quotas (they follow from the scores); use PER_LAYER or ERK");
    checkArgument(!shapes.isEmpty(), "need at least one tensor shape to spread the sparsity over");
    long[] out = new long[shapes.size()];
    if (this == PER_LAYER) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Ranking.pruneCount(sparsity, length(shapes.get(i)));
      }
      return out;
    }
    long total = 0;
    for (long[] s : shapes) {
      total += length(s);
    }
    long k = Ranking.pruneCount(sparsity, total);
    double[] density = erkDensities(shapes, sparsity);
    double[] real = new double[out.length];
    long assigned = 0;
    for (int i = 0; i < out.length; i++) {
      long n = length(shapes.get(i));
      real[i] = Math.max(0, Math.min(n, (1 - density[i]) * n));
      out[i] = (long) Math.floor(real[i]);
      assigned += out[i];
    }
    // Largest remainder: hand the missing prunes to the tensors with the largest fractional parts.
    Integer[] order = new Integer[out.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(real[b] - Math.floor(real[b]), real[a] - Math.floor(real[a]));
      return c != 0 ? c : Integer.compare(a, b);
    });
    while (assigned < k) {
      boolean progressed = false;
      for (int j = 0; j < order.length && assigned < k; j++) {
        int i = order[j];
        if (out[i] < length(shapes.get(i)) && density[i] < 1) {
          out[i]++;
          assigned++;
          progressed = true;
        }
      }
      checkState(progressed, "erk could not place %s prunes in %s weights", k, total);
    }
    while (assigned > k) { // only through rounding noise; take back from the smallest remainders
      boolean progressed = false;
      for (int j = order.length - 1; j >= 0 && assigned > k; j--) {
        int i = order[j];
        if (out[i] > 0) {
          out[i]--;
          assigned--;
          progressed = true;
        }
      }
      checkState(progressed, "erk could not remove surplus prunes");
    }
    return out;
  }

  /**
   * ERK densities (fraction of weights kept) of tensors with the given shapes at {@code sparsity}: raw
   * {@code p_i = Σ shape_i / Π shape_i}; {@code ε} solves {@code Σ_sparse ε p_i n_i = Σ_sparse n_i − K} with
   * {@code K = pruneCount(sparsity, N)}; while some {@code ε p_i > 1}, the tensors with the largest {@code p_i}
   * become dense (density 1) and {@code ε} is re-solved.
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
        checkArgument(d > 0, "tensor %s has shape %s; ERK needs positive dimensions", i, Arrays.toString(s));
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
