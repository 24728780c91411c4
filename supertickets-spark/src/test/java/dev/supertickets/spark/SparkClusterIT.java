package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.FashionMnist;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepRow;
import dev.supertickets.sweep.SweepTable;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sweep on a real standalone cluster (a master and two one-core workers, each its own JVM) whose
 * executor is killed with SIGKILL while it draws a RigL cell: Spark retries the task on a fresh
 * executor, the cell resumes from its checkpoint, and the sweep ends with every row exactly once
 * and every ticket loading. Once with the output in a folder both workers see, once on HDFS (a
 * NameNode and a DataNode in the test's JVM, {@code MiniDFSCluster}), where the checkpoints reach
 * the other executor only through the file system.
 */
class SparkClusterIT {
  @ParameterizedTest(name = "output {0}")
  @ValueSource(strings = {"folder", "hdfs"})
  void aSweepSurvivesAKilledExecutor(String output, @TempDir Path work) throws Exception {
    MiniDFSCluster hdfs = null;
    try {
      String out;
      FileSystem fs;
      if (output.equals("hdfs")) {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        out = hdfs.getURI() + "/sweep";
      } else {
        out = work.resolve("sweep").toString();
        fs = FileSystem.getLocal(new Configuration());
      }
      run(out, fs, work);
    } finally {
      if (hdfs != null) {
        hdfs.shutdown();
      }
    }
  }

  private static void run(String out, FileSystem fs, Path work) throws Exception {
    // a RigL cell: its drop-and-grow counters must survive the kill with its weights
    SweepCell victim =
        new SweepCell("rigl", 0.7, 1, 4, "tiny28", "standard", SweepCell.EMBEDDED, 1024, 200);
    List<SweepCell> cells =
        List.of(
            victim,
            new SweepCell(
                "supertickets", 0.7, 2, 2, "tiny28", "standard", SweepCell.EMBEDDED, 512, 200),
            // data by path: the IDX folder every worker sees (CI installs it), 512 of its images
            new SweepCell("gmp", 0.7, 1, 2, "tiny28", "standard", idxData(), 512, 200),
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
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      // kill the executor drawing the victim once the victim has a run checkpoint to resume from:
      // in the shared folder, or (on HDFS) in the generation the mirror last copied there
      org.apache.hadoop.fs.Path victimCheckpoints =
          at(out, CellRun.CHECKPOINTS + "/" + victim.id());
      org.apache.hadoop.fs.Path pidFile = at(out, SparkSweep.RUNNING + "/" + victim.id() + ".pid");
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
      while (!(hasRunCheckpoint(fs, victimCheckpoints) && fs.exists(pidFile))
          && System.nanoTime() < deadline
          && !sweep.isDone()) {
        Thread.sleep(100);
      }
      assertThat(hasRunCheckpoint(fs, victimCheckpoints))
          .as("the victim's first checkpoint in " + victimCheckpoints)
          .isTrue();
      long pid = Long.parseLong(read(fs, pidFile));
      ProcessHandle executor = ProcessHandle.of(pid).orElseThrow();
      assertThat(cluster.isExecutor(pid))
          .as("the victim is drawn by an executor a worker started")
          .isTrue();
      executor.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the driver
      executor.onExit().get(30, TimeUnit.SECONDS);

      SweepTable table = sweep.get(8, TimeUnit.MINUTES);
      assertThat(table.rows()).hasSize(cells.size());
      assertThat(table.duplicates()).isEmpty();
      assertThat(fs.listStatus(at(out, CellRun.ROWS)))
          .filteredOn(s -> s.getPath().getName().endsWith(".json"))
          .hasSize(cells.size());
      Path downloads = work.resolve("downloads");
      for (SweepCell c : cells) {
        Path local = downloads.resolve(c.id() + ".stkt");
        fs.copyToLocalFile(
            false,
            at(out, CellRun.TICKETS + "/" + c.id() + ".stkt"),
            new org.apache.hadoop.fs.Path(local.toUri()),
            true);
        SuperTicket t = SuperTicket.load(local); // checks the file's checksum
        assertThat(t.provenance().get("sweep.cell")).isEqualTo(c.toJson());
        if (!c.data().equals(SweepCell.EMBEDDED)) {
          assertThat(t.provenance().get("data.train"))
              .as("drawn on the IDX folder")
              .contains("fashion-mnist-train");
        }
      }
      SweepRow resumed =
          table.rows().stream().filter(r -> r.cell().equals(victim)).findFirst().orElseThrow();
      assertThat(resumed.resumed()).as("the victim resumed from its checkpoint").isTrue();
      assertThat(Long.parseLong(read(fs, pidFile))).as("a new executor drew it").isNotEqualTo(pid);
    }
  }

  /** Debian's Fashion-MNIST folder where installed (as in CI), else the embedded subset. */
  private static String idxData() {
    return FashionMnist.isInstalled(FashionMnist.DEFAULT_DIRECTORY)
        ? FashionMnist.DEFAULT_DIRECTORY.toString()
        : SweepCell.EMBEDDED;
  }

  /** Whether {@code dir} (or the generation its {@code latest} names) holds a run checkpoint. */
  private static boolean hasRunCheckpoint(FileSystem fs, org.apache.hadoop.fs.Path dir)
      throws IOException {
    org.apache.hadoop.fs.Path latest = new org.apache.hadoop.fs.Path(dir, CheckpointMirror.LATEST);
    if (fs.exists(latest)) {
      try {
        dir = new org.apache.hadoop.fs.Path(dir, CheckpointMirror.GENERATION + read(fs, latest));
      } catch (IOException e) {
        return false; // replaced while read: look again
      }
    }
    return fs.exists(new org.apache.hadoop.fs.Path(dir, "train.ckpt"));
  }

  private static org.apache.hadoop.fs.Path at(String out, String rest) {
    return new org.apache.hadoop.fs.Path(out + "/" + rest);
  }

  private static String read(FileSystem fs, org.apache.hadoop.fs.Path p) throws IOException {
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
    }
  }
}
