package dev.supertickets.draw;

import dev.supertickets.data.Augmentation;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Writes the golden checkpoint that {@code GoldenCheckpointTest} reads, into {@code
 * src/test/resources} (only when a new checkpoint format gets its own golden file, never to make a
 * test pass): {@code mvn -o -q -pl supertickets-core test -Dtest=GoldenCheckpointProbe
 * -Dst.excludedGroups=gpu}.
 */
@Tag("probe")
class GoldenCheckpointProbe {
  static final String FOLDER = "dev/supertickets/draw/golden/";
  private static final Path SOURCE = Path.of("src", "test", "resources").resolve(FOLDER);

  /**
   * The draw whose checkpoint after its first epoch is pinned (the test resumes it with the same
   * settings).
   */
  static SuperTicketsDrawer.Builder drawer() {
    return SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .augmentation(Augmentation.none())
        .seed(11)
        .epochs(3)
        .batchSize(64)
        .targetSparsity(0.5)
        .sparsityStep(0.25)
        .rho(0.5)
        .learningRate(0.05)
        .rhoWarmupEpochs(0)
        .shrinkThreshold(0.05)
        .minPruneEvents(1);
  }

  static Dataset train() {
    return EmbeddedFashionMnist.train().subset(0, 512);
  }

  @Test
  void regenerate() throws IOException {
    Backend.init();
    Files.createDirectories(SOURCE);
    Path file = SOURCE.resolve("checkpoint-v1.ckpt");
    SuperTicket t = drawer().checkpoint(file, 0).build().draw(train(), null);
    Files.deleteIfExists(SOURCE.resolve("checkpoint-v1.ckpt.prev"));
    DrawCheckpoint c = DrawCheckpoint.read(file);
    Properties p = new Properties();
    p.setProperty("epoch", String.valueOf(c.epoch()));
    p.setProperty("batches", String.valueOf(c.batches()));
    p.setProperty("globalStep", String.valueOf(c.globalStep()));
    p.setProperty("history", String.valueOf(c.history().size()));
    p.setProperty("sparsityAfterEpoch1", String.valueOf(c.history().get(0).sparsity()));
    p.setProperty("hiddenAfterEpoch1", String.valueOf(c.history().get(0).hiddenChannels()));
    p.setProperty("finalSparsity", String.valueOf(t.sparsity()));
    p.setProperty("finalArchitecture", t.architecture().hidden().toString());
    p.setProperty("library.version", t.provenance().get("library.version"));
    try (Writer w = Files.newBufferedWriter(SOURCE.resolve("expected.properties"))) {
      p.store(
          w,
          String.format(
              Locale.ROOT,
              "written by GoldenCheckpointProbe at %s",
              System.getProperty("st.commit", "an unrecorded commit")));
    }
  }
}
