package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Dataset;
import dev.supertickets.draw.DrawListener;
import dev.supertickets.draw.TicketDrawer;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.ticket.DrawProgress;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints of the sparse drawers: a draw killed at the end of an epoch (a listener throws, as a
 * dying executor would stop it) and drawn again with the same checkpoint folder ends with the very
 * ticket of an uninterrupted draw, bit for bit, whatever state its step hooks carry (drop-and-grow
 * counters, Sup-tickets' running average, IMP's rewind point and finished levels, Early-bird's mask
 * history).
 */
@Tag("slow")
class SparseCheckpointTest {
  private static final SearchSpace SPACE = SearchSpaces.tiny28();

  /** A drawer from its checkpoint folder (null for none) and a listener. */
  interface Factory extends BiFunction<Path, DrawListener, TicketDrawer> {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "gmp",
            (Factory)
                (dir, l) ->
                    kept(
                            GmpDrawer.builder(SPACE)
                                .seed(7)
                                .retrainer(SparseFixtures.quick(3))
                                .targetSparsity(0.8)
                                .frequency(3),
                            dir)
                        .listener(l)
                        .build(),
            1),
        Arguments.of(
            "set",
            (Factory)
                (dir, l) ->
                    kept(
                            DstDrawer.set(SPACE)
                                .seed(7)
                                .retrainer(SparseFixtures.quick(3))
                                .targetSparsity(0.8)
                                .updateInterval(2),
                            dir)
                        .listener(l)
                        .build(),
            1),
        Arguments.of(
            "rigl+sup-tickets",
            (Factory)
                (dir, l) ->
                    kept(
                            DstDrawer.rigl(SPACE)
                                .seed(7)
                                .retrainer(SparseFixtures.quick(4))
                                .targetSparsity(0.8)
                                .updateInterval(2)
                                .supTickets(
                                    SupTickets.builder()
                                        .cycleEpochs(1)
                                        .cycleRate(0.5)
                                        .reExplore(0.1)
                                        .build()),
                            dir)
                        .listener(l)
                        .build(),
            3),
        Arguments.of(
            "imp, killed in level 0 after the rewind step", (Factory) SparseCheckpointTest::imp, 1),
        Arguments.of("imp, killed in level 1", (Factory) SparseCheckpointTest::imp, 3),
        Arguments.of(
            "early-bird, killed in the search", (Factory) SparseCheckpointTest::earlyBird, 1),
        Arguments.of(
            "early-bird, killed in the retraining", (Factory) SparseCheckpointTest::earlyBird, 3));
  }

  static TicketDrawer imp(Path dir, DrawListener l) {
    return kept(
            ImpDrawer.builder(SPACE)
                .seed(7)
                .retrainer(SparseFixtures.quick(2))
                .pruningFraction(0.5)
                .milestones(0.5)
                .rewindSteps(2),
            dir)
        .listener(l)
        .build();
  }

  static TicketDrawer earlyBird(Path dir, DrawListener l) {
    return kept(
            EarlyBirdDrawer.builder(SPACE)
                .seed(7)
                .retrainer(SparseFixtures.quick(2))
                .epsilon(1e-9)
                .maxSearchEpochs(3),
            dir)
        .listener(l)
        .build();
  }

  private static <B extends SparseDrawerBuilder<B>> B kept(B b, Path dir) {
    return dir == null ? b : b.checkpoint(dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aKilledDrawDrawnAgainEndsWithTheUninterruptedTicket(
      String name, Factory drawer, int killAtEpochEvent, @TempDir Path dir) throws Exception {
    Dataset train = SparseFixtures.train(256);
    Dataset test = SparseFixtures.test();
    SuperTicket uninterrupted = drawer.apply(null, e -> {}).draw(train, test);

    AtomicInteger events = new AtomicInteger();
    assertThatThrownBy(
            () ->
                drawer
                    .apply(
                        dir,
                        e -> {
                          if (events.getAndIncrement() == killAtEpochEvent) {
                            throw new IllegalStateException("killed at epoch event " + e);
                          }
                        })
                    .draw(train, test))
        .hasMessageContaining("killed");
    assertThat(dir.resolve(DrawProgress.DRAW_FILE)).exists();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("what the killed draw left")
          .anyMatch(f -> f.endsWith(".ckpt"));
    }

    SuperTicket resumed = drawer.apply(dir, e -> {}).draw(train, test);
    SparseFixtures.assertBitIdentical(resumed, uninterrupted);
    assertThat(resumed.evaluate(test)).isEqualTo(uninterrupted.evaluate(test));
  }

  @Test
  void aFolderOfAnotherDrawIsRefusedNamingTheSetting(@TempDir Path dir) {
    Dataset train = SparseFixtures.train(128);
    GmpDrawer.builder(SPACE)
        .seed(7)
        .retrainer(SparseFixtures.quick(1))
        .targetSparsity(0.8)
        .checkpoint(dir)
        .build()
        .draw(train, null);
    assertThatThrownBy(
            () ->
                GmpDrawer.builder(SPACE)
                    .seed(7)
                    .retrainer(SparseFixtures.quick(1))
                    .targetSparsity(0.7)
                    .checkpoint(dir)
                    .build()
                    .draw(train, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gmp.targetSparsity=0.8")
        .hasMessageContaining("this one has 0.7")
        .hasMessageContaining("delete the checkpoint");
  }
}
