package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepGrid;
import dev.supertickets.sweep.SweepTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's sweep code, run as it stands (the README shows the block between the markers). */
@Tag("slow")
class ReadmeSweepTest {
  @Test
  void theReadmeSweepRuns(@TempDir Path dir) throws Exception {
    Path gridFile =
        Files.writeString(
            dir.resolve("grid.json"),
            "{\"methods\": [\"search-only\", \"set\"], \"sparsities\": [0.5], \"seeds\": [4],"
                + " \"epochs\": 1, \"space\": \"tiny28\", \"data\": \"embedded\", \"trainLimit\":"
                + " 256, \"testLimit\": 100}");
    Path out = dir.resolve("sweep");
    // begin spark sweep
    List<SweepCell> cells = SweepGrid.fromJson(Files.readString(gridFile)).cells();
    try (JavaSparkContext spark =
        new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("sweep"))) {
      SweepTable table =
          SparkSweep.run(spark, cells, out); // one cell a task; cells already done are skipped
      System.out.print(table.markdown()); // also in out/sweep.md, sweep.json, sweep.png
    }
    // end spark sweep
    assertThat(Files.readString(out.resolve(SweepTable.MARKDOWN_FILE)))
        .contains("| search-only | 0.00 | 4 |")
        .contains("| set | 0.50 | 4 |");
  }
}
