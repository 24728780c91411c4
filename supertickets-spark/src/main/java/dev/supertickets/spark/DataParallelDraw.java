package dev.supertickets.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.data.Dataset;
import dev.supertickets.draw.Recipe;
import dev.supertickets.io.Json;
import dev.supertickets.parallel.DataParallel;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepGrid;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One SuperTickets draw trained across {@code replicas} Spark tasks of a barrier stage, each on its
 * shard of the cell's training data ({@link DataParallel}): with interval 1 the replicas average
 * their gradients before every optimizer step, with interval K the whole training state every K
 * steps and before every shrink and prune, so that all decide on one model and end with one ticket.
 * The driver gets the ticket of replica 0 (the same as every other's) and the replicas' timings.
 */
public final class DataParallelDraw {
  private DataParallelDraw() {}

  /**
   * What a data-parallel draw gave.
   *
   * @param ticket the drawn ticket
   * @param testAccuracy its accuracy on the cell's test set
   * @param replicas the number of replicas
   * @param interval the averaging interval K
   * @param seconds the slowest replica's draw time (data loading not included)
   * @param steps optimizer steps each replica took
   * @param rounds averaging rounds each replica took part in
   * @param exchangeMillis mean time of one round (encode, exchange through the barrier, average),
   *     over the replicas
   * @param trainLoss replica 0's mean training loss of every epoch (on its shard)
   */
  public record Result(
      SuperTicket ticket,
      double testAccuracy,
      int replicas,
      int interval,
      double seconds,
      long steps,
      long rounds,
      double exchangeMillis,
      List<Double> trainLoss) {
    /** Time of one step of the draw (training, evaluation and exchange spread over the steps). */
    public double stepMillis() {
      return seconds * 1000 / steps;
    }

    /** The exchange's share of the draw's time. */
    public double exchangeShare() {
      return exchangeMillis * rounds / (seconds * 1000);
    }
  }

  /**
   * Draws {@code cell} (method {@code supertickets} or {@code search-only}) on {@code replicas}
   * tasks at once; the cluster needs that many free task slots. Bad input fails before any task
   * starts.
   */
  public static Result run(JavaSparkContext spark, SweepCell cell, int replicas, int interval)
      throws IOException {
    checkNotNull(spark, "spark context must not be null");
    check(cell, replicas, interval);
    List<String> lines = barrierStage(spark, replicas, new Replica(cell.toJson(), interval));
    return collect(cell, replicas, interval, lines);
  }

  /**
   * Refuses, naming the cell and the fix, a cell that cannot be drawn data-parallel by {@code
   * replicas} replicas averaging every {@code interval} steps: a method other than supertickets or
   * search-only, a batch the replicas cannot share, K below 1, a missing data folder.
   */
  public static void check(SweepCell cell, int replicas, int interval) {
    checkNotNull(cell, "cell must not be null");
    checkArgument(
        cell.method().equals("supertickets") || cell.method().equals("search-only"),
        "cell %s: a data-parallel draw runs method supertickets or search-only, not %s",
        cell.id(),
        cell.method());
    checkArgument(replicas >= 1, "need at least one replica, got %s", replicas);
    new DataParallel(dev.supertickets.parallel.Collective.single(), interval); // checks K
    int batch = Recipe.named(cell.recipe()).batchSize();
    checkArgument(
        batch % replicas == 0,
        "cell %s: the recipe's batch of %s does not divide among %s replicas; use a number of"
            + " replicas that divides it",
        cell.id(),
        batch,
        replicas);
    SweepGrid.check(List.of(cell));
  }

  /**
   * The cost of one averaging round alone: {@code replicas} tasks of a barrier stage average an
   * array of {@code floats} values {@code rounds} times in a row, with no training between (so no
   * waiting for a slower replica); returns the mean milliseconds of a round, the first round (which
   * opens the connections) left out.
   */
  public static double roundMillis(JavaSparkContext spark, int replicas, int floats, int rounds) {
    checkArgument(rounds >= 2, "need at least 2 rounds (the first is left out), got %s", rounds);
    List<String> lines = barrierStage(spark, replicas, new Rounds(floats, rounds));
    return lines.stream().mapToDouble(Double::parseDouble).average().orElseThrow();
  }

  /**
   * Runs {@code body} as the {@code replicas} tasks of one barrier stage (each gets its rank as its
   * partition's one element) and collects their lines.
   */
  private static List<String> barrierStage(
      JavaSparkContext spark,
      int replicas,
      AbstractFunction1<Iterator<Integer>, Iterator<String>> body) {
    List<Integer> ranks = IntStream.range(0, replicas).boxed().toList();
    return spark
        .parallelize(ranks, replicas)
        .rdd()
        .barrier()
        .mapPartitions(body, false, ClassTag$.MODULE$.apply(String.class))
        .toJavaRDD()
        .collect();
  }

  /** The task body of {@link #roundMillis}. */
  private static final class Rounds extends AbstractFunction1<Iterator<Integer>, Iterator<String>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int floats;
    private final int rounds;

    Rounds(int floats, int rounds) {
      this.floats = floats;
      this.rounds = rounds;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> ignored) {
      BarrierCollective c = new BarrierCollective(BarrierTaskContext.get());
      float[] local = new float[floats];
      java.util.Arrays.fill(local, c.rank());
      c.mean(local);
      long first = c.nanos();
      for (int r = 1; r < rounds; r++) {
        c.mean(local);
      }
      double ms = (c.nanos() - first) / 1e6 / (rounds - 1);
      return CollectionConverters.asScala(List.of(Double.toString(ms)).iterator());
    }
  }

  private static Result collect(SweepCell cell, int replicas, int interval, List<String> lines)
      throws IOException {
    double seconds = 0;
    double exchange = 0;
    long steps = 0;
    long rounds = 0;
    SuperTicket ticket = null;
    List<Double> loss = List.of();
    for (String line : lines) {
      Map<?, ?> m = (Map<?, ?>) Json.parse(line);
      seconds = Math.max(seconds, ((Number) m.get("seconds")).doubleValue());
      exchange += ((Number) m.get("exchangeMillis")).doubleValue() / replicas;
      steps = ((Number) m.get("steps")).longValue();
      rounds = ((Number) m.get("rounds")).longValue();
      if (m.containsKey("ticket")) {
        ticket = fromBytes(Base64.getDecoder().decode((String) m.get("ticket")));
        loss =
            ((List<?>) m.get("trainLoss")).stream().map(x -> ((Number) x).doubleValue()).toList();
      }
    }
    checkNotNull(ticket, "replica 0 sent no ticket");
    double accuracy = ticket.evaluate(CellRun.test(cell)).accuracy();
    return new Result(ticket, accuracy, replicas, interval, seconds, steps, rounds, exchange, loss);
  }

  private static SuperTicket fromBytes(byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile("data-parallel-", ".stkt");
    try {
      Files.write(tmp, bytes);
      return SuperTicket.load(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** One replica: the task body of the barrier stage, one line of JSON out. */
  private static final class Replica extends AbstractFunction1<Iterator<Integer>, Iterator<String>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String cellJson;
    private final int interval;

    Replica(String cellJson, int interval) {
      this.cellJson = cellJson;
      this.interval = interval;
    }

    @Override
    public Iterator<String> apply(Iterator<Integer> ignored) {
      try {
        return CollectionConverters.asScala(List.of(draw()).iterator());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String draw() throws IOException {
      BarrierCollective collective = new BarrierCollective(BarrierTaskContext.get());
      SweepCell cell = SweepCell.fromJson(cellJson);
      Backend.init();
      Dataset train = CellRun.train(cell);
      Dataset test = CellRun.test(cell);
      SweepMethod.Setting s = SweepMethod.Setting.of(cell, train, test, Optional.empty());
      DrawTrace trace = new DrawTrace();
      long t0 = System.nanoTime();
      SuperTicket ticket =
          SweepMethod.superTicketsDrawer(s, cell.sparsity())
              .dataParallel(new DataParallel(collective, interval))
              .listener(trace)
              .build()
              .draw(train, test);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", collective.rank());
      m.put("seconds", seconds);
      m.put("steps", trace.steps());
      m.put("rounds", collective.rounds());
      m.put(
          "exchangeMillis",
          collective.rounds() == 0 ? 0.0 : collective.nanos() / 1e6 / collective.rounds());
      if (collective.rank() == 0) {
        m.put("trainLoss", trace.trainLoss());
        Path tmp = Files.createTempFile("data-parallel-", ".stkt");
        try {
          ticket.save(tmp);
          m.put("ticket", Base64.getEncoder().encodeToString(Files.readAllBytes(tmp)));
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return Json.write(m);
    }
  }
}
