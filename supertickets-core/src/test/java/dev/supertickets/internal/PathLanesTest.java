package dev.supertickets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A block's paths in two lanes compute the floats of one lane: a whole draw (training steps, BN
 * statistics, shrink and prune) gives the same ticket, bit for bit, and the second lane did run
 * paths.
 */
class PathLanesTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @AfterEach
  void backToTheDefault() {
    PathLanes.useDefault();
  }

  private static SuperTicket draw(int lanes) throws Exception {
    PathLanes.use(lanes);
    Dataset train = EmbeddedFashionMnist.train().subset(0, 512);
    Dataset test = EmbeddedFashionMnist.test().subset(0, 128);
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .augmentation(Augmentation.none())
        .seed(5)
        .epochs(3)
        .batchSize(64)
        .targetSparsity(0.5)
        .sparsityStep(0.25)
        .minPruneEvents(1)
        .rho(0.5)
        .learningRate(0.05)
        .rhoWarmupEpochs(0)
        .shrinkThreshold(0.05)
        .build()
        .draw(train, test);
  }

  @Test
  void theHelperTakesTheCostliestPathAndTheLanesBalance() {
    // kernels 3, 5 and 7 at equal widths: the 7 alone, 3 and 5 on the step's thread
    assertThat(PathLanes.split(new double[] {43, 59, 83})).containsExactly(false, false, true);
    // a cut 7x7 path: the 5x5 is now the costliest
    assertThat(PathLanes.split(new double[] {43, 59, 20})).containsExactly(false, true, false);
    // one path far costlier than the rest: the rest all here
    assertThat(PathLanes.split(new double[] {10, 200, 30, 40}))
        .containsExactly(false, true, false, false);
    // the helper, behind after the costliest, takes the next costliest
    assertThat(PathLanes.split(new double[] {50, 40, 30, 30}))
        .containsExactly(true, false, false, true);
    assertThat(PathLanes.split(new double[] {5, 9})).containsExactly(false, true);
  }

  @Test
  void twoLanesDrawTheTicketOfOne() throws Exception {
    SuperTicket one = draw(1);
    long before = PathLanes.helpedPaths();
    SuperTicket two = draw(2);
    assertThat(PathLanes.helpedPaths() - before).as("paths run in the second lane").isPositive();
    assertThat(two.isIdenticalTo(one)).as("the same ticket on two lanes").isTrue();
  }

  /**
   * Two threads stepping at once (two draws side by side) share the cores: on two cores only the
   * first gets a helper; from four, both do.
   */
  @Test
  void stepsSideBySideGetHelpersOnlyForFreeCores() throws Exception {
    PathLanes.use(2);
    java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    boolean[] first = new boolean[1];
    Thread t =
        new Thread(
            () -> {
              try (var ws = dev.supertickets.tensor.Workspaces.step();
                  PathLanes lanes = PathLanes.open()) {
                first[0] = PathLanes.active();
                opened.countDown();
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    t.start();
    opened.await();
    boolean second;
    try (var ws = dev.supertickets.tensor.Workspaces.step();
        PathLanes lanes = PathLanes.open()) {
      second = PathLanes.active();
    } finally {
      done.countDown();
      t.join();
    }
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(first[0]).isEqualTo(cores >= 2);
    assertThat(second).as("a helper for the second stepping thread").isEqualTo(cores >= 4);
    try (var ws = dev.supertickets.tensor.Workspaces.step();
        PathLanes lanes = PathLanes.open()) {
      assertThat(PathLanes.active()).as("the cores free again").isEqualTo(cores >= 2);
    }
  }

  @Test
  void theLaneCountIsOneOrTwo() {
    assertThatThrownBy(() -> PathLanes.use(3)).hasMessageContaining("1 (off) or 2, got 3");
  }
}
