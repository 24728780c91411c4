package dev.supertickets.spark;

import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepGrid;
import dev.supertickets.sweep.SweepTable;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The sweep's speed-up, measured: the cells of a grid file one after another in this JVM (one ND4J
 * thread), then the same cells on a standalone cluster of {@code workers} one-core workers started
 * here, and whether every cell drew the same ticket both ways (bit for bit). Arguments: {@code
 * GRID.json OUT_DIR [WORKERS]}; writes the cluster's tables and {@code speedup.json} to {@code
 * OUT_DIR}. Run with {@code OMP_NUM_THREADS=1} and Spark's Java options ({@link
 * StandaloneCluster#JAVA_MODULE_OPTIONS}).
 */
public final class SweepSpeedup {
  private SweepSpeedup() {}

  /** Runs the comparison. */
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[1]).toAbsolutePath();
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    List<SweepCell> cells = SweepGrid.fromJson(Files.readString(Path.of(args[0]))).cells();
    SweepGrid.check(cells);
    Backend.init();
    Path sequential = out.resolve("one-process");
    long t0 = System.nanoTime();
    for (SweepCell c : cells) {
      CellRun.run(c, sequential);
      System.out.printf(
          Locale.ROOT, "one process: %s done at %.1f s%n", c.id(), (System.nanoTime() - t0) / 1e9);
    }
    double oneProcess = (System.nanoTime() - t0) / 1e9;

    Path onCluster = out.resolve("cluster");
    double clusterStart;
    double sweep;
    SweepTable table;
    long c0 = System.nanoTime();
    try (StandaloneCluster cluster =
        StandaloneCluster.start(out.resolve("cluster-work"), workers, 2048)) {
      clusterStart = (System.nanoTime() - c0) / 1e9;
      long s0 = System.nanoTime();
      try (JavaSparkContext spark =
          new JavaSparkContext(cluster.driverConf("sweep speed-up", 1536))) {
        table = SparkSweep.run(spark, cells, onCluster);
      }
      sweep = (System.nanoTime() - s0) / 1e9;
    }
    int identical = 0;
    for (SweepCell c : cells) {
      SuperTicket a = SuperTicket.load(CellRun.ticketFile(sequential, c));
      SuperTicket b = SuperTicket.load(CellRun.ticketFile(onCluster, c));
      boolean same = a.isIdenticalTo(b);
      identical += same ? 1 : 0;
      System.out.printf(
          Locale.ROOT, "%s: %s%n", c.id(), same ? "identical tickets" : "TICKETS DIFFER");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cells", cells.size());
    m.put("workers", workers);
    m.put("oneProcessSeconds", oneProcess);
    m.put("clusterStartSeconds", clusterStart);
    m.put("clusterSweepSeconds", sweep);
    m.put("speedUp", oneProcess / sweep);
    m.put("speedUpWithClusterStart", oneProcess / (sweep + clusterStart));
    m.put("identicalTickets", identical);
    m.put("backend", Backend.describe());
    // as the common pool reports it: 1 on two cores, also when its parallelism is set to 0
    m.put(
        "oneProcessForkJoinParallelism",
        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    AtomicFiles.write(
        out.resolve("speedup.json"), (Json.writePretty(m) + "\n").getBytes(StandardCharsets.UTF_8));
    System.out.print(table.markdown());
    System.out.println(Json.writePretty(m));
  }
}
