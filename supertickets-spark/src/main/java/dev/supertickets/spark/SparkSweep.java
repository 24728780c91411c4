package dev.supertickets.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.io.AtomicFiles;
import dev.supertickets.report.SparsityPlot;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepGrid;
import dev.supertickets.sweep.SweepRow;
import dev.supertickets.sweep.SweepTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a sweep on Apache Spark, one cell a task: each task draws its cell into the output folder
 * with {@link CellRun} (ticket and row written atomically, a cell whose row is there skipped, a
 * cell of any method resumed from the checkpoints its dead attempt left). Spark schedules the cells
 * on the executors and retries a task whose executor died ({@code spark.task.maxFailures}); there
 * is no scheduler or messaging of our own. When every task is done, the driver reads the rows back
 * from the folder and writes {@code sweep.md}, {@code sweep.json} and {@code sweep.png}.
 *
 * <p>The output folder must be one that the driver and every executor see at the same path (a local
 * folder on one machine, a shared mount on a cluster), or a Hadoop file system URI ({@link
 * #run(JavaSparkContext, List, String)}). Executors should run ND4J on one thread ({@code
 * OMP_NUM_THREADS=1}, {@code spark.executorEnv.OMP_NUM_THREADS}) with one core each, so that one
 * task fills one core.
 */
public final class SparkSweep {
  /** The plot beside the tables. */
  public static final String PLOT_FILE = "sweep.png";

  /** Where each task notes the process drawing its cell (for operators, and the cluster test). */
  public static final String RUNNING = "running";

  private SparkSweep() {}

  /**
   * Draws every cell of {@code cells} not yet done under {@code out} on {@code spark}, then writes
   * the tables. Checks the cells (methods, spaces, data folders, distinct ids) and that {@code out}
   * can be written before any task starts.
   *
   * @return the table of all cells' rows
   * @throws IllegalArgumentException naming the first cell that cannot run, or the output folder,
   *     and the fix
   */
  public static SweepTable run(JavaSparkContext spark, List<SweepCell> cells, Path out)
      throws IOException {
    checkNotNull(spark, "Spark context must not be null");
    SweepGrid.check(cells);
    Path dir = writable(out);
    List<String> json = cells.stream().map(SweepCell::toJson).toList();
    String where = dir.toString();
    spark.parallelize(json, json.size()).foreach(cell -> runCell(cell, where));
    return finish(cells, dir, Map.of("master", spark.master(), "cells", cells.size()));
  }

  /**
   * Draws every cell of {@code cells} not yet done under {@code out} as a data-parallel draw
   * ({@link DataParallelDraw}): one cell after another, each on {@code replicas} tasks at once
   * averaging every {@code interval} steps; then writes the tables as {@link #run(JavaSparkContext,
   * List, Path)} does. Every cell is checked (method supertickets or search-only, a batch the
   * replicas share) and the folder too before the first draw starts.
   *
   * @throws IllegalArgumentException naming the first cell that cannot run, or the folder, and the
   *     fix
   */
  public static SweepTable runDataParallel(
      JavaSparkContext spark, List<SweepCell> cells, Path out, int replicas, int interval)
      throws IOException {
    checkNotNull(spark, "Spark context must not be null");
    SweepGrid.check(cells);
    cells.forEach(c -> DataParallelDraw.check(c, replicas, interval));
    Path dir = writable(out);
    for (SweepCell c : cells) {
      if (!CellRun.isDone(dir, c)) {
        DataParallelDraw.Result r = DataParallelDraw.run(spark, c, replicas, interval);
        CellRun.record(c, dir, r.ticket(), CellRun.test(c), r.seconds(), false);
      }
    }
    return finish(cells, dir, dataParallelSettings(spark, cells, replicas, interval));
  }

  private static Map<String, Object> dataParallelSettings(
      JavaSparkContext spark, List<SweepCell> cells, int replicas, int interval) {
    return Map.of(
        "master",
        spark.master(),
        "cells",
        cells.size(),
        "replicas",
        replicas,
        "averagingInterval",
        interval);
  }

  /**
   * {@link #run(JavaSparkContext, List, Path)} with the output at {@code out}: a local folder, or a
   * Hadoop file system URI ({@code hdfs://nn/sweeps/a}, {@code s3a://bucket/a}, {@code
   * file:///data/a}). On a file system URI each task draws in a local scratch folder, keeps its
   * checkpoints on the file system while it draws (so a retried task resumes from them on any
   * executor) and copies its ticket and then its row into place (see {@code HadoopOutput}).
   */
  public static SweepTable run(JavaSparkContext spark, List<SweepCell> cells, String out)
      throws IOException {
    checkNotNull(out, "output must not be null");
    if (!isFileSystemUri(out)) {
      return run(spark, cells, Path.of(out));
    }
    checkNotNull(spark, "Spark context must not be null");
    SweepGrid.check(cells);
    HadoopOutput.checkWritable(out, spark.hadoopConfiguration());
    List<String> json = cells.stream().map(SweepCell::toJson).toList();
    spark.parallelize(json, json.size()).foreach(cell -> HadoopOutput.runCell(cell, out));
    return finishOn(
        spark, cells, out, Map.of("master", spark.master(), "cells", cells.size(), "out", out));
  }

  /**
   * {@link #runDataParallel(JavaSparkContext, List, Path, int, int)} with the output at {@code
   * out}: a local folder or a Hadoop file system URI, as {@link #run(JavaSparkContext, List,
   * String)} takes. The driver copies each drawn ticket and then its row into place.
   */
  public static SweepTable runDataParallel(
      JavaSparkContext spark, List<SweepCell> cells, String out, int replicas, int interval)
      throws IOException {
    checkNotNull(out, "output must not be null");
    if (!isFileSystemUri(out)) {
      return runDataParallel(spark, cells, Path.of(out), replicas, interval);
    }
    checkNotNull(spark, "Spark context must not be null");
    SweepGrid.check(cells);
    cells.forEach(c -> DataParallelDraw.check(c, replicas, interval));
    HadoopOutput.checkWritable(out, spark.hadoopConfiguration());
    org.apache.hadoop.fs.FileSystem fs = HadoopOutput.fileSystem(out, spark.hadoopConfiguration());
    for (SweepCell c : cells) {
      if (HadoopOutput.readRow(fs, out, c) == null) {
        DataParallelDraw.Result r = DataParallelDraw.run(spark, c, replicas, interval);
        HadoopOutput.record(fs, out, c, r.ticket(), r.seconds());
      }
    }
    return finishOn(spark, cells, out, dataParallelSettings(spark, cells, replicas, interval));
  }

  /** The table of {@code cells}' rows on the file system at {@code out}, written there. */
  private static SweepTable finishOn(
      JavaSparkContext spark, List<SweepCell> cells, String out, Map<String, Object> settings)
      throws IOException {
    org.apache.hadoop.fs.FileSystem fs = HadoopOutput.fileSystem(out, spark.hadoopConfiguration());
    List<SweepRow> rows = new ArrayList<>();
    for (SweepCell c : cells) {
      String row = HadoopOutput.readRow(fs, out, c);
      rows.add(SweepRow.fromJson(present(row, c, out)));
    }
    Path local = Files.createTempDirectory("supertickets-sweep-");
    SweepTable table = write(cells, rows, local, settings);
    for (String file : List.of(SweepTable.MARKDOWN_FILE, SweepTable.JSON_FILE, PLOT_FILE)) {
      HadoopOutput.put(
          fs,
          local.resolve(file),
          new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(out), file));
    }
    return table;
  }

  /**
   * Whether {@code out} names a Hadoop file system URI ({@code hdfs://}, {@code s3a://}, {@code
   * file:}) rather than a local folder.
   */
  public static boolean isFileSystemUri(String out) {
    return checkNotNull(out, "output must not be null").matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  /** Where the task drawing {@code cell} notes its process under a sweep's folder {@code dir}. */
  static Path pidFile(Path dir, SweepCell cell) {
    return dir.resolve(RUNNING).resolve(cell.id() + ".pid");
  }

  /** What one task does: notes its process, then draws the cell (or finds it done). */
  static void runCell(String cellJson, String dir) throws IOException {
    SweepCell cell = SweepCell.fromJson(cellJson);
    Path d = Path.of(dir);
    Path running = pidFile(d, cell);
    Files.createDirectories(running.getParent());
    AtomicFiles.write(
        running,
        Long.toString(ProcessHandle.current().pid())
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    CellRun.run(cell, d);
  }

  /**
   * The table of {@code cells}' rows on disk under {@code dir}, written there with its plot.
   *
   * @throws IllegalStateException when a cell has no row
   */
  public static SweepTable finish(List<SweepCell> cells, Path dir, Map<String, Object> settings)
      throws IOException {
    List<SweepRow> rows = new ArrayList<>();
    for (SweepCell c : cells) {
      Path row = CellRun.rowFile(dir, c);
      rows.add(
          SweepRow.fromJson(
              present(
                  Files.isRegularFile(row) ? Files.readString(row) : null,
                  c,
                  dir.resolve(CellRun.ROWS).toString())));
    }
    return write(cells, rows, dir, settings);
  }

  private static String present(String row, SweepCell cell, String where) {
    if (row == null) {
      throw new IllegalStateException(
          "cell "
              + cell.id()
              + " has no row in "
              + where
              + "; run the sweep again: "
              + "done cells are skipped");
    }
    return row;
  }

  /** The table of {@code rows} with its plot, written to {@code dir}. */
  private static SweepTable write(
      List<SweepCell> cells, List<SweepRow> rows, Path dir, Map<String, Object> settings)
      throws IOException {
    SweepTable table = new SweepTable(rows);
    Map<String, Object> s = new LinkedHashMap<>(settings);
    s.put("grid", cells.stream().map(SweepCell::asMap).toList());
    table.write(dir, s);
    SparsityPlot plot = new SparsityPlot("sweep: test accuracy against sparsity", "test accuracy");
    for (Map<String, Object> m : table.summary()) {
      plot.add(
          (String) m.get("method"), (Double) m.get("meanSparsity"), (Double) m.get("meanAccuracy"));
    }
    AtomicFiles.write(dir.resolve(PLOT_FILE), plot.png());
    return table;
  }

  /**
   * {@code out} made absolute and created; refuses a folder that cannot be written, naming it and
   * the fix.
   */
  static Path writable(Path out) {
    checkNotNull(out, "output folder must not be null");
    Path dir = out.toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          "output folder "
              + dir
              + " cannot be written ("
              + e
              + "); choose a folder you can write, on storage the driver and every executor see at"
              + " the same path",
          e);
    }
    checkArgument(Files.isDirectory(dir), "output %s is not a folder", dir);
    return dir;
  }
}
