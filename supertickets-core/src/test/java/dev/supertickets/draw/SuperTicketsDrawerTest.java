package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Mode;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A short draw on the embedded subset: exact sparsity, a cut architecture, a file round trip. */
@Tag("slow")
class SuperTicketsDrawerTest {
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket ticket;
  private static final List<DrawListener.DrawEvent> events = new ArrayList<>();
  private static final List<DrawListener.MaskEvent> maskEvents = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void draw() throws Exception {
    Backend.init();
    train = EmbeddedFashionMnist.train().subset(0, 1024);
    test = EmbeddedFashionMnist.test().subset(0, 256);
    ticket =
        drawer()
            .listener(new ConsoleProgress())
            .listener(events::add)
            .listener(
                new DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {}

                  @Override
                  public void onMasks(MaskEvent e) {
                    maskEvents.add(e);
                  }
                })
            .build()
            .draw(train, test);
  }

  /**
   * A loose threshold and a strong penalty, so that channels are cut within 4 epochs; no
   * augmentation, since 1,024 images and 4 epochs are too few to learn through it.
   */
  private static SuperTicketsDrawer.Builder drawer() {
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .augmentation(dev.supertickets.data.Augmentation.none())
        .seed(5)
        .epochs(4)
        .batchSize(64)
        .targetSparsity(0.5)
        .sparsityStep(0.2)
        .minPruneEvents(1)
        .rho(0.5)
        .learningRate(0.05)
        .rhoWarmupEpochs(0)
        .shrinkThreshold(0.05);
  }

  @Test
  void changingTheBuilderAfterBuildLeavesTheDrawerAlone() {
    SuperTicketsDrawer.Builder b =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28()).seed(3).epochs(4);
    SuperTicketsDrawer drawer = b.build();
    java.util.Map<String, Object> before = new java.util.LinkedHashMap<>(drawer.settings());
    b.seed(99).epochs(40).targetSparsity(0.5).listener(e -> {});
    assertThat(drawer.settings()).isEqualTo(before);
    assertThat(drawer.settings()).containsEntry("seed", 3L).containsEntry("epochs", 4);
    assertThat(b.build().settings()).containsEntry("seed", 99L).containsKey("rhoWarmupEpochs");
    assertThat((Double) b.build().settings().get("rhoWarmupEpochs"))
        .isCloseTo(40 / 12.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void theLastEpochsTrainAtTheTargetInsteadOfJumpingToItAtTheEnd() {
    // +0.2 an event to 0.5: 0.2, 0.4, then 0.5 at epoch 3 and again (re-scored, not raised) at the
    // last
    assertThat(events)
        .extracting(DrawListener.DrawEvent::sparsity)
        .satisfiesExactly(
            s -> assertThat(s).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-3)),
            s -> assertThat(s).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-3)),
            s -> assertThat(s).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3)),
            s -> assertThat(s).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-3)));
    // listeners hear every prune, at the end of each epoch here (one event an epoch), with the
    // masks installed
    assertThat(maskEvents)
        .extracting(DrawListener.MaskEvent::sparsity)
        .containsExactly(0.2, 0.4, 0.5, 0.5);
    assertThat(maskEvents.get(3).masks().prunedCount())
        .isEqualTo(
            dev.supertickets.mask.MaskSet.capture(
                    ticket.network(), dev.supertickets.mask.Selector.prunableWeights())
                .prunedCount());
  }

  @Test
  void aStepScheduleThatCannotReachTheTargetInTimeIsRefusedAtBuild() {
    assertThatThrownBy(
            () ->
                SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                    .epochs(3)
                    .targetSparsity(0.9)
                    .minPruneEvents(1)
                    .sparsityStep(0.3)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prune event 3")
        .hasMessageContaining("3 events")
        .hasMessageContaining("reached by event 2")
        .hasMessageContaining("at least 0.45")
        .hasMessageContaining("PruneSchedule.linear(0.75)");
    // the default ramp reaches any target before the last epoch
    assertThat(
            SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .epochs(3)
                .targetSparsity(0.9)
                .build()
                .settings())
        .containsEntry("pruneSchedule", "cubic:0.75");
  }

  @Test
  void aShortDrawSpreadsItsPruneEventsOverTheSteps() {
    List<Double> asked = new ArrayList<>();
    dev.supertickets.mask.MaskPolicy magnitude = dev.supertickets.mask.MaskPolicies.magnitude();
    List<DrawListener.DrawEvent> epochs = new ArrayList<>();
    SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .augmentation(dev.supertickets.data.Augmentation.none())
        .seed(5)
        .epochs(2)
        .batchSize(64)
        .targetSparsity(0.6)
        .pruneSchedule(PruneSchedule.linear(0.75))
        .minPruneEvents(8)
        .maskPolicy(
            (ctx, s) -> {
              asked.add(s);
              return magnitude.masks(ctx, s);
            })
        .listener(epochs::add)
        .build()
        .draw(train.subset(0, 512), null);
    // 8 events over 16 steps, the ramp ending at event 6: 0.1 ... 0.6, then re-scored twice at the
    // target
    assertThat(asked).hasSize(8);
    for (int k = 1; k <= 8; k++) {
      assertThat(asked.get(k - 1))
          .as("event %s", k)
          .isCloseTo(0.6 * Math.min(1, k / 6.0), org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(epochs.get(0).sparsity()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(epochs.get(1).sparsity()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void resetReactivationCannotFollowEventsInsideEpochs() {
    assertThatThrownBy(
            () ->
                SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                    .epochs(3)
                    .minPruneEvents(12)
                    .reactivation(Reactivation.RESET)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("12 prune events")
        .hasMessageContaining("minPruneEvents(1)");
    assertThat(
            SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .epochs(3)
                .minPruneEvents(1)
                .reactivation(Reactivation.RESET)
                .build()
                .settings())
        .containsEntry("pruneEvents", 3);
  }

  @Test
  void provenanceRecordsTheRecipeByNameAndEveryValueOfIt() {
    java.util.Map<String, Object> standard =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28()).build().settings();
    assertThat(standard)
        .containsEntry("recipe", "standard")
        .containsEntry("labelSmoothing", 0.1)
        .containsKeys(
            "learningRate", "rho", "rhoWarmup", "emaDecay", "augmentation", "minShrinkFraction")
        .containsEntry("minPruneEvents", 12)
        .containsEntry("pruneEvents", 12);
    assertThat(
            SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .recipe(Recipe.reference())
                .build()
                .settings())
        .containsEntry("recipe", "reference")
        .containsEntry("pruneSchedule", "linear:0.75")
        .containsEntry("learningRate", 0.04)
        .containsEntry("rho", 1.8e-4);
    assertThat(
            SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .recipe(Recipe.reference())
                .learningRate(0.01)
                .build()
                .settings())
        .containsEntry("recipe", "custom");
  }

  @Test
  void reachesTheTargetSparsityExactlyAndCutsChannels() {
    Supernet net = ticket.network();
    long pruned = Masks.prunedCount(Selector.prunableWeights().select(net.params()));
    long total =
        Selector.prunableWeights().select(net.params()).stream().mapToLong(p -> p.size()).sum();
    assertThat(pruned).isEqualTo((long) Math.floor(0.5 * total));
    assertThat(events).hasSize(4);
    assertThat(events.get(0).sparsity()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(events.stream().anyMatch(DrawListener.DrawEvent::shrunk))
        .as("some channels were cut")
        .isTrue();
    assertThat(ticket.architecture().totalHidden())
        .isLessThan(SearchSpaces.tiny28().cost().hiddenChannels());
    assertThat(ticket.cost().macs()).isLessThan(SearchSpaces.tiny28().cost().macs());
    assertThat(ticket.provenance().get("seed")).isEqualTo("5");
    assertThat(ticket.provenance().get("method")).isEqualTo("supertickets");
    assertThat(ticket.evaluate(test).accuracy()).isGreaterThan(0.3);
  }

  @Test
  void savedTicketsLoadWithIdenticalPredictionsAndCompactMatches() throws Exception {
    Path f = dir.resolve("t.stkt");
    ticket.save(f);
    SuperTicket back = SuperTicket.load(f);
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 28, 28, 1);
    assertThat(back.predict(x)).isEqualTo(ticket.predict(x));
    assertThat(back.architecture()).isEqualTo(ticket.architecture());
    assertThat(back.provenance()).isEqualTo(ticket.provenance());
    assertThat(back.sparsity()).isEqualTo(ticket.sparsity());
    INDArray normalized =
        x.sub(ticket.normalization().mean()[0]).divi(ticket.normalization().std()[0]);
    INDArray compact = ticket.compact().forward(normalized, Mode.EVAL);
    assertThat(compact.sub(ticket.predict(x)).amaxNumber().doubleValue()).isLessThan(1e-4);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(f, bytes);
    assertThatThrownBy(() -> SuperTicket.load(f))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("t.stkt");
  }

  @Test
  void sameSeedDrawsTheSameTicket() {
    SuperTicket again = drawer().build().draw(train, test);
    assertThat(again.architecture()).isEqualTo(ticket.architecture());
    ticket
        .state()
        .values()
        .forEach(
            (k, v) ->
                assertThat(again.state().values().get(k).data().asFloat())
                    .as(k)
                    .containsExactly(v.data().asFloat()));
    assertThat(again.state().masks()).isEqualTo(ticket.state().masks());
  }

  @Test
  void badSettingsAndDataAreRefusedWithClearMessages() {
    assertThatThrownBy(() -> SuperTicketsDrawer.builder(SearchSpaces.tiny28()).targetSparsity(1.0))
        .hasMessageContaining("target sparsity must be in [0, 1), got 1.0");
    Dataset wrong =
        Dataset.classification("w", new float[32 * 32 * 200], new int[200], 32, 32, 1, 10);
    assertThatThrownBy(
            () -> SuperTicketsDrawer.builder(SearchSpaces.tiny28()).build().draw(wrong, null))
        .hasMessageContaining("32x32x1")
        .hasMessageContaining("28x28x1");
  }
}
