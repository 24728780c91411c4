package dev.supertickets.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supertickets.io.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the soak benchmark: 2 short epochs, then the files; the real run is 200 epochs, by
 * hand.
 */
class SoakMainTest {

  @Test
  void twoEpochsSampleMemoryAndWriteBothFiles(@TempDir Path dir) throws Exception {
    SoakMain.Options o =
        SoakMain.Options.parse(
            new String[] {
              "--epochs",
              "2",
              "--samples",
              "64",
              "--batch",
              "32",
              "--every",
              "1",
              "--out",
              dir.toString()
            });
    SoakMain.Result r = SoakMain.run(o, new PrintStream(OutputStream.nullOutputStream()));
    assertEquals(List.of(0, 1, 2), r.samples().stream().map(SoakMain.Sample::epoch).toList());
    for (SoakMain.Sample s : r.samples()) {
      assertTrue(s.physicalBytes() > 0 && s.heapBytes() > 0 && s.offHeapBytes() >= 0, s.toString());
      assertTrue(s.rssBytes() > 0 || !Files.exists(Path.of("/proc/self/status")), s.toString());
    }
    assertTrue(r.last().workspaceBytes() > 0, "training runs in workspaces: " + r.last());
    assertTrue(r.last().testAccuracy() >= 0 && r.last().testAccuracy() <= 1);
    SoakMain.write(r);
    String md = Files.readString(dir.resolve(SoakMain.MARKDOWN_FILE));
    assertTrue(md.contains("| 2 |") && md.contains("Growth from epoch 1 to epoch 2"), md);
    @SuppressWarnings("unchecked")
    Map<String, Object> json =
        (Map<String, Object>) Json.parse(Files.readString(dir.resolve(SoakMain.JSON_FILE)));
    assertEquals(3, ((List<?>) json.get("samples")).size());
  }

  @Test
  void flagsOverridePropertiesAndBadValuesAreRefused() {
    SoakMain.Options o = SoakMain.Options.parse(new String[] {"--epochs", "7", "--every", "3"});
    assertEquals(7, o.epochs());
    assertEquals(3, o.every());
    assertEquals(512, o.samples());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SoakMain.Options.parse(new String[] {"--epochs", "0"}));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SoakMain.Options.parse(new String[] {"--samples", "10"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SoakMain.Options.parse(new String[] {"--epochs", "x"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SoakMain.Options.parse(new String[] {"--speed", "1"}));
  }
}
