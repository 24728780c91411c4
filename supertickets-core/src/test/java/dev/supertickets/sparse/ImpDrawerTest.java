package dev.supertickets.sparse;

import static dev.supertickets.sparse.SparseFixtures.assertBitIdentical;
import static dev.supertickets.sparse.SparseFixtures.assertSameValues;
import static dev.supertickets.sparse.SparseFixtures.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IMP on tiny28 with one-epoch levels (4 steps of 64 images): rewinding to a step and to
 * initialisation, reproducibility, the level plan, provenance and argument checks. The mask
 * properties are in {@link ImpProperties}.
 */
class ImpDrawerTest {
  private static final SearchSpace SPACE = SearchSpaces.tiny28();
  private static Dataset train;
  private static ImpDrawer.Result rewindToStep3;
  private static final List<String> heard = new ArrayList<>();

  private static ImpDrawer.Builder imp(long seed) {
    return ImpDrawer.builder(SPACE)
        .seed(seed)
        .retrainer(SparseFixtures.quick(1))
        .pruningFraction(0.5);
  }

  @BeforeAll
  static void run() {
    train = SparseFixtures.train(256);
    rewindToStep3 =
        imp(7)
            .milestones(0.5, 0.7)
            .rewindSteps(3)
            .listener(
                new dev.supertickets.draw.DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {}

                  @Override
                  public void onRound(RoundEvent e) {
                    heard.add(e.round() + "@" + e.sparsity());
                  }
                })
            .build()
            .run(train, null);
  }

  @Test
  void levelsFollowThePlanAndTheListenerHearsEach() {
    assertThat(rewindToStep3.levels()).extracting(ImpDrawer.Level::level).containsExactly(0, 1, 2);
    assertThat(rewindToStep3.levels())
        .extracting(ImpDrawer.Level::sparsity)
        .containsExactly(0.0, 0.5, 0.7);
    assertThat(heard).containsExactly("0@0.0", "1@0.5", "2@0.7");
    assertThat(rewindToStep3.last().trained().sparsity()).isCloseTo(0.7, within(1e-3));
  }

  @Test
  void rewoundTicketsHoldTheWeightsAfterTheRewindStepWithTheLevelsMasks() {
    // θ_3 taken independently: the same initial weights and recipe, stopped after step 3
    Normalization norm = Normalization.of(train);
    SuperTicket initial = SuperTicket.initial(SPACE, norm, 7);
    AtomicReference<NetworkState> theta3 = new AtomicReference<>();
    initial.retrain(
        train,
        null,
        SparseFixtures.quick(1).toBuilder()
            .seed(7)
            .stepHook(
                (Trainer t, int e) -> {
                  if (t.globalStep() == 3) {
                    theta3.set(NetworkState.capture(t.model()));
                  }
                })
            .build());
    String first = initial.state().values().keySet().iterator().next();
    assertThat(floats(theta3.get().values().get(first)))
        .as("three steps moved %s", first)
        .isNotEqualTo(floats(initial.state().values().get(first)));
    for (ImpDrawer.Level level : rewindToStep3.levels()) {
      assertSameValues(level.rewound().state(), theta3.get());
      assertThat(level.rewound().state().masks().keySet())
          .isEqualTo(level.trained().state().masks().keySet());
      level
          .rewound()
          .state()
          .masks()
          .forEach(
              (name, m) ->
                  assertThat(floats(m))
                      .as(name)
                      .containsExactly(floats(level.trained().state().masks().get(name))));
    }
  }

  @Test
  void rewindingToInitialisationIsReproducibleBitForBit() {
    ImpDrawer drawer = imp(11).targetSparsity(0.5).build();
    ImpDrawer.Result a = drawer.run(train, null);
    ImpDrawer.Result b = imp(11).targetSparsity(0.5).build().run(train, null);
    SuperTicket initial = SuperTicket.initial(SPACE, Normalization.of(train), 11);
    assertThat(a.levels()).hasSize(2);
    for (int i = 0; i < a.levels().size(); i++) {
      assertBitIdentical(a.levels().get(i).trained(), b.levels().get(i).trained());
      assertBitIdentical(a.levels().get(i).rewound(), b.levels().get(i).rewound());
      assertSameValues(a.levels().get(i).rewound().state(), initial.state());
    }
    long n = MaskSet.capture(initial.network(), Selector.prunableWeights()).totalCount();
    assertThat(
            MaskSet.capture(a.last().rewound().network(), Selector.prunableWeights()).prunedCount())
        .isEqualTo(Ranking.pruneCount(0.5, n));
  }

  @Test
  void provenanceRecordsTheMethodTheLevelAndEverySetting() {
    var p = rewindToStep3.last().trained().provenance();
    assertThat(p.get("method")).isEqualTo("imp");
    assertThat(p.get("seed")).isEqualTo("7");
    assertThat(p.get("imp.level")).isEqualTo("2");
    assertThat(p.get("imp.sparsity")).isEqualTo("0.7");
    assertThat(p.get("imp.pruningFraction")).isEqualTo("0.5");
    assertThat(p.get("imp.milestones")).isEqualTo("[0.5, 0.7]");
    assertThat(p.get("imp.scope")).isEqualTo("GLOBAL");
    assertThat(p.get("imp.rewindSteps")).isEqualTo("3");
    assertThat(p.get("imp.retrainer.epochs")).isEqualTo("1");
    assertThat(p.get("imp.retrainer.seed")).isEqualTo("7");
    assertThat(p.get("retrained.seed")).isEqualTo("7");
    assertThat(p.get("data.train")).endsWith("(256)");
    assertThat(p.get("data.test")).isEqualTo("none");
    assertThat(rewindToStep3.levels().get(1).rewound().provenance().get("imp.level"))
        .isEqualTo("1");
  }

  @Test
  void thePlanPrunesTheFractionOfWhatIsLeftUpToTheTarget() {
    List<Double> plan = ImpDrawer.builder(SPACE).build().levelSparsities();
    assertThat(plan).hasSize(12);
    assertThat(plan.get(10)).isCloseTo(1 - Math.pow(0.8, 10), within(1e-12));
    assertThat(plan.get(11)).isEqualTo(0.9);
    assertThat(
            ImpDrawer.builder(SPACE)
                .pruningFraction(0.5)
                .milestones(0.3, 0.6)
                .build()
                .levelSparsities())
        .containsExactly(0.0, 0.3, 0.6);
  }

  @Test
  void badArgumentsAreRefusedWithTheRuleAndTheFix() {
    for (double p : new double[] {0, 1, 1.5, -0.2, Double.NaN}) {
      assertThatThrownBy(() -> ImpDrawer.builder(SPACE).pruningFraction(p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pruning fraction must be in (0, 1), got " + p)
          .hasMessageContaining("0.2");
    }
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).milestones(0.5, 0.8, 0.8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("milestones must increase strictly, got 0.8 after 0.8");
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).milestones(0.5, 0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0.3 after 0.5");
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).targetSparsity(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in (0, 1), got 1.0");
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).targetSparsity(0.9).milestones(0.5, 0.9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to [0.9]");
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).rewindSteps(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -1");
    assertThatThrownBy(() -> ImpDrawer.builder(SPACE).scope(Scope.ERK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GLOBAL or PER_LAYER, got ERK");
    // one run is 1 epoch of 256 images in batches of 64: 4 steps, so step 4 is the end, not a
    // rewind point
    assertThatThrownBy(() -> imp(1).rewindSteps(4).build().run(train, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rewind step 4 is not before the end of one training run (4 steps")
        .hasMessageContaining("rewind earlier or train longer");
  }
}
