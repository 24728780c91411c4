package dev.supertickets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    // kernels 3, 5 and 7 at equal widths (90 + k*k a channel): the 7 alone, 3 and 5 here
    assertThat(PathLanes.split(new double[] {99, 115, 139})).containsExactly(false, false, true);
    // a cut 7x7 path: the 5x5 is now the costliest
    assertThat(PathLanes.split(new double[] {99, 115, 40})).containsExactly(false, true, false);
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

  /** Evaluation and BN re-calibration run a block's paths in lanes too, to the same floats. */
  @Test
  void evaluationAndCalibrationInLanesMatchOneLane() {
    Dataset data = EmbeddedFashionMnist.test().subset(0, 256);
    double[][] losses = new double[2][];
    long before = PathLanes.helpedPaths();
    for (int lanes = 1; lanes <= 2; lanes++) {
      PathLanes.use(lanes);
      var net =
          new dev.supertickets.supernet.HrSupernet(
              SearchSpaces.tiny28(), new java.util.SplittableRandom(3));
      var loader =
          dev.supertickets.data.Loader.forEvaluation(
              data, 64, dev.supertickets.data.Normalization.identity(1));
      dev.supertickets.train.BnCalibration.recalibrate(net, loader, 2, 0);
      var m =
          dev.supertickets.train.Evaluator.evaluate(
              net, loader, new dev.supertickets.nn.loss.SoftmaxCrossEntropy());
      losses[lanes - 1] = new double[] {m.loss(), m.accuracy()};
    }
    if (Runtime.getRuntime().availableProcessors() >= 2) {
      assertThat(PathLanes.helpedPaths() - before).as("paths run in the second lane").isPositive();
    }
    assertThat(losses[1]).containsExactly(losses[0]);
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

  /**
   * Work a stepping thread offloads while it runs its paths goes to an idle helper; {@code settle}
   * returns once all of it is done, running what the helper has not started; failures surface
   * there; outside a step's lanes offloading runs the work at once.
   */
  @Test
  void offloadedWorkReachesAnIdleHelperAndSettleWaitsForIt() throws Exception {
    Thread caller = Thread.currentThread();
    Thread[] ranOn = new Thread[1];
    PathLanes.offload(() -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).as("outside lanes: run at once, here").isSameAs(caller);
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
    PathLanes.use(2);
    java.util.concurrent.CountDownLatch byHelper = new java.util.concurrent.CountDownLatch(1);
    java.util.List<Thread> threads =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    long before = PathLanes.offloaded();
    try (var ws = dev.supertickets.tensor.Workspaces.step();
        PathLanes lanes = PathLanes.open()) {
      PathLanes.map(
          new double[] {2, 1},
          i -> {
            if (Thread.currentThread() == caller) {
              PathLanes.offload(byHelper::countDown);
              try {
                // this thread does not run it: only the idle helper can
                assertThat(byHelper.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              for (int k = 0; k < 50; k++) {
                PathLanes.offload(() -> threads.add(Thread.currentThread()));
              }
              PathLanes.settle();
              assertThat(threads).as("all done when settle returns").hasSize(50);
              PathLanes.offload(
                  () -> {
                    throw new IllegalArgumentException("offloaded failure");
                  });
              assertThatThrownBy(PathLanes::settle).hasMessage("offloaded failure");
              // a failed path: discard runs nothing more and surfaces nothing
              PathLanes.offload(
                  () -> {
                    throw new IllegalStateException("not to surface");
                  });
              PathLanes.discard();
              PathLanes.settle();
            }
            return org.nd4j.linalg.factory.Nd4j.scalar((float) i);
          });
    }
    assertThat(PathLanes.offloaded() - before).as("run by the helper").isPositive();
  }

  /** A path failing on this thread surfaces only once the helper's path is done with the step. */
  @Test
  void aFailingPathWaitsForTheHelpersPath() {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
    PathLanes.use(2);
    Thread caller = Thread.currentThread();
    boolean[] helperDone = new boolean[1];
    try (var ws = dev.supertickets.tensor.Workspaces.step();
        PathLanes lanes = PathLanes.open()) {
      assertThatThrownBy(
              () ->
                  PathLanes.map(
                      new double[] {2, 1},
                      i -> {
                        if (Thread.currentThread() == caller) {
                          throw new IllegalStateException("path failed");
                        }
                        try {
                          Thread.sleep(300);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        helperDone[0] = true;
                        return org.nd4j.linalg.factory.Nd4j.scalar(1f);
                      }))
          .hasMessage("path failed");
      assertThat(helperDone[0]).as("the helper's path finished first").isTrue();
    }
  }

  @Test
  void theLaneCountIsOneOrTwo() {
    assertThatThrownBy(() -> PathLanes.use(3)).hasMessageContaining("1 (off) or 2, got 3");
  }
}
