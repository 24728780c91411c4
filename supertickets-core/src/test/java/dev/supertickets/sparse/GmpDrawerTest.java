package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Dataset;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Ranking;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.Selector;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GMP: the cubic schedule by hand, then a per-layer run on tiny28 (4 epochs of 4 steps, pruning
 * from step 4 to 12 every 3 steps) whose every update is exact and nested and whose masks stay
 * frozen after the end step, and a global run pruning from the initial weights that is reproducible
 * bit for bit.
 */
class GmpDrawerTest {
  private static final SearchSpace SPACE = SearchSpaces.tiny28();
  private static SuperTicket perLayer;
  private static final List<Long> steps = new ArrayList<>();
  private static final List<Double> sparsities = new ArrayList<>();
  private static final List<MaskSet> updates = new ArrayList<>();

  @BeforeAll
  static void draw() {
    perLayer =
        GmpDrawer.builder(SPACE)
            .seed(3)
            .retrainer(SparseFixtures.quick(4))
            .initialSparsity(0.1)
            .targetSparsity(0.6)
            .beginFraction(0.25)
            .endFraction(0.75)
            .frequency(3)
            .scope(Scope.PER_LAYER)
            .listener(
                onMasks(
                    e -> {
                      steps.add(e.step());
                      sparsities.add(e.sparsity());
                      updates.add(e.masks());
                    }))
            .build()
            .draw(SparseFixtures.train(256), null);
  }

  @Test
  void theScheduleIsCubicFromTheInitialToTheTargetSparsity() {
    GmpDrawer.Schedule s = new GmpDrawer.Schedule(0.1, 0.8, 100, 300, 50);
    assertThat(s.sparsityAt(0)).isEqualTo(0.1);
    assertThat(s.sparsityAt(100)).isEqualTo(0.1);
    assertThat(s.sparsityAt(200)).isCloseTo(0.8 - 0.7 * 0.125, within(1e-12));
    assertThat(s.sparsityAt(150)).isCloseTo(0.8 - 0.7 * 0.75 * 0.75 * 0.75, within(1e-12));
    assertThat(s.sparsityAt(300)).isEqualTo(0.8);
    assertThat(s.sparsityAt(10_000)).isEqualTo(0.8);
    assertThat(List.of(99L, 100L, 125L, 150L, 250L, 300L, 350L))
        .filteredOn(s::updatesAt)
        .containsExactly(100L, 150L, 250L, 300L);
    assertThat(s.updates()).isEqualTo(5);
    // the end step is an update even off the frequency grid
    GmpDrawer.Schedule offGrid = new GmpDrawer.Schedule(0, 0.5, 0, 10, 4);
    assertThat(List.of(0L, 4L, 8L, 10L)).allMatch(offGrid::updatesAt);
    assertThat(offGrid.updatesAt(12)).isFalse();
    assertThat(offGrid.updates()).isEqualTo(4);
    assertThat(GmpDrawer.builder(SPACE).beginFraction(0.1).endFraction(0.75).build().schedule(1000))
        .isEqualTo(new GmpDrawer.Schedule(0, 0.9, 100, 750, 100));
  }

  @Test
  void everyUpdateIsExactAndNestedAndTheLastHitsTheTarget() {
    assertThat(steps).containsExactly(4L, 7L, 10L, 12L);
    GmpDrawer.Schedule s = new GmpDrawer.Schedule(0.1, 0.6, 4, 12, 3);
    for (int i = 0; i < steps.size(); i++) {
      assertThat(sparsities.get(i)).isEqualTo(s.sparsityAt(steps.get(i)));
      MaskSet m = updates.get(i);
      for (String name : m.names()) {
        long n = size(m, name);
        assertThat(m.prunedCount(name))
            .as("%s at step %s", name, steps.get(i))
            .isEqualTo(Ranking.pruneCount(sparsities.get(i), n));
        for (long j = 0; i > 0 && j < n; j++) {
          assertThat(!m.isKept(name, j) || updates.get(i - 1).isKept(name, j))
              .as("%s[%s] came back", name, j)
              .isTrue();
        }
      }
    }
    assertThat(sparsities.get(sparsities.size() - 1)).isEqualTo(0.6);
  }

  @Test
  void masksAreFrozenAfterTheEndStep() {
    // four more steps trained after the last update at step 12, and no update was heard after it
    assertThat(steps.get(steps.size() - 1)).isEqualTo(12L);
    assertThat(MaskSet.capture(perLayer.network(), Selector.prunableWeights()))
        .isEqualTo(updates.get(updates.size() - 1));
  }

  @Test
  void provenanceRecordsTheMethodAndEverySetting() {
    var p = perLayer.provenance();
    assertThat(p.get("method")).isEqualTo("gmp");
    assertThat(p.get("seed")).isEqualTo("3");
    assertThat(p.get("gmp.targetSparsity")).isEqualTo("0.6");
    assertThat(p.get("gmp.initialSparsity")).isEqualTo("0.1");
    assertThat(p.get("gmp.beginStep")).isEqualTo("4");
    assertThat(p.get("gmp.endStep")).isEqualTo("12");
    assertThat(p.get("gmp.frequency")).isEqualTo("3");
    assertThat(p.get("gmp.scope")).isEqualTo("PER_LAYER");
    assertThat(p.get("retrained.masks")).isEqualTo("changed by 1 step hook(s)");
    assertThat(p.get("retrained.seed")).isEqualTo("3");
  }

  @Test
  void drawListenersHearEveryEpochAsFromTheSuperTicketsDrawer() {
    List<dev.supertickets.draw.DrawListener.DrawEvent> events = new ArrayList<>();
    List<dev.supertickets.draw.DrawListener.DrawSummary> done = new ArrayList<>();
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    SuperTicket t =
        GmpDrawer.builder(SPACE)
            .seed(3)
            .retrainer(SparseFixtures.quick(4))
            .initialSparsity(0.1)
            .targetSparsity(0.6)
            .beginFraction(0.25)
            .endFraction(0.75)
            .frequency(3)
            .scope(Scope.PER_LAYER)
            .listener(
                new dev.supertickets.draw.DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {
                    events.add(e);
                  }

                  @Override
                  public void onFinish(DrawSummary s) {
                    done.add(s);
                  }
                })
            .listener(
                new dev.supertickets.draw.ConsoleProgress(
                    new java.io.PrintStream(
                        console, true, java.nio.charset.StandardCharsets.UTF_8)))
            .build()
            .draw(SparseFixtures.train(256), null);
    assertThat(events)
        .extracting(dev.supertickets.draw.DrawListener.DrawEvent::epoch)
        .containsExactly(0, 1, 2, 3);
    assertThat(events.get(0).sparsity()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.02));
    assertThat(events.get(3).sparsity()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(0.01));
    assertThat(events.get(3).sparseMacs()).isLessThan(events.get(3).macs());
    assertThat(done)
        .singleElement()
        .satisfies(s -> assertThat(s.sparsity()).isEqualTo(t.sparsity()));
    assertThat(console.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("epoch 4/4")
        .contains("done:");
    // the listeners only watch: the masks are changed by GMP's own hook alone, and the ticket is
    // the same
    assertThat(t.provenance().get("retrained.masks")).isEqualTo("changed by 1 step hook(s)");
    SparseFixtures.assertBitIdentical(t, perLayer);
  }

  @Test
  void aGlobalRunFromTheInitialWeightsIsExactAndReproducible() {
    Dataset train = SparseFixtures.train(128);
    List<Long> at = new ArrayList<>();
    GmpDrawer.Builder b =
        GmpDrawer.builder(SPACE)
            .seed(9)
            .retrainer(SparseFixtures.quick(1))
            .initialSparsity(0.2)
            .targetSparsity(0.5)
            .beginFraction(0)
            .endFraction(1)
            .frequency(1)
            .scope(Scope.GLOBAL);
    SuperTicket a = b.listener(onMasks(e -> at.add(e.step()))).build().draw(train, null);
    SuperTicket again =
        GmpDrawer.builder(SPACE)
            .seed(9)
            .retrainer(SparseFixtures.quick(1))
            .initialSparsity(0.2)
            .targetSparsity(0.5)
            .beginFraction(0)
            .endFraction(1)
            .frequency(1)
            .scope(Scope.GLOBAL)
            .build()
            .draw(train, null);
    assertThat(at).containsExactly(0L, 1L, 2L);
    MaskSet masks = MaskSet.capture(a.network(), Selector.prunableWeights());
    assertThat(masks.prunedCount()).isEqualTo(Ranking.pruneCount(0.5, masks.totalCount()));
    SparseFixtures.assertBitIdentical(a, again);
  }

  @Test
  void badArgumentsAreRefusedWithTheRuleAndTheFix() {
    assertThatThrownBy(() -> GmpDrawer.builder(SPACE).targetSparsity(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in (0, 1), got 1.0");
    assertThatThrownBy(() -> GmpDrawer.builder(SPACE).frequency(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frequency must be positive, got 0");
    assertThatThrownBy(() -> GmpDrawer.builder(SPACE).endFraction(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("end fraction must be in [0, 1], got 1.5");
    assertThatThrownBy(
            () -> GmpDrawer.builder(SPACE).initialSparsity(0.5).targetSparsity(0.3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial sparsity 0.5 must not exceed the target sparsity 0.3");
    assertThatThrownBy(() -> GmpDrawer.builder(SPACE).beginFraction(0.8).endFraction(0.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("begin fraction 0.8 and end fraction 0.5");
    assertThatThrownBy(() -> GmpDrawer.builder(SPACE).scope(Scope.ERK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GLOBAL or PER_LAYER, got ERK");
    assertThatThrownBy(() -> new GmpDrawer.Schedule(0, 0.5, 10, 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("begin 10 and end 5");
  }

  private static long size(MaskSet m, String name) {
    long n = 1;
    for (long d : m.shape(name)) {
      n *= d;
    }
    return n;
  }

  /** A draw listener that hears only of new masks. */
  static dev.supertickets.draw.DrawListener onMasks(
      java.util.function.Consumer<dev.supertickets.draw.DrawListener.MaskEvent> heard) {
    return new dev.supertickets.draw.DrawListener() {
      @Override
      public void onEpoch(DrawEvent e) {}

      @Override
      public void onMasks(MaskEvent e) {
        heard.accept(e);
      }
    };
  }
}
