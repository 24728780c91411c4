package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns scores into masks with an exact prune count.
 *
 * <p><b>Counts.</b> A set of {@code n} weights at sparsity {@code s} loses exactly {@link
 * #pruneCount}{@code (s, n)} = {@code floor(s · n)}, where a double product within a relative 1e-9
 * below an integer counts as that integer (so 0.29 of 100 weights prunes 29 although {@code 0.29 *
 * 100} is 28.999999999999996, and {@code 3.0/7} of 7 prunes 3), and at most {@code n − 1} since
 * {@code s < 1}. {@link Scope#GLOBAL} applies it to all selected weights together, {@link
 * Scope#PER_LAYER} to each tensor, {@link Scope#ERK} uses {@link Scope#quotas}.
 *
 * <p><b>Order.</b> The lowest scores are pruned first; equal scores are broken by a fixed order,
 * tensor index (the position in the parameter list) and then the row-major flat index, so the same
 * scores always give the same masks and the masks are nested: a weight kept at a higher sparsity is
 * kept at every lower one.
 *
 * <p><b>Reference ties.</b> The reference keeps {@code score > thr}, where {@code thr} is the
 * {@code k}-th smallest score, so every weight tied with the threshold is pruned and more than
 * {@code k} weights may go. Pass {@code referenceTies = true} to reproduce that; with {@code k = 0}
 * nothing is pruned either way.
 */
public final class Ranking {
  private Ranking() {}

  /** Checks that {@code sparsity} is a fraction in [0, 1). */
  static void checkSparsity(double sparsity) {
    checkArgument(
        sparsity >= 0 && sparsity < 1,
        "sparsity must be in [0, 1), got %s; pass the fraction of weights to prune, e.g. 0.9",
        sparsity);
  }

  /**
   * {@code floor(sparsity · n)}, forgiving round-off just below an integer (see the class comment).
   */
  public static long pruneCount(double sparsity, long n) {
    checkSparsity(sparsity);
    checkArgument(n >= 0, "weight count must not be negative, got %s", n);
    if (n == 0) {
      return 0;
    }
    double product = sparsity * n;
    double nearest = Math.rint(product);
    long k =
        nearest > product && nearest - product <= 1e-9 * Math.max(1, product)
            ? (long) nearest
            : (long) Math.floor(product);
    return Math.min(k, n - 1);
  }

  /** {@link #select(List, Map, double, Scope, boolean)} with exact counts. */
  public static ImmutableMap<Param, INDArray> select(
      List<Param> params, Map<Param, ? extends INDArray> scores, double sparsity, Scope scope) {
    return select(params, scores, sparsity, scope, false);
  }

  /**
   * Masks that prune the lowest-scored weights of {@code params} at {@code sparsity} in {@code
   * scope}.
   *
   * @param scores one array per parameter, with its shape and without NaN
   * @param referenceTies prune every weight tied with the threshold, as the reference does (may
   *     prune more)
   * @return fresh, detached 0/1 masks in the parameters' data types, in the order of {@code params}
   */
  public static ImmutableMap<Param, INDArray> select(
      List<Param> params,
      Map<Param, ? extends INDArray> scores,
      double sparsity,
      Scope scope,
      boolean referenceTies) {
    checkNotNull(params, "parameters must not be null");
    checkNotNull(scores, "scores must not be null; pass one score array per parameter");
    checkSparsity(sparsity);
    checkNotNull(scope, "scope must not be null; use Scope.GLOBAL");
    checkArgument(!params.isEmpty(), "need at least one parameter to prune");
    double[][] s = gather(params, scores);
    boolean[][] pruned = new boolean[s.length][];
    if (scope == Scope.GLOBAL) {
      int total = 0;
      for (double[] v : s) {
        total = Math.addExact(total, v.length);
      }
      double[] all = new double[total];
      int at = 0;
      for (double[] v : s) {
        System.arraycopy(v, 0, all, at, v.length);
        at += v.length;
      }
      boolean[] p = pruneLowest(all, pruneCount(sparsity, total), referenceTies);
      at = 0;
      for (int i = 0; i < s.length; i++) {
        pruned[i] = Arrays.copyOfRange(p, at, at + s[i].length);
        at += s[i].length;
      }
    } else {
      long[] quotas = scope.quotas(shapes(params), sparsity);
      for (int i = 0; i < s.length; i++) {
        pruned[i] = pruneLowest(s[i], quotas[i], referenceTies);
      }
    }
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builderWithExpectedSize(params.size());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (int i = 0; i < s.length; i++) {
        Param p = params.get(i);
        float[] m = new float[pruned[i].length];
        for (int j = 0; j < m.length; j++) {
          m[j] = pruned[i][j] ? 0f : 1f;
        }
        out.put(p, Nd4j.create(m, p.value().shape(), 'c').castTo(p.value().dataType()).detach());
      }
    }
    return out.buildOrThrow();
  }

  /**
   * Which of {@code v} to prune: the {@code k} lowest by (value, index), or with {@code
   * referenceTies} every value not above the {@code k}-th smallest.
   */
  static boolean[] pruneLowest(double[] v, long k, boolean referenceTies) {
    boolean[] out = new boolean[v.length];
    if (k <= 0) {
      return out;
    }
    checkArgument(k <= v.length, "cannot prune %s of %s weights", k, v.length);
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double threshold = sorted[(int) k - 1];
    long tiesToPrune = k;
    for (double x : v) {
      if (x < threshold) {
        tiesToPrune--;
      }
    }
    for (int i = 0; i < v.length; i++) {
      if (v[i] < threshold) {
        out[i] = true;
      } else if (v[i] == threshold && (referenceTies || tiesToPrune > 0)) {
        out[i] = true;
        tiesToPrune--;
      }
    }
    return out;
  }

  /**
   * The scores of each parameter as row-major doubles, validated; {@code -0.0} becomes {@code 0.0}.
   */
  static double[][] gather(List<Param> params, Map<Param, ? extends INDArray> scores) {
    checkNotNull(scores, "scores must not be null");
    checkArgument(
        scores.size() == params.size(),
        "got scores for %s tensors but %s parameters are prunable; score every parameter of"
            + " context.params()",
        scores.size(),
        params.size());
    double[][] out = new double[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      INDArray score = scores.get(p);
      checkArgument(
          score != null,
          "no score for parameter %s; score every parameter of context.params()",
          p.name());
      checkArgument(
          Arrays.equals(score.shape(), p.value().shape()),
          "score of %s has shape %s but the parameter has shape %s; return one score per weight",
          p.name(),
          Arrays.toString(score.shape()),
          Arrays.toString(p.value().shape()));
      double[] v = toDoubles(score);
      for (int j = 0; j < v.length; j++) {
        checkArgument(
            !Double.isNaN(v[j]),
            "score of %s is NaN at flat index %s; check the scorer (overflow or 0/0)",
            p.name(),
            j);
        v[j] += 0.0; // -0.0 + 0.0 == +0.0, so zeros of either sign tie
      }
      out[i] = v;
    }
    return out;
  }

  /** The entries of {@code a} in row-major order. */
  static double[] toDoubles(INDArray a) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      INDArray flat = a.castTo(DataType.DOUBLE).dup('c');
      double[] v = flat.data().asDouble();
      return v.length == a.length() ? v : Arrays.copyOf(v, (int) a.length());
    }
  }

  /** The parameters' shapes, for {@link Scope#quotas}. */
  static ImmutableList<long[]> shapes(List<Param> params) {
    return params.stream().map(p -> p.value().shape()).collect(ImmutableList.toImmutableList());
  }
}
