package dev.supertickets.cli;

import dev.supertickets.spark.DataParallelDraw;
import dev.supertickets.spark.SparkSweep;
import dev.supertickets.spark.StandaloneCluster;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepGrid;
import dev.supertickets.sweep.SweepTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code supertickets sweep}: a grid of draws on Apache Spark, one cell a task. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    versionProvider = SuperTicketsCli.Version.class,
    description =
        "Runs a grid of draws (methods x sparsities x seeds, from a grid file) on Apache Spark, one"
            + " cell a task: each cell's ticket and row go to --out atomically, cells already there"
            + " are skipped, a cell whose executor died resumes from its checkpoints."
            + " With --replicas N each cell is instead one data-parallel draw on N tasks at once,"
            + " the cells one after another. Writes sweep.md, sweep.json and sweep.png and prints"
            + " the table.",
    footer = {
      "%nGrid file:",
      "  {\"methods\": [\"supertickets\", \"gmp\", \"rigl\"], \"sparsities\": [0.8, 0.9], "
          + "\"seeds\": [1, 2],",
      "   \"epochs\": 3, \"space\": \"tiny28\", \"recipe\": \"standard\", \"data\": "
          + "\"embedded\", \"trainLimit\": 2000}",
      "%nExamples:",
      "  supertickets sweep --grid grid.json --out sweep",
      "  supertickets sweep --grid grid.json --out sweep --local-cluster 2",
      "  supertickets sweep --grid grid.json --out /shared/sweep --master spark://head:7077",
      "  supertickets sweep --grid grid.json --out sweep --local-cluster 2 --replicas 2"
          + " --averaging-interval 8"
    })
final class SweepCommand implements Callable<Integer> {
  @ParentCommand SuperTicketsCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = "--grid",
      paramLabel = "FILE",
      required = true,
      description =
          "The grid file (JSON): methods, sparsities, seeds, epochs, space, recipe, data and"
              + " limits.")
  Path grid;

  @Option(
      names = "--out",
      paramLabel = "DIR|URI",
      defaultValue = "sweep",
      description =
          "Output: a folder the driver and every executor see at the same path, or a Hadoop file"
              + " system URI (hdfs://, s3a://, file:) (default: ${DEFAULT-VALUE}).")
  String out;

  @Option(
      names = "--master",
      paramLabel = "URL",
      defaultValue = "local[2]",
      description =
          "Spark master: local[N] (N tasks in this JVM), spark://HOST:PORT (a standalone cluster"
              + " whose workers have this installation at the same path) (default:"
              + " ${DEFAULT-VALUE}).")
  String master;

  @Option(
      names = "--local-cluster",
      paramLabel = "N",
      description =
          "Start a standalone cluster of a master and N one-core workers on this machine (each its"
              + " own JVM; logs under DIR/cluster) and run on it, instead of --master.")
  Integer localCluster;

  @Option(
      names = "--executor-memory",
      paramLabel = "MB",
      defaultValue = "1536",
      description = "Heap of each executor of --local-cluster, in MiB (default: ${DEFAULT-VALUE}).")
  int executorMemory;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Draw each cell data-parallel on N tasks at once, each on its shard of the data with its"
              + " part of the batch (cells of method supertickets or search-only; the cluster"
              + " needs N free task slots); 1: one cell a task (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(
      names = "--averaging-interval",
      paramLabel = "K",
      defaultValue = "1",
      description =
          "With --replicas: 1 averages the gradients before every step (synchronous data"
              + " parallel); K > 1 averages weights and optimizer state every K steps and before"
              + " every shrink and prune (local SGD) (default: ${DEFAULT-VALUE}).")
  int averagingInterval;

  @Override
  public Integer call() throws Exception {
    Checks.option(
        spec,
        Files.isRegularFile(grid),
        "--grid %s does not exist; write a grid file (see --help)",
        grid);
    Checks.option(
        spec,
        localCluster == null || localCluster >= 1,
        "--local-cluster needs at least 1 worker, got " + "%s",
        localCluster);
    Checks.option(
        spec, replicas >= 1, "--replicas must be at least 1, got %s; e.g. --replicas 2", replicas);
    Checks.option(
        spec,
        averagingInterval >= 1,
        "--averaging-interval must be at least 1, got %s; e.g. 1 or 8",
        averagingInterval);
    List<SweepCell> cells;
    try {
      cells = SweepGrid.fromJson(Files.readString(grid)).cells();
      SweepGrid.check(cells);
      if (replicas > 1) {
        // before Spark starts: a cell no data-parallel draw can run fails at once
        cells.forEach(c -> DataParallelDraw.check(c, replicas, averagingInterval));
      }
    } catch (IllegalArgumentException e) {
      cli.err().println("error: grid " + grid + ": " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (localCluster == null) {
      return run(new SparkConf().setMaster(master), cells);
    }
    Path clusterDir =
        SparkSweep.isFileSystemUri(out)
            ? Files.createTempDirectory("supertickets-cluster-")
            : Path.of(out).toAbsolutePath().resolve("cluster");
    try (StandaloneCluster cluster =
        StandaloneCluster.start(clusterDir, localCluster, executorMemory + 512)) {
      return run(cluster.driverConf("supertickets sweep", executorMemory), cells);
    }
  }

  private int run(SparkConf conf, List<SweepCell> cells) throws Exception {
    conf.setAppName("supertickets sweep").setIfMissing("spark.ui.enabled", "false");
    long t0 = System.nanoTime();
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      SweepTable table =
          replicas == 1
              ? SparkSweep.run(spark, cells, out)
              : SparkSweep.runDataParallel(spark, cells, out, replicas, averagingInterval);
      cli.out().print(table.markdown());
      cli.out()
          .printf(
              java.util.Locale.ROOT,
              "cells     %d on %s in %.1f s%n",
              cells.size(),
              spark.master(),
              (System.nanoTime() - t0) / 1e9);
      cli.out()
          .println(
              "written   "
                  + SweepTable.MARKDOWN_FILE
                  + ", "
                  + SweepTable.JSON_FILE
                  + ", "
                  + SparkSweep.PLOT_FILE
                  + ", tickets/ and rows/ in "
                  + out);
      return ExitCodes.OK;
    } catch (IllegalArgumentException e) {
      cli.err().println("error: " + e.getMessage());
      return ExitCodes.USAGE;
    }
  }
}
