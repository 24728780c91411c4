package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.io.Archive;
import dev.supertickets.io.Npy;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Pins ticket format version 1 with a golden file: {@code golden/ticket-v1.stkt}, written by format
 * version 1, must load in every later version with the same architecture, sparsity, cost and
 * predictions. Never regenerate the file to make this test pass: a failure means the library no
 * longer reads version 1 as it was written. {@link GoldenTicketProbe} wrote the files.
 */
class GoldenTicketTest {
  /** Where the golden files live, in the test resources. */
  static final String FOLDER = "dev/supertickets/ticket/golden/";

  /**
   * Test images 0 to 3 of the embedded subset: one of each of the first four classes' first
   * samples.
   */
  static final int[] INPUTS = {0, 1, 2, 3};

  private static Path golden;
  private static Properties expected;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    Backend.init();
    golden = Path.of(GoldenTicketTest.class.getResource("/" + FOLDER + "ticket-v1.stkt").toURI());
    expected = new Properties();
    try (Reader r = Files.newBufferedReader(golden.resolveSibling("expected.properties"))) {
      expected.load(r);
    }
  }

  @Test
  void theGoldenFileIsAVersion1Ticket() throws IOException {
    Archive a = Archive.read(golden, TicketFile.KIND, TicketFile.VERSION);
    assertThat(a.version()).isEqualTo(1);
    assertThat(Files.size(golden)).isLessThan(512 * 1024); // stays a small fixture
  }

  @Test
  void loadsWithThePinnedArchitectureSparsityAndCost() throws IOException {
    SuperTicket t = SuperTicket.load(golden);
    assertThat(t.space()).isEqualTo(SearchSpaces.tiny28());
    assertThat(t.architecture().totalHidden())
        .isEqualTo(Long.parseLong(expected.getProperty("totalHidden")));
    assertThat(t.architecture().livePaths())
        .isEqualTo(Long.parseLong(expected.getProperty("livePaths")));
    assertThat(t.architecture().hidden().toString())
        .isEqualTo(expected.getProperty("architecture"));
    assertThat(t.sparsity()).isEqualTo(Double.parseDouble(expected.getProperty("sparsity")));
    assertThat(t.cost().macs()).isEqualTo(Long.parseLong(expected.getProperty("macs")));
    assertThat(t.cost().sparseParams())
        .isEqualTo(Long.parseLong(expected.getProperty("sparseParams")));
    assertThat(t.provenance().get("library.version"))
        .isEqualTo(expected.getProperty("library.version"));
  }

  @Test
  void predictsThePinnedLogits() throws IOException {
    SuperTicket t = SuperTicket.load(golden);
    INDArray inputs = npy("inputs.npy");
    INDArray logits = npy("logits.npy");
    INDArray now = t.predict(inputs);
    assertThat(now.shape()).isEqualTo(logits.shape());
    // written on one CPU build (e.g. AVX-512), read on another: the sums may round differently, not
    // more
    float[] a = now.data().asFloat();
    float[] b = logits.data().asFloat();
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("logit %s", i).isCloseTo(b[i], within(1e-4f));
    }
    assertThat(now.argMax(1).toLongVector()).isEqualTo(logits.argMax(1).toLongVector());
  }

  private static INDArray npy(String name) throws IOException {
    Path f = golden.resolveSibling(name);
    return Npy.read(Files.readAllBytes(f), f, name);
  }
}
