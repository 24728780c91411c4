package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepRow;
import dev.supertickets.sweep.SweepTable;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep on a real standalone cluster (a master and two one-core workers, each its own JVM) whose
 * executor is killed with SIGKILL while it draws a RigL cell: Spark retries the task on a fresh
 * executor, the cell resumes from its checkpoint, and the sweep ends with every row exactly once
 * and every ticket loading.
 */
class SparkClusterIT {
  @Test
  void aSweepSurvivesAKilledExecutor(@TempDir Path work) throws Exception {
    Path out = work.resolve("sweep");
    // a RigL cell: its drop-and-grow counters must survive the kill with its weights
    SweepCell victim =
        new SweepCell("rigl", 0.7, 1, 4, "tiny28", "standard", SweepCell.EMBEDDED, 1024, 200);
    List<SweepCell> cells =
        List.of(
            victim,
            new SweepCell(
                "supertickets", 0.7, 2, 2, "tiny28", "standard", SweepCell.EMBEDDED, 512, 200),
            new SweepCell("gmp", 0.7, 1, 2, "tiny28", "standard", SweepCell.EMBEDDED, 512, 200),
            new SweepCell("dense", 0, 1, 2, "tiny28", "standard", SweepCell.EMBEDDED, 512, 200));
    try (StandaloneCluster cluster = StandaloneCluster.start(work.resolve("cluster"), 2, 2048);
        JavaSparkContext spark =
            new JavaSparkContext(
                cluster.driverConf("SparkClusterIT", 1536).set("spark.task.maxFailures", "4"))) {
      CompletableFuture<SweepTable> sweep =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return SparkSweep.run(spark, cells, out);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      // kill the executor drawing the victim once the victim has a checkpoint to resume from
      Path checkpoint = out.resolve(CellRun.CHECKPOINTS).resolve(victim.id()).resolve("train.ckpt");
      Path pidFile = out.resolve(SparkSweep.RUNNING).resolve(victim.id() + ".pid");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!(Files.exists(checkpoint) && Files.exists(pidFile))
          && System.nanoTime() < deadline
          && !sweep.isDone()) {
        Thread.sleep(100);
      }
      assertThat(checkpoint).as("the victim's first checkpoint").exists();
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle executor = ProcessHandle.of(pid).orElseThrow();
      assertThat(cluster.isExecutor(pid))
          .as("the victim is drawn by an executor a worker started")
          .isTrue();
      executor.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the driver
      executor.onExit().get(30, TimeUnit.SECONDS);

      SweepTable table = sweep.get(8, TimeUnit.MINUTES);
      assertThat(table.rows()).hasSize(cells.size());
      assertThat(table.duplicates()).isEmpty();
      try (var rows = Files.list(out.resolve(CellRun.ROWS))) {
        assertThat(rows.filter(p -> p.toString().endsWith(".json")).count())
            .isEqualTo(cells.size());
      }
      for (SweepCell c : cells) {
        SuperTicket t = SuperTicket.load(CellRun.ticketFile(out, c)); // checks the file's checksum
        assertThat(t.provenance().get("sweep.cell")).isEqualTo(c.toJson());
      }
      SweepRow resumed =
          table.rows().stream().filter(r -> r.cell().equals(victim)).findFirst().orElseThrow();
      assertThat(resumed.resumed()).as("the victim resumed from its checkpoint").isTrue();
      assertThat(Long.parseLong(Files.readString(pidFile).trim()))
          .as("a new executor drew it")
          .isNotEqualTo(pid);
    }
  }
}
