package dev.supertickets.report;

import java.awt.Color;
import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's plots, built with XChart and encoded as PNG bytes (written by the caller,
 * atomically).
 */
final class Charts {
  static final int WIDTH = 720;
  static final int HEIGHT = 400;

  static {
    // a report is written on servers and in CI: never look for a display, even where DISPLAY is set
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private Charts() {}

  /** An empty line chart over epochs, in the report's style. */
  static XYChart lines(String title, String yTitle) {
    XYChart c = lines(title, "epoch", yTitle);
    c.getStyler().setXAxisDecimalPattern("0");
    return c;
  }

  /** An empty line chart in the report's style. */
  static XYChart lines(String title, String xTitle, String yTitle) {
    return lines(title, xTitle, yTitle, WIDTH);
  }

  /** An empty line chart of a given width in the report's style. */
  static XYChart lines(String title, String xTitle, String yTitle, int width) {
    XYChart c =
        new XYChartBuilder()
            .width(width)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(c.getStyler());
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    return c;
  }

  /**
   * Adds a series with round markers; points whose y is NaN are left out (epochs without an
   * evaluation).
   */
  static XYSeries series(XYChart c, String name, double[] x, double[] y) {
    int n = 0;
    for (double v : y) {
      n += Double.isNaN(v) ? 0 : 1;
    }
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0, k = 0; i < y.length; i++) {
      if (!Double.isNaN(y[i])) {
        xs[k] = x[i];
        ys[k++] = y[i];
      }
    }
    XYSeries s = c.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.CIRCLE);
    return s;
  }

  /** A horizontal dashed line across the epochs, e.g. a target or a budget. */
  static void level(XYChart c, String name, double[] x, double y, Color color) {
    double[] ys = new double[x.length];
    java.util.Arrays.fill(ys, y);
    XYSeries s = c.addSeries(name, x, ys);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineStyle(SeriesLines.DASH_DASH);
    s.setLineColor(color);
  }

  /** A bar per layer, density in [0, 1]; wide enough that every label stays readable. */
  static CategoryChart density(List<String> layers, List<Double> density) {
    int width = Math.max(WIDTH, 40 + 16 * layers.size());
    int labelRoom = 12 + 6 * layers.stream().mapToInt(String::length).max().orElse(10);
    CategoryChart c =
        new CategoryChartBuilder()
            .width(width)
            .height(HEIGHT + labelRoom)
            .title("Density per layer (kept weights)")
            .xAxisTitle("layer")
            .yAxisTitle("density")
            .build();
    style(c.getStyler());
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisLabelRotation(90);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    c.getStyler().setAvailableSpaceFill(0.8);
    c.addSeries("density", layers, density);
    return c;
  }

  static byte[] png(Chart<?, ?> chart) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setAntiAlias(true);
    s.setChartTitleBoxVisible(false);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
  }
}
