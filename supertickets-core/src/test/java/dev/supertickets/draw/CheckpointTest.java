package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.NonFiniteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checkpoints and resume: a draw stopped at any step (an exception, or SIGKILL of a child JVM) and
 * resumed from its last checkpoint ends with the very ticket of an uninterrupted draw; a failed
 * checkpoint write names the file and leaves the previous checkpoint intact; a mismatched drawer is
 * refused.
 */
@Tag("slow")
class CheckpointTest {
  static final int EPOCHS = 4;
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket uninterrupted;
  private static final List<DrawListener.DrawEvent> uninterruptedEvents = new ArrayList<>();

  /**
   * tiny28 with dropout in its head, so that the drop-pattern counters are part of what must
   * resume.
   */
  static SearchSpace space() {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) SearchSpaces.tiny28().toJsonTree();
    @SuppressWarnings("unchecked")
    Map<String, Object> head = (Map<String, Object>) tree.get("head");
    head.put("dropout", 0.2);
    return SearchSpace.fromJsonTree(tree);
  }

  /**
   * Shrinks and prunes within the first epochs, so that a checkpoint holds a cut, masked supernet.
   */
  static SuperTicketsDrawer.Builder drawer() {
    return SuperTicketsDrawer.builder(space())
        .seed(11)
        .epochs(EPOCHS)
        .batchSize(32)
        .targetSparsity(0.5)
        .sparsityStep(0.2)
        .rho(0.5)
        .rhoWarmupEpochs(1)
        .learningRate(0.05)
        .shrinkThreshold(0.1)
        .emaDecay(0.9);
  }

  static Dataset train() {
    return EmbeddedFashionMnist.train().subset(0, 512);
  }

  static Dataset test() {
    return EmbeddedFashionMnist.test().subset(0, 128);
  }

  @BeforeAll
  static void drawUninterrupted() {
    Backend.init();
    train = train();
    test = test();
    uninterrupted = drawer().listener(uninterruptedEvents::add).build().draw(train, test);
  }

  @Test
  void aDrawStoppedMidEpochResumesToTheSameTicket(@TempDir Path dir) throws IOException {
    Path ckpt = dir.resolve("draw.ckpt");
    long stopAt = 16 * 2 + 7; // epoch 2, batch 7: after a shrink and two prunes
    assertThatThrownBy(
            () -> drawer().checkpoint(ckpt, 5).listener(crashAt(stopAt)).build().draw(train, test))
        .isInstanceOf(SimulatedCrash.class);
    DrawCheckpoint c = DrawCheckpoint.read(ckpt);
    assertThat(c.globalStep()).isEqualTo(35);
    assertThat(c.epoch()).isEqualTo(2);
    assertThat(c.batches()).isEqualTo(3);
    assertThat(c.history())
        .hasSize(2)
        .anyMatch(DrawListener.DrawEvent::shrunk)
        .allMatch(DrawListener.DrawEvent::pruned);

    List<DrawListener.DrawEvent> resumedEvents = new ArrayList<>();
    List<DrawListener.DrawEvent> replayed = new ArrayList<>();
    SuperTicket resumed =
        drawer()
            .checkpoint(ckpt, 5)
            .listener(
                new DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {
                    resumedEvents.add(e);
                  }

                  @Override
                  public void onResume(List<DrawEvent> history) {
                    replayed.addAll(history);
                  }
                })
            .build()
            .resume(ckpt, train, test);

    assertSameTicket(resumed, uninterrupted);
    assertThat(replayed).hasSize(2);
    assertThat(resumedEvents).hasSize(EPOCHS - 2);
    for (int i = 0; i < EPOCHS; i++) {
      DrawListener.DrawEvent want = uninterruptedEvents.get(i);
      DrawListener.DrawEvent got = i < 2 ? replayed.get(i) : resumedEvents.get(i - 2);
      assertThat(got.trainLoss()).as("train loss of epoch %s", i).isEqualTo(want.trainLoss());
      assertThat(got.testAccuracy())
          .as("test accuracy of epoch %s", i)
          .isEqualTo(want.testAccuracy());
      assertThat(got.macs()).isEqualTo(want.macs());
    }
    assertThat(resumed.provenance().get("draw.resumedFrom")).isEqualTo("epoch 2, batch 3, step 35");
  }

  @Test
  void aDrawKilledWithSigkillResumesToTheSameTicket(@TempDir Path dir) throws Exception {
    Path ckpt = dir.resolve("draw.ckpt");
    Path done = dir.resolve("child-finished");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx2g",
                "-cp",
                System.getProperty("java.class.path"),
                CheckpointChild.class.getName(),
                ckpt.toString(),
                done.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    DrawCheckpoint seen = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    // kill as soon as a mid-epoch checkpoint past the first epoch exists: the child is then
    // mid-step
    while (child.isAlive() && System.nanoTime() < deadline) {
      if (Files.exists(ckpt)) {
        DrawCheckpoint c = DrawCheckpoint.read(ckpt);
        if (c.epoch() >= 1 && c.batches() > 0) {
          seen = c;
          break;
        }
      }
      Thread.sleep(20);
    }
    child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).as("a mid-epoch checkpoint appeared; child log: %s", log(dir)).isNotNull();
    assertThat(child.exitValue()).as("killed by signal 9").isEqualTo(137);
    assertThat(done).as("the child must not have finished its draw").doesNotExist();

    DrawCheckpoint last = DrawCheckpoint.read(ckpt);
    assertThat(last.globalStep())
        .isGreaterThanOrEqualTo(seen.globalStep())
        .isLessThan(16L * EPOCHS);
    SuperTicket resumed = drawer().checkpoint(ckpt, 3).build().resume(ckpt, train, test);
    assertSameTicket(resumed, uninterrupted);
  }

  @Test
  void anUnwritableFolderStopsTheDrawAndKeepsThePreviousCheckpoint(@TempDir Path dir)
      throws Exception {
    Path folder = Files.createDirectory(dir.resolve("ckpts"));
    Path ckpt = folder.resolve("draw.ckpt");
    // chattr +i stops even root; without it (another file system, no capability) the test cannot
    // make its case
    assumeThat(chattr("+i", folder)).as("chattr +i works here").isTrue();
    try {
      chattr("-i", folder);
      DrawListener lockAfterFirst =
          new DrawListener() {
            @Override
            public void onEpoch(DrawEvent e) {}

            @Override
            public void onStep(dev.supertickets.train.TrainingListener.StepEvent e) {
              if (e.globalStep() == 7) {
                chattr("+i", folder);
              }
            }
          };
      assertThatThrownBy(
              () -> drawer().checkpoint(ckpt, 5).listener(lockAfterFirst).build().draw(train, test))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(ckpt.toAbsolutePath().toString())
          .hasMessageContaining("previous checkpoint")
          .hasMessageContaining("make the folder writable");
    } finally {
      chattr("-i", folder);
    }
    DrawCheckpoint previous = DrawCheckpoint.read(ckpt);
    assertThat(previous.globalStep()).isEqualTo(5);
    assertSameTicket(drawer().build().resume(ckpt, train, test), uninterrupted);
  }

  @Test
  void aFullDiskStopsTheDrawAndKeepsThePreviousCheckpoint() throws Exception {
    Path probe = Files.createTempFile("ckpt-size", ".ckpt");
    long size;
    try {
      assertThatThrownBy(
              () -> drawer().checkpoint(probe, 5).listener(crashAt(6)).build().draw(train, test))
          .isInstanceOf(SimulatedCrash.class);
      size = Files.size(probe);
    } finally {
      Files.deleteIfExists(probe);
    }
    // room for one checkpoint and a little: the second write cannot fit beside the first
    try (FileSystem fs =
        Jimfs.newFileSystem(
            Configuration.unix().toBuilder()
                .setMaxSize(size + size / 2)
                .setBlockSize(4096)
                .build())) {
      Path ckpt = fs.getPath("/ckpts/draw.ckpt");
      assertThatThrownBy(() -> drawer().checkpoint(ckpt, 5).build().draw(train, test))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("/ckpts/draw.ckpt")
          .hasMessageContaining("Free disk space");
      assertThat(DrawCheckpoint.read(ckpt).globalStep()).isEqualTo(5);
      assertThat(Files.list(fs.getPath("/ckpts")).map(p -> p.getFileName().toString()).toList())
          .as("no temporary file is left behind")
          .containsExactly("draw.ckpt");
      assertSameTicket(drawer().build().resume(ckpt, train, test), uninterrupted);
    }
  }

  @Test
  void aDamagedCheckpointFallsBackToThePreviousOne(@TempDir Path dir) throws IOException {
    Path ckpt = dir.resolve("draw.ckpt");
    assertThatThrownBy(
            () -> drawer().checkpoint(ckpt, 5).listener(crashAt(12)).build().draw(train, test))
        .isInstanceOf(SimulatedCrash.class);
    assertThat(DrawCheckpoint.read(ckpt).globalStep()).isEqualTo(10);
    byte[] b = Files.readAllBytes(ckpt);
    Files.write(ckpt, java.util.Arrays.copyOf(b, b.length / 2));
    assertThat(DrawCheckpoint.read(ckpt).globalStep()).as("falls back to NAME.prev").isEqualTo(5);
    Files.delete(ckpt.resolveSibling("draw.ckpt.prev"));
    assertThatThrownBy(() -> DrawCheckpoint.read(ckpt))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining(ckpt.toString());
  }

  @Test
  void aDrawerConfiguredDifferentlyIsRefused(@TempDir Path dir) {
    Path ckpt = dir.resolve("draw.ckpt");
    assertThatThrownBy(
            () -> drawer().checkpoint(ckpt, 5).listener(crashAt(6)).build().draw(train, test))
        .isInstanceOf(SimulatedCrash.class);
    assertThatThrownBy(() -> drawer().epochs(EPOCHS + 1).build().resume(ckpt, train, test))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epochs=" + EPOCHS)
        .hasMessageContaining("configure the drawer");
    assertThatThrownBy(() -> drawer().build().resume(ckpt, train.subset(0, 256), test))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data.train");
  }

  @Test
  void aDivergingDrawStopsAtTheStepAndKeepsTheLastGoodCheckpoint(@TempDir Path dir)
      throws IOException {
    Path ckpt = dir.resolve("draw.ckpt");
    assertThatThrownBy(
            () -> drawer().learningRate(1e30).checkpoint(ckpt, 1).build().draw(train, test))
        .isInstanceOfSatisfying(
            NonFiniteException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("at epoch " + e.epoch() + ", step " + e.step())
                  .contains("lower the learning rate");
              assertThat(e.step()).isLessThan(16);
            });
    if (Files.exists(ckpt)) {
      DrawCheckpoint c = DrawCheckpoint.read(ckpt);
      for (INDArray v : c.net.state().values().values()) {
        assertThat(v.sumNumber().doubleValue()).as("checkpointed weights are finite").isFinite();
      }
    }
  }

  static DrawListener crashAt(long step) {
    return new DrawListener() {
      @Override
      public void onEpoch(DrawEvent e) {}

      @Override
      public void onStep(dev.supertickets.train.TrainingListener.StepEvent e) {
        if (e.globalStep() == step) {
          throw new SimulatedCrash();
        }
      }
    };
  }

  static final class SimulatedCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  static void assertSameTicket(SuperTicket a, SuperTicket b) {
    assertThat(a.architecture()).isEqualTo(b.architecture());
    assertThat(a.isIdenticalTo(b)).isTrue();
    assertSameTensors(a.state().values(), b.state().values());
    assertSameTensors(a.state().masks(), b.state().masks());
    assertSameTensors(a.state().stats(), b.state().stats());
  }

  private static void assertSameTensors(Map<String, INDArray> a, Map<String, INDArray> b) {
    assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
    for (String k : a.keySet()) {
      assertThat(a.get(k).shape()).as(k).containsExactly(b.get(k).shape());
      assertThat(a.get(k).data().asFloat())
          .as("%s bit for bit", k)
          .containsExactly(b.get(k).data().asFloat());
    }
  }

  private static boolean chattr(String flag, Path p) {
    try {
      Process pr =
          new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      pr.getInputStream().readAllBytes();
      return pr.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("child.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
