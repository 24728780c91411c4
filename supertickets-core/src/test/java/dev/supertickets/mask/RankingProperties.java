package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Backend;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Exact counts, binary masks, order, determinism and nesting of {@link Ranking} in every scope. */
class RankingProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Provide
  Arbitrary<List<long[]>> shapes() {
    Arbitrary<long[]> shape =
        Arbitraries.integers()
            .between(1, 4)
            .flatMap(rank -> Arbitraries.longs().between(1, 6).array(long[].class).ofSize(rank));
    return shape.list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Double> sparsities() {
    return Arbitraries.doubles().between(0.0, true, 1.0, false);
  }

  /** N(0, 1) scores, or small integers when {@code tied} so that many scores are equal. */
  static ImmutableMap<Param, INDArray> scores(List<Param> params, long seed, boolean tied) {
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    ImmutableMap.Builder<Param, INDArray> out = ImmutableMap.builder();
    for (Param p : params) {
      double[] v = new double[(int) p.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = tied ? rng.nextInt(4) : rng.nextGaussian();
      }
      out.put(p, Fixtures.array(v, p.value().shape()));
    }
    return out.buildOrThrow();
  }

  @Property(tries = 150)
  void masksAreBinaryWithExactCountsAndPruneTheLowestScoresFirst(
      @ForAll("shapes") List<long[]> shapes,
      @ForAll("sparsities") double sparsity,
      @ForAll Scope scope,
      @ForAll boolean tied,
      @ForAll long seed) {
    List<Param> params = Fixtures.randomParams(shapes, seed);
    ImmutableMap<Param, INDArray> scores = scores(params, seed, tied);
    ImmutableMap<Param, INDArray> masks = Ranking.select(params, scores, sparsity, scope);

    assertThat(masks.keySet()).containsExactlyElementsOf(params);
    long total = 0;
    long pruned = 0;
    long[] quotas = scope == Scope.GLOBAL ? null : scope.quotas(Ranking.shapes(params), sparsity);
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      INDArray m = masks.get(p);
      assertThat(m.shape()).isEqualTo(p.value().shape());
      assertThat(m.dataType()).isEqualTo(p.value().dataType());
      double[] v = Fixtures.doubles(m);
      assertThat(Arrays.stream(v).allMatch(x -> x == 0 || x == 1)).as("binary").isTrue();
      long zeros = Arrays.stream(v).filter(x -> x == 0).count();
      if (quotas != null) {
        assertThat(zeros).as("pruned in %s", p.name()).isEqualTo(quotas[i]);
        if (scope == Scope.PER_LAYER) {
          assertThat(zeros).isEqualTo(Ranking.pruneCount(sparsity, p.size()));
        }
      }
      total += v.length;
      pruned += zeros;
    }
    if (scope
        != Scope.PER_LAYER) { // per layer sums floor(s · n_i), which may fall short of floor(s · N)
      assertThat(pruned).isEqualTo(Ranking.pruneCount(sparsity, total));
    }
    assertOrdered(params, scores, masks, scope == Scope.GLOBAL);
  }

  /**
   * Within each ranking group (all tensors for global, one tensor otherwise): every pruned weight
   * scores at most every kept one, and among equal scores the pruned come first in (tensor, flat
   * index) order.
   */
  static void assertOrdered(
      List<Param> params,
      ImmutableMap<Param, INDArray> scores,
      ImmutableMap<Param, INDArray> masks,
      boolean global) {
    int groups = global ? 1 : params.size();
    for (int g = 0; g < groups; g++) {
      double maxPruned = Double.NEGATIVE_INFINITY;
      double minKept = Double.POSITIVE_INFINITY;
      long lastPrunedAtMax = -1;
      long firstKeptAtMin = Long.MAX_VALUE;
      long offset = 0;
      List<Param> members = global ? params : List.of(params.get(g));
      for (Param p : members) {
        double[] s = Fixtures.doubles(scores.get(p));
        double[] m = Fixtures.doubles(masks.get(p));
        for (int j = 0; j < s.length; j++) {
          long idx = offset + j;
          if (m[j] == 0) {
            if (s[j] > maxPruned) {
              maxPruned = s[j];
              lastPrunedAtMax = idx;
            } else if (s[j] == maxPruned) {
              lastPrunedAtMax = idx;
            }
          } else if (s[j] < minKept) {
            minKept = s[j];
            firstKeptAtMin = idx;
          }
        }
        offset += s.length;
      }
      assertThat(maxPruned).isLessThanOrEqualTo(minKept);
      if (maxPruned == minKept) {
        assertThat(lastPrunedAtMax).as("ties broken by index").isLessThan(firstKeptAtMin);
      }
    }
  }

  @Property(tries = 60)
  void sameScoresGiveTheSameMasks(
      @ForAll("shapes") List<long[]> shapes,
      @ForAll("sparsities") double sparsity,
      @ForAll Scope scope,
      @ForAll boolean tied,
      @ForAll long seed) {
    List<Param> params = Fixtures.randomParams(shapes, seed);
    MaskSet a = MaskSet.of(Ranking.select(params, scores(params, seed, tied), sparsity, scope));
    MaskSet b = MaskSet.of(Ranking.select(params, scores(params, seed, tied), sparsity, scope));
    assertThat(a).isEqualTo(b);
  }

  @Property(tries = 80)
  void magnitudeIsMonotoneInSparsity(
      @ForAll("shapes") List<long[]> shapes,
      @ForAll("sparsities") double s1,
      @ForAll("sparsities") double s2,
      @ForAll Scope scope,
      @ForAll long seed) {
    List<Param> params = Fixtures.randomParams(shapes, seed);
    MaskContext context = MaskContext.of(new Fixtures.Holder(params));
    ScoredPolicy policy = MaskPolicies.magnitude().scope(scope);
    double low = Math.min(s1, s2);
    double high = Math.max(s1, s2);
    MaskSet atLow = MaskSet.of(policy.masks(context, low));
    MaskSet atHigh = MaskSet.of(policy.masks(context, high));
    for (Param p : params) {
      for (long j = 0; j < p.size(); j++) {
        if (atHigh.isKept(p.name(), j)) {
          assertThat(atLow.isKept(p.name(), j))
              .as("%s[%s] kept at %s but not at %s", p.name(), j, high, low)
              .isTrue();
        }
      }
    }
  }

  @Property(tries = 300)
  void erkQuotasGrowWithSparsityInEveryTensor(
      @ForAll("shapes") List<long[]> shapes,
      @ForAll("sparsities") double s1,
      @ForAll("sparsities") double s2) {
    long[] low = Scope.ERK.quotas(shapes, Math.min(s1, s2));
    long[] high = Scope.ERK.quotas(shapes, Math.max(s1, s2));
    for (int i = 0; i < low.length; i++) {
      assertThat(high[i])
          .as(
              "tensor %s prunes %s at %s but %s at %s",
              i, high[i], Math.max(s1, s2), low[i], Math.min(s1, s2))
          .isGreaterThanOrEqualTo(low[i]);
    }
  }

  @Property(tries = 80)
  void referenceTiesPruneEveryWeightTiedWithTheThreshold(
      @ForAll("shapes") List<long[]> shapes,
      @ForAll("sparsities") double sparsity,
      @ForAll boolean tied,
      @ForAll long seed) {
    List<Param> params = Fixtures.randomParams(shapes, seed);
    ImmutableMap<Param, INDArray> scores = scores(params, seed, tied);
    ImmutableMap<Param, INDArray> masks =
        Ranking.select(params, scores, sparsity, Scope.GLOBAL, true);
    double[] all =
        params.stream()
            .flatMapToDouble(p -> Arrays.stream(Fixtures.doubles(scores.get(p))))
            .toArray();
    long k = Ranking.pruneCount(sparsity, all.length);
    double[] sorted = all.clone();
    Arrays.sort(sorted);
    long expected = k == 0 ? 0 : Arrays.stream(all).filter(x -> x <= sorted[(int) k - 1]).count();
    assertThat(Masks.prunedCountOf(masks)).isEqualTo(expected).isGreaterThanOrEqualTo(k);
    assertOrdered(params, scores, masks, true);
  }

  @Property(tries = 100)
  void erkQuotasSumExactlyAndFollowTheErkDensities(
      @ForAll("shapes") List<long[]> shapes, @ForAll("sparsities") double sparsity) {
    long[] quotas = Scope.ERK.quotas(shapes, sparsity);
    double[] density = Scope.erkDensities(shapes, sparsity);
    long total = shapes.stream().mapToLong(Scope::length).sum();
    assertThat(Arrays.stream(quotas).sum()).isEqualTo(Ranking.pruneCount(sparsity, total));
    Double eps = null;
    for (int i = 0; i < shapes.size(); i++) {
      long n = Scope.length(shapes.get(i));
      assertThat(density[i]).isBetween(0.0, 1.0 + 1e-12);
      // Webster rounding keeps each share within 1/2 + m/2 of the real one (the quotas' javadoc)
      assertThat((double) quotas[i])
          .isCloseTo(
              (1 - density[i]) * n,
              org.assertj.core.data.Offset.offset(0.5 + shapes.size() / 2.0 + 1e-9));
      assertThat(quotas[i]).isBetween(0L, n);
      if (density[i] < 1) { // density / raw ERK probability is the same ε for every sparse tensor
        double raw = Arrays.stream(shapes.get(i)).sum() / (double) n;
        if (eps == null) {
          eps = density[i] / raw;
        } else {
          assertThat(density[i] / raw)
              .isCloseTo(eps, org.assertj.core.data.Offset.offset(1e-9 * eps + 1e-12));
        }
      }
    }
  }

  @Example
  void erkQuotasDoNotTakeAPruneBackWhenTheSparsityRises() {
    // largest-remainder rounding gave tensor 0 one prune at 0.84 and none at 0.85 (the Alabama
    // paradox)
    List<long[]> shapes = List.of(new long[] {3}, new long[] {3, 6}, new long[] {4, 5, 6});
    long[] low = Scope.ERK.quotas(shapes, 0.84);
    long[] high = Scope.ERK.quotas(shapes, 0.85);
    for (int i = 0; i < 3; i++) {
      assertThat(high[i]).as("tensor %s", i).isGreaterThanOrEqualTo(low[i]);
    }
    assertThat(Arrays.stream(high).sum()).isEqualTo(Ranking.pruneCount(0.85, 3 + 18 + 120));
  }

  @Example
  void erkMakesSmallDenseTensorsDenseAndRedistributes() {
    // raw ERK probabilities: [1,1,2,2] -> 6/4; [3,3,4,200] -> 210/7200; [200,10] -> 210/2000
    List<long[]> shapes =
        List.of(new long[] {1, 1, 2, 2}, new long[] {3, 3, 4, 200}, new long[] {200, 10});
    double[] d = Scope.erkDensities(shapes, 0.9);
    assertThat(d[0]).isEqualTo(1.0);
    assertThat(d[1]).isLessThan(d[2]).isLessThan(1.0);
    long[] q = Scope.ERK.quotas(shapes, 0.9);
    assertThat(q[0]).isZero();
    assertThat(q[0] + q[1] + q[2]).isEqualTo(Ranking.pruneCount(0.9, 4 + 7200 + 2000));
  }

  @Example
  void tiesAreBrokenByTensorIndexThenFlatIndex() {
    List<Param> params = Fixtures.randomParams(List.of(new long[] {2, 2}, new long[] {3}), 1);
    ImmutableMap<Param, INDArray> scores =
        ImmutableMap.of(
            params.get(0), Fixtures.array(new double[] {1, 1, 1, 1}, 2, 2),
            params.get(1), Fixtures.array(new double[] {1, 0, 1}, 3));
    // 3 of 7: the lone 0, then the first two ones in (tensor, flat) order
    ImmutableMap<Param, INDArray> masks = Ranking.select(params, scores, 3.0 / 7, Scope.GLOBAL);
    assertThat(Fixtures.doubles(masks.get(params.get(0)))).containsExactly(0, 0, 1, 1);
    assertThat(Fixtures.doubles(masks.get(params.get(1)))).containsExactly(1, 0, 1);
    ImmutableMap<Param, INDArray> ref = Ranking.select(params, scores, 3.0 / 7, Scope.GLOBAL, true);
    assertThat(Masks.prunedCountOf(ref)).isEqualTo(7); // every 1 ties with the threshold
  }

  @Example
  void pruneCountRoundsDownForgivingRoundOff() {
    assertThat(Ranking.pruneCount(0.29, 100))
        .isEqualTo(29); // 0.29 * 100 == 28.999999999999996 in binary
    assertThat(Ranking.pruneCount(3.0 / 7, 7))
        .isEqualTo(3); // the decimal 0.42857142857142855 * 7 < 3
    assertThat(Ranking.pruneCount(0.3, 10)).isEqualTo(3);
    assertThat(Ranking.pruneCount(0.2999, 10)).isEqualTo(2);
    assertThat(Ranking.pruneCount(1 - 1e-15, 1000)).isEqualTo(999); // never every weight
    assertThat(Ranking.pruneCount(0.9, 7)).isEqualTo(6);
    assertThat(Ranking.pruneCount(0, 7)).isZero();
    assertThat(Ranking.pruneCount(0.999, 10)).isEqualTo(9);
    assertThatThrownBy(() -> Ranking.pruneCount(1.0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sparsity must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> Ranking.pruneCount(Double.NaN, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void badScoresAreRejectedWithTheParameterName() {
    List<Param> params = Fixtures.randomParams(List.of(new long[] {2}), 1);
    assertThatThrownBy(
            () ->
                Ranking.select(
                    params,
                    ImmutableMap.of(params.get(0), Fixtures.array(new double[] {1, 2, 3}, 3)),
                    0.5,
                    Scope.GLOBAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("score of w0 has shape [3]");
    assertThatThrownBy(
            () ->
                Ranking.select(
                    params,
                    ImmutableMap.of(params.get(0), Fixtures.array(new double[] {1, Double.NaN}, 2)),
                    0.5,
                    Scope.GLOBAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
  }
}
