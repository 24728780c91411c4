package dev.supertickets.draw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins checkpoint format version 1 with a golden file written by an older library ({@code
 * golden/README.md}): it must load with its position and history, and a drawer configured as the
 * one that wrote it must resume it to the end. A failure means old checkpoints no longer resume;
 * never regenerate the file to make this test pass.
 */
class GoldenCheckpointTest {
  private static Path golden;
  private static Properties expected;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    Backend.init();
    golden =
        Path.of(
            GoldenCheckpointTest.class
                .getResource("/" + GoldenCheckpointProbe.FOLDER + "checkpoint-v1.ckpt")
                .toURI());
    expected = new Properties();
    try (Reader r = Files.newBufferedReader(golden.resolveSibling("expected.properties"))) {
      expected.load(r);
    }
  }

  @Test
  void loadsWithItsPositionHistoryAndSettings() throws IOException {
    DrawCheckpoint c = DrawCheckpoint.read(golden);
    assertThat(c.epoch()).isEqualTo(Integer.parseInt(expected.getProperty("epoch")));
    assertThat(c.batches()).isEqualTo(Integer.parseInt(expected.getProperty("batches")));
    assertThat(c.globalStep()).isEqualTo(Long.parseLong(expected.getProperty("globalStep")));
    assertThat(c.history()).hasSize(Integer.parseInt(expected.getProperty("history")));
    assertThat(c.history().get(0).sparsity())
        .isEqualTo(Double.parseDouble(expected.getProperty("sparsityAfterEpoch1")));
    assertThat(c.settings())
        .containsEntry("seed", "11")
        .containsEntry("space", "tiny28")
        .doesNotContainKey("minPruneEvents");
  }

  @Test
  void resumesToTheEndWithTheDrawerThatWroteIt() throws IOException {
    Path copy = Files.copy(golden, dir.resolve("golden.ckpt"), StandardCopyOption.REPLACE_EXISTING);
    List<DrawListener.DrawEvent> resumed = new ArrayList<>();
    List<DrawListener.DrawEvent> finished = new ArrayList<>();
    SuperTicket t =
        GoldenCheckpointProbe.drawer()
            .listener(
                new DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {
                    finished.add(e);
                  }

                  @Override
                  public void onResume(List<DrawEvent> history) {
                    resumed.addAll(history);
                  }
                })
            .build()
            .resume(copy, GoldenCheckpointProbe.train(), null);
    assertThat(resumed).hasSize(2);
    assertThat(finished).extracting(DrawListener.DrawEvent::epoch).containsExactly(2);
    assertThat(t.sparsity()).isEqualTo(Double.parseDouble(expected.getProperty("finalSparsity")));
    assertThat(t.architecture().totalHidden())
        .isPositive()
        .isLessThanOrEqualTo(SearchSpaces.tiny28().cost().hiddenChannels());
  }
}
