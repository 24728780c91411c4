package dev.supertickets.ticket;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.io.Npy;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes the golden files that {@link GoldenTicketTest} reads, into {@code src/test/resources}
 * (only when a new format version gets its own golden file, never to make a test pass): {@code mvn
 * -o -q -pl supertickets-core test -Dtest=GoldenTicketProbe -Dst.excludedGroups=gpu}.
 */
@Tag("probe")
class GoldenTicketProbe {
  private static final Path SOURCE =
      Path.of("src", "test", "resources").resolve(GoldenTicketTest.FOLDER);

  /**
   * Draws a tiny28 ticket for 3 epochs on 2048 embedded training images at 50% sparsity and pins
   * it.
   */
  @Test
  void regenerate() throws IOException {
    Backend.init();
    Dataset train = EmbeddedFashionMnist.train().subset(0, 2048);
    Dataset test = EmbeddedFashionMnist.test().subset(0, 128);
    SuperTicket t =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .seed(7)
            .epochs(3)
            .batchSize(64)
            .learningRate(0.02)
            .targetSparsity(0.5)
            .sparsityStep(0.25)
            .rho(0.02)
            .build()
            .draw(train, test);
    Files.createDirectories(SOURCE);
    t.save(SOURCE.resolve("ticket-v1.stkt"));
    Files.deleteIfExists(SOURCE.resolve("ticket-v1.stkt.prev"));
    Dataset all = EmbeddedFashionMnist.test();
    float[] images = new float[GoldenTicketTest.INPUTS.length * all.sampleLength()];
    for (int i = 0; i < GoldenTicketTest.INPUTS.length; i++) {
      int n = all.sampleLength();
      System.arraycopy(all.image(GoldenTicketTest.INPUTS[i]), 0, images, i * n, n);
    }
    INDArray inputs =
        Nd4j.create(
            images,
            new long[] {GoldenTicketTest.INPUTS.length, all.height(), all.width(), all.channels()},
            'c');
    Files.write(SOURCE.resolve("inputs.npy"), Npy.write(inputs));
    Files.write(SOURCE.resolve("logits.npy"), Npy.write(t.predict(inputs)));
    Properties p = new Properties();
    p.setProperty("totalHidden", String.valueOf(t.architecture().totalHidden()));
    p.setProperty("livePaths", String.valueOf(t.architecture().livePaths()));
    p.setProperty("architecture", t.architecture().hidden().toString());
    p.setProperty("sparsity", String.valueOf(t.sparsity()));
    p.setProperty("macs", String.valueOf(t.cost().macs()));
    p.setProperty("sparseParams", String.valueOf(t.cost().sparseParams()));
    p.setProperty("library.version", t.provenance().get("library.version"));
    try (Writer w = Files.newBufferedWriter(SOURCE.resolve("expected.properties"))) {
      p.store(
          w,
          String.format(
              Locale.ROOT,
              "written by GoldenTicketProbe; test accuracy at writing %.4f",
              t.evaluate(test).accuracy()));
    }
  }
}
