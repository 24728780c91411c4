package dev.supertickets.spark;

import dev.supertickets.data.Dataset;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The data-parallel draw against one process, measured: the cell drawn in this JVM (one ND4J
 * thread), then on a standalone cluster of {@code workers} one-core workers started here, once per
 * averaging interval K. Arguments: {@code CELL.json OUT_DIR [WORKERS] [K,K,...]} (default 2
 * workers, K = 1, 8, 32); writes {@code data-parallel.json} and {@code .md} to {@code OUT_DIR}. Run
 * with {@code OMP_NUM_THREADS=1} and Spark's Java options ({@link
 * StandaloneCluster#JAVA_MODULE_OPTIONS}).
 */
public final class DataParallelSpeedup {
  private DataParallelSpeedup() {}

  /** Runs the comparison. */
  public static void main(String[] args) throws Exception {
    SweepCell cell = SweepCell.fromJson(Files.readString(Path.of(args[0])));
    Path out = Path.of(args[1]).toAbsolutePath();
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    List<Integer> intervals = new ArrayList<>();
    for (String k : (args.length > 3 ? args[3] : "1,8,32").split(",")) {
      intervals.add(Integer.parseInt(k.trim()));
    }
    Backend.init();
    Files.createDirectories(out);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Map<String, Object>> rounds = new ArrayList<>();
    rows.add(oneProcess(cell));
    System.out.println(rows.get(0));
    try (StandaloneCluster cluster =
            StandaloneCluster.start(out.resolve("cluster-work"), workers, 2048);
        JavaSparkContext spark =
            new JavaSparkContext(cluster.driverConf("data-parallel draw", 1536))) {
      // the round alone: a gradient (the supernet's parameters) and a whole training state
      // (weights,
      // two Adam moments, EMA shadows: four times as many), no training between the rounds
      int params = (int) SearchSpaces.named(cell.space()).cost().trainableParams();
      for (int floats : new int[] {params, 4 * params}) {
        Map<String, Object> round = new LinkedHashMap<>();
        round.put("floats", floats);
        round.put("roundMillis", DataParallelDraw.roundMillis(spark, workers, floats, 50));
        rounds.add(round);
        System.out.println(round);
      }
      for (int k : intervals) {
        long t0 = System.nanoTime();
        DataParallelDraw.Result r = DataParallelDraw.run(spark, cell, workers, k);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run", workers + " replicas, K = " + k);
        row.put("testAccuracy", r.testAccuracy());
        row.put("sparsity", r.ticket().sparsity());
        row.put("macs", r.ticket().cost().macs());
        row.put("drawSeconds", r.seconds());
        row.put("jobSeconds", (System.nanoTime() - t0) / 1e9);
        row.put("stepsPerReplica", r.steps());
        row.put("stepMillis", r.stepMillis());
        row.put("rounds", r.rounds());
        row.put("roundMillis", r.exchangeMillis());
        row.put("exchangeShare", r.exchangeShare());
        row.put("trainLoss", r.trainLoss());
        rows.add(row);
        System.out.println(row);
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cell", cell.toJson());
    m.put("workers", workers);
    m.put("backend", Backend.describe());
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("rows", rows);
    m.put("bareRounds", rounds);
    AtomicFiles.write(
        out.resolve("data-parallel.json"),
        (Json.writePretty(m) + "\n").getBytes(StandardCharsets.UTF_8));
    String md = markdown(cell, rows, rounds);
    AtomicFiles.write(out.resolve("data-parallel.md"), md.getBytes(StandardCharsets.UTF_8));
    System.out.print(md);
  }

  private static Map<String, Object> oneProcess(SweepCell cell) throws Exception {
    Dataset train = CellRun.train(cell);
    Dataset test = CellRun.test(cell);
    SweepMethod.Setting s = SweepMethod.Setting.of(cell, train, test, Optional.empty());
    DrawTrace trace = new DrawTrace();
    long t0 = System.nanoTime();
    SuperTicket t =
        SweepMethod.superTicketsDrawer(s, cell.sparsity())
            .listener(trace)
            .build()
            .draw(train, test);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("run", "one process");
    row.put("testAccuracy", t.evaluate(test).accuracy());
    row.put("sparsity", t.sparsity());
    row.put("macs", t.cost().macs());
    row.put("drawSeconds", seconds);
    row.put("jobSeconds", seconds);
    row.put("stepsPerReplica", trace.steps());
    row.put("stepMillis", seconds * 1000 / trace.steps());
    row.put("rounds", 0L);
    row.put("roundMillis", 0.0);
    row.put("exchangeShare", 0.0);
    row.put("trainLoss", trace.trainLoss());
    return row;
  }

  private static String markdown(
      SweepCell cell, List<Map<String, Object>> rows, List<Map<String, Object>> rounds) {
    StringBuilder sb = new StringBuilder();
    sb.append("Data-parallel draw: ").append(cell.toJson()).append("\n\n");
    sb.append(
        "| run | test acc | sparsity | MACs | draw s | speed-up | steps a replica | ms a step |"
            + " rounds | ms a round | exchange share | training loss by epoch |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double base = ((Number) rows.get(0).get("drawSeconds")).doubleValue();
    for (Map<String, Object> r : rows) {
      double s = ((Number) r.get("drawSeconds")).doubleValue();
      StringBuilder loss = new StringBuilder();
      for (Object l : (List<?>) r.get("trainLoss")) {
        loss.append(loss.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.3f", ((Number) l).doubleValue()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.3f | %,d | %.1f | %.2f | %d | %.1f | %d | %.1f | %.1f%% | %s |%n",
              r.get("run"),
              ((Number) r.get("testAccuracy")).doubleValue(),
              ((Number) r.get("sparsity")).doubleValue(),
              ((Number) r.get("macs")).longValue(),
              s,
              base / s,
              ((Number) r.get("stepsPerReplica")).longValue(),
              ((Number) r.get("stepMillis")).doubleValue(),
              ((Number) r.get("rounds")).longValue(),
              ((Number) r.get("roundMillis")).doubleValue(),
              100 * ((Number) r.get("exchangeShare")).doubleValue(),
              loss));
    }
    sb.append("\nOne averaging round alone (no training between rounds, mean of 49):");
    for (Map<String, Object> r : rounds) {
      sb.append(
          String.format(
              Locale.ROOT,
              " %,d floats %.1f ms;",
              ((Number) r.get("floats")).intValue(),
              ((Number) r.get("roundMillis")).doubleValue()));
    }
    sb.setLength(sb.length() - 1);
    sb.append(".\n");
    return sb.toString();
  }
}
