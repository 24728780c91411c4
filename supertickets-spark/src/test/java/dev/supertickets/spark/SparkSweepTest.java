package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepTable;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep on {@code local[2]}: every cell a task, one row a cell, done cells skipped, bad input
 * refused up front.
 */
@Tag("slow")
class SparkSweepTest {
  private static JavaSparkContext spark;

  @BeforeAll
  static void start() {
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("SparkSweepTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static SweepCell cell(String method, double sparsity, long seed) {
    return new SweepCell(
        method, sparsity, seed, 2, "tiny28", "standard", SweepCell.EMBEDDED, 384, 100);
  }

  @Test
  void everyCellIsDrawnOnceIntoTheFolderAndARerunSkipsThem(@TempDir Path out) throws Exception {
    List<SweepCell> cells =
        List.of(cell("dense", 0, 1), cell("supertickets", 0.7, 1), cell("gmp", 0.7, 1));
    SweepTable table = SparkSweep.run(spark, cells, out);
    assertThat(table.rows()).hasSize(3);
    assertThat(table.duplicates()).isEmpty();
    for (SweepCell c : cells) {
      SuperTicket t = SuperTicket.load(CellRun.ticketFile(out, c));
      assertThat(t.provenance().get("sweep.cell")).isEqualTo(c.toJson());
      assertThat(Files.readString(out.resolve(SparkSweep.RUNNING).resolve(c.id() + ".pid")))
          .isNotBlank();
    }
    assertThat(out.resolve(SweepTable.MARKDOWN_FILE)).exists();
    assertThat(out.resolve(SparkSweep.PLOT_FILE)).exists();

    long written = Files.getLastModifiedTime(CellRun.rowFile(out, cells.get(1))).toMillis();
    SweepTable again = SparkSweep.run(spark, cells, out);
    assertThat(again.rows()).isEqualTo(table.rows());
    assertThat(Files.getLastModifiedTime(CellRun.rowFile(out, cells.get(1))).toMillis())
        .isEqualTo(written);
  }

  @Test
  void aHadoopFileSystemUriTakesTheOutput(@TempDir Path dir) throws Exception {
    // file: goes through Hadoop's FileSystem API, as hdfs:// or s3a:// would
    String uri = dir.resolve("fs-sweep").toUri().toString();
    assertThat(uri).startsWith("file:");
    List<SweepCell> cells = List.of(cell("search-only", 0, 2), cell("set", 0.6, 2));
    SweepTable table = SparkSweep.run(spark, cells, uri);
    assertThat(table.rows()).hasSize(2);
    Path out = dir.resolve("fs-sweep");
    for (SweepCell c : cells) {
      assertThat(SuperTicket.load(CellRun.ticketFile(out, c)).provenance().get("sweep.cell"))
          .isEqualTo(c.toJson());
      assertThat(CellRun.rowFile(out, c)).exists();
    }
    assertThat(out.resolve(SweepTable.MARKDOWN_FILE)).exists();
    assertThat(out.resolve(SparkSweep.PLOT_FILE)).exists();
    try (var files = Files.list(out.resolve(CellRun.ROWS))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary names left")
          .allMatch(n -> n.endsWith(".json") && !n.startsWith("."));
    }
    long written = Files.getLastModifiedTime(CellRun.rowFile(out, cells.get(1))).toMillis();
    assertThat(SparkSweep.run(spark, cells, uri).rows()).isEqualTo(table.rows());
    assertThat(Files.getLastModifiedTime(CellRun.rowFile(out, cells.get(1))).toMillis())
        .isEqualTo(written);
  }

  @Test
  void badInputFailsBeforeAnyTaskStartsNamingTheCellAndTheFix(@TempDir Path out) throws Exception {
    SweepCell missing =
        new SweepCell(
            "gmp", 0.5, 2, 2, "tiny28", "standard", out.resolve("no-data").toString(), 0, 0);
    assertThatThrownBy(
            () -> SparkSweep.run(spark, List.of(cell("gmp", 0.5, 1), missing), out.resolve("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cell gmp-0.500-seed2: data folder")
        .hasMessageContaining("does not exist");
    Path file = Files.writeString(out.resolve("a-file"), "not a folder");
    assertThatThrownBy(
            () -> SparkSweep.run(spark, List.of(cell("gmp", 0.5, 1)), file.resolve("sweep")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be written")
        .hasMessageContaining("choose a folder");
    assertThat(out.resolve("a")).doesNotExist();
  }
}
