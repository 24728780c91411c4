package dev.supertickets.sparse;

import static dev.supertickets.sparse.SparseFixtures.floats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Dataset;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpaces;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * IMP's masks over whole runs on tiny28 (one training step per level): they only shrink, every
 * level prunes exactly its planned count, and every milestone is a level's sparsity.
 */
class ImpProperties {
  private static Dataset train;

  @BeforeContainer
  static void data() {
    train = SparseFixtures.train(64);
  }

  @Property(tries = 3)
  void masksShrinkLevelByLevelAndEveryLevelIsExact(
      @ForAll @DoubleRange(min = 0.4, max = 0.7) double pruningFraction,
      @ForAll("milestones") double[] milestones,
      @ForAll("scopes") Scope scope,
      @ForAll long seed) {
    ImpDrawer drawer =
        ImpDrawer.builder(SearchSpaces.tiny28())
            .seed(seed)
            .retrainer(SparseFixtures.quick(1))
            .pruningFraction(pruningFraction)
            .scope(scope)
            .milestones(
                milestones[0], java.util.Arrays.copyOfRange(milestones, 1, milestones.length))
            .build();
    List<ImpDrawer.Level> levels = drawer.run(train, null).levels();

    assertThat(levels)
        .extracting(ImpDrawer.Level::sparsity)
        .containsExactlyElementsOf(drawer.levelSparsities());
    Map<String, INDArray> previous = null;
    for (ImpDrawer.Level level : levels) {
      Map<String, INDArray> masks = level.trained().state().masks();
      assertThat(level.rewound().state().masks().keySet()).isEqualTo(masks.keySet());
      if (level.level() == 0) {
        assertThat(masks).isEmpty();
      } else {
        assertExactCounts(masks, level.sparsity(), scope);
        for (Map.Entry<String, INDArray> e : masks.entrySet()) {
          float[] now = floats(e.getValue());
          assertThat(floats(level.rewound().state().masks().get(e.getKey()))).containsExactly(now);
          float[] before = previous == null ? null : floats(previous.get(e.getKey()));
          for (int i = 0; before != null && i < now.length; i++) {
            assertThat(now[i] <= before[i])
                .as("level %s keeps %s[%s], pruned before", level.level(), e.getKey(), i)
                .isTrue();
          }
        }
        previous = masks;
      }
    }
    assertThat(levels.get(levels.size() - 1).sparsity())
        .isEqualTo(milestones[milestones.length - 1]);
  }

  @Property(tries = 200)
  void thePlanHitsEveryMilestoneAndOtherwisePrunesTheFractionOfWhatIsLeft(
      @ForAll @DoubleRange(min = 0.01, max = 0.95) double pruningFraction,
      @ForAll("milestones") double[] milestones) {
    List<Double> plan =
        ImpDrawer.builder(SearchSpaces.tiny28())
            .pruningFraction(pruningFraction)
            .milestones(
                milestones[0], java.util.Arrays.copyOfRange(milestones, 1, milestones.length))
            .build()
            .levelSparsities();
    assertThat(plan.get(0)).isZero();
    assertThat(plan.get(plan.size() - 1)).isEqualTo(milestones[milestones.length - 1]);
    for (double m : milestones) {
      assertThat(plan).contains(m);
    }
    for (int l = 1; l < plan.size(); l++) {
      double full = 1 - (1 - pruningFraction) * (1 - plan.get(l - 1));
      assertThat(plan.get(l)).isGreaterThan(plan.get(l - 1));
      if (plan.get(l) != full) {
        assertThat(milestones)
            .as("level %s is clamped, so to a milestone", l)
            .contains(plan.get(l));
        assertThat(plan.get(l)).isLessThan(full);
      }
    }
  }

  private static void assertExactCounts(Map<String, INDArray> masks, double sparsity, Scope scope) {
    long total = 0;
    long pruned = 0;
    for (INDArray m : masks.values()) {
      long n = m.length();
      long p = n - Math.round(m.sumNumber().doubleValue());
      total += n;
      pruned += p;
      if (scope == Scope.PER_LAYER) {
        assertThat(p).isEqualTo(Ranking.pruneCount(sparsity, n));
      }
    }
    if (scope == Scope.GLOBAL) {
      assertThat(pruned).isEqualTo(Ranking.pruneCount(sparsity, total));
    }
    assertThat(Math.abs((double) pruned / total - sparsity) * total)
        .isLessThanOrEqualTo(scope == Scope.GLOBAL ? 1 : masks.size());
  }

  @Provide
  Arbitrary<double[]> milestones() {
    return Arbitraries.doubles()
        .between(0.05, 0.8)
        .ofScale(3)
        .set()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(s -> s.stream().mapToDouble(Double::doubleValue).sorted().toArray());
  }

  @Provide
  Arbitrary<Scope> scopes() {
    return Arbitraries.of(Scope.GLOBAL, Scope.PER_LAYER);
  }
}
