package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Backend;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Magnitude and random scores. */
class SimpleScorersProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  private static List<Param> params(long seed) {
    return Fixtures.randomParams(List.of(new long[] {3, 3, 2, 4}, new long[] {10, 6}), seed);
  }

  @Property(tries = 40)
  void randomScoresAreReproducibleFromTheirSeed(
      @ForAll long seed,
      @ForAll @DoubleRange(min = 0.05, max = 0.95) double sparsity,
      @ForAll Scope scope) {
    MaskContext context = MaskContext.of(new Fixtures.Holder(params(1)));
    ScoredPolicy policy = MaskPolicies.random(seed).scope(scope);
    MaskSet a = MaskSet.of(policy.masks(context, sparsity));
    assertThat(MaskSet.of(policy.masks(context, sparsity))).isEqualTo(a);
    assertThat(MaskSet.of(MaskPolicies.random(seed + 1).scope(scope).masks(context, sparsity)))
        .isNotEqualTo(a);
    // the context's seed is used when the scorer has none
    MaskContext seeded = MaskContext.builder(new Fixtures.Holder(params(1))).seed(seed).build();
    MaskContext same = MaskContext.builder(new Fixtures.Holder(params(1))).seed(seed).build();
    ScoredPolicy contextual = ScoredPolicy.of(Scorers.random()).scope(scope);
    assertThat(MaskSet.of(contextual.masks(seeded, sparsity)))
        .isEqualTo(MaskSet.of(contextual.masks(same, sparsity)))
        .isEqualTo(
            MaskSet.of(ScoredPolicy.of(Scorers.random(seed)).scope(scope).masks(same, sparsity)));
  }

  @Property(tries = 30)
  void randomScoresAreStandardNormal(@ForAll long seed) {
    List<Param> ps = Fixtures.randomParams(List.of(new long[] {40, 50}), 1);
    double[] z =
        Fixtures.doubles(
            Scorers.random(seed).scores(MaskContext.of(new Fixtures.Holder(ps))).get(ps.get(0)));
    double mean = java.util.Arrays.stream(z).average().orElseThrow();
    double var = java.util.Arrays.stream(z).map(x -> (x - mean) * (x - mean)).sum() / z.length;
    assertThat(mean).isBetween(-0.15, 0.15); // 2000 draws: sd of the mean about 0.022
    assertThat(var).isBetween(0.85, 1.15);
  }

  @Example
  void magnitudeScoresMaskedWeightsSoThatTheyCanBeReactivated() {
    List<Param> ps = Fixtures.randomParams(List.of(new long[] {1000}), 4);
    Param p = ps.get(0);
    MaskContext context = MaskContext.of(new Fixtures.Holder(ps));
    // prune the largest half: the reference re-scores all |w|, so a re-prune brings them back
    Masks.install(
        ScoredPolicy.of(
                ctx ->
                    com.google.common.collect.ImmutableMap.of(
                        p, org.nd4j.linalg.ops.transforms.Transforms.abs(p.value(), true).neg()))
            .masks(context, 0.5));
    MaskSet largestPruned = MaskSet.capture(ps);
    MaskSet reprune = MaskSet.of(MaskPolicies.magnitude().masks(context, 0.5));
    for (long j = 0; j < p.size(); j++) {
      assertThat(reprune.isKept("w0", j)).isEqualTo(!largestPruned.isKept("w0", j));
    }
    // without masked weights the re-prune keeps the pruned set and removes more
    MaskSet onlyActive =
        MaskSet.of(ScoredPolicy.of(Scorers.magnitude().includeMasked(false)).masks(context, 0.7));
    for (long j = 0; j < p.size(); j++) {
      if (!largestPruned.isKept("w0", j)) {
        assertThat(onlyActive.isKept("w0", j)).isFalse();
      }
    }
    assertThat(onlyActive.prunedCount()).isEqualTo(700);
    assertThat(MaskSet.capture(ps)).isEqualTo(largestPruned); // policies install nothing
  }
}
