package dev.supertickets.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.DrawListener.DrawEvent;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.io.Json;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Scope;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Metrics;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny draw recorded and written up: every file exists, every plot decodes, the page links them.
 */
class DrawReportTest {
  private static DrawHistory history;
  private static SuperTicket ticket;
  private static Metrics metrics;

  @TempDir Path dir;

  @BeforeAll
  static void drawOnce() {
    Dataset train = EmbeddedFashionMnist.train().sample(256, new RandomStreams(7).stream("train"));
    Dataset test = EmbeddedFashionMnist.test().sample(128, new RandomStreams(7).stream("test"));
    DrawRecorder recorder = new DrawRecorder();
    ticket =
        SuperTicketsDrawer.builder(SearchSpaces.tiny28())
            .seed(7)
            .epochs(2)
            .batchSize(64)
            .targetSparsity(0.5)
            .rho(0.02)
            .learningRate(0.02)
            .maskPolicy(MaskPolicies.magnitude().scope(Scope.ERK))
            .listener(recorder)
            .build()
            .draw(train, test);
    history = recorder.history();
    metrics = ticket.evaluate(test);
  }

  @Test
  void recorderKeepsEveryEpochAndTheSummary() {
    assertThat(history.epochs()).extracting(DrawEvent::epoch).containsExactly(0, 1);
    assertThat(history.finished()).isTrue();
    assertThat(history.requireSummary().sparsity()).isCloseTo(0.5, within(1e-3));
    assertThat(history.epochs().get(1).sparsity()).isCloseTo(0.5, within(1e-3));
    assertThat(new DrawRecorder().history().finished()).isFalse();
  }

  @Test
  void writesThePageTheHistoryAndPlotsThatDecode() throws Exception {
    ImmutableList<Path> files =
        DrawReport.builder(history, ticket)
            .testMetrics(metrics)
            .testData("subset (128)")
            .build()
            .write(dir.resolve("report"));

    assertThat(files.get(0)).hasFileName(DrawReport.MARKDOWN);
    assertThat(files).hasSize(2 + DrawReport.PLOTS.size()).allMatch(Files::isRegularFile);
    for (String png : DrawReport.PLOTS) {
      BufferedImage image = ImageIO.read(dir.resolve("report").resolve(png).toFile());
      assertThat(image).as(png).isNotNull();
      assertThat(image.getWidth()).as(png).isGreaterThanOrEqualTo(Charts.WIDTH);
      assertThat(image.getHeight()).as(png).isGreaterThanOrEqualTo(Charts.HEIGHT);
    }
    String md = Files.readString(files.get(0));
    DrawReport.PLOTS.forEach(png -> assertThat(md).contains("](" + png + ")"));
    assertThat(md)
        .contains("# SuperTickets draw: tiny28, supertickets")
        .contains(
            String.format(
                java.util.Locale.ROOT,
                "| test accuracy (subset (128)) | | %.4f |",
                metrics.accuracy()))
        .contains("| 802,744 |") // the dense supernet
        .contains("| stem0.conv |")
        .contains("| targetSparsity | 0.5 |")
        .contains("](" + DrawReport.HISTORY_JSON + ")");
    assertThat(md.lines().filter(l -> l.matches("\\| [12] \\| .*")))
        .hasSize(2); // one row per epoch

    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(files.get(1)));
    @SuppressWarnings("unchecked")
    Map<String, Object> h = (Map<String, Object>) json.get("history");
    assertThat((List<?>) h.get("epochs")).hasSize(2);
    assertThat(((Map<?, ?>) h.get("summary")).get("macs")).isEqualTo(ticket.cost().macs());
    assertThat(((Map<?, ?>) json.get("provenance")).get("space")).isEqualTo("tiny28");
  }

  @Test
  void layerDensitiesAddUpToTheTicketsSparsity() {
    List<LayerDensity> layers = LayerDensity.of(ticket);
    long weights = layers.stream().mapToLong(LayerDensity::weights).sum();
    long active = layers.stream().mapToLong(LayerDensity::active).sum();
    assertThat(layers).hasSize(ticket.state().masks().size());
    assertThat(1 - (double) active / weights).isCloseTo(ticket.sparsity(), within(1e-9));
    assertThat(layers).allSatisfy(l -> assertThat(l.density()).isBetween(0.0, 1.0));
    assertThat(layers.get(0).shortName()).isEqualTo("stem0.conv");
  }

  @Test
  void anUnfinishedDrawIsRefusedWithTheFix() {
    DrawHistory running = new DrawHistory(history.epochs(), null);
    assertThatThrownBy(() -> DrawReport.builder(running, ticket))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "history of 2 epochs has no summary; add the DrawRecorder to the drawer with"
                + " listener(recorder) and write the report after draw() returns");
    assertThatThrownBy(running::requireSummary)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the draw has not finished (2 epochs recorded)");
  }

  @Test
  void historyJsonHasNullWhereAnEpochWasNotEvaluated() {
    DrawEvent e = new DrawEvent(0, 1, 1.5, 0.5, Double.NaN, 0, 10, 10, 4, false, false, 100);
    Map<String, Object> tree = new DrawHistory(List.of(e), null).toJsonTree();
    assertThat(Json.write(tree)).contains("\"testAccuracy\":null").doesNotContain("summary");
  }
}
