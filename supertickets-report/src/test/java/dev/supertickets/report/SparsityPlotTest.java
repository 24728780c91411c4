package dev.supertickets.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SparsityPlotTest {
  @Test
  void drawsOneLineAMethodSortedBySparsity() throws Exception {
    SparsityPlot plot =
        new SparsityPlot("Ticket family", "test accuracy")
            .add("imp", 0.9, 0.70)
            .add("imp", 0.5, 0.80)
            .add("rigl", 0.5, 0.78);
    assertThat(plot.lines().keySet()).containsExactly("imp", "rigl");
    assertThat(plot.lines().get("imp"))
        .extracting(SparsityPlot.Point::sparsity)
        .containsExactly(0.5, 0.9);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(plot.png()));
    assertThat(image.getWidth()).isEqualTo(Charts.WIDTH + 240);
    assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
  }

  @Test
  void refusesEmptyPlotsAndBadPoints() {
    assertThatThrownBy(() -> new SparsityPlot("t", "acc").png()).hasMessageContaining("no point");
    assertThatThrownBy(() -> new SparsityPlot("t", "acc").add("m", 1.5, 0.5))
        .hasMessageContaining("sparsity must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> new SparsityPlot("t", "acc").add("m", 0.5, Double.NaN))
        .hasMessageContaining("leave failed runs out");
  }
}
