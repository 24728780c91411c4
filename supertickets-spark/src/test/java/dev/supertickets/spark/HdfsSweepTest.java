package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.draw.DrawListener;
import dev.supertickets.sparse.DstDrawer;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.sweep.SweepMethod;
import dev.supertickets.sweep.SweepRow;
import dev.supertickets.sweep.SweepTable;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep whose output is on a real HDFS (a NameNode and a DataNode in this JVM, Hadoop's {@code
 * MiniDFSCluster}), reached through its {@code hdfs://} URI as on a cluster: tickets and rows land
 * there atomically, a rerun skips done cells, and a cell whose dead attempt left checkpoints there
 * resumes from them on another task to the unbroken draw's ticket.
 */
@Tag("slow")
class HdfsSweepTest {
  @TempDir static Path base;
  private static MiniDFSCluster hdfs;
  private static FileSystem fs;
  private static JavaSparkContext spark;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    fs = hdfs.getFileSystem();
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("HdfsSweepTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  static SweepCell cell(String method, double sparsity, long seed) {
    return new SweepCell(
        method, sparsity, seed, 2, "tiny28", "standard", SweepCell.EMBEDDED, 384, 100);
  }

  private static String uri(String folder) {
    return hdfs.getURI() + "/sweeps/" + folder;
  }

  private static org.apache.hadoop.fs.Path at(String uri, String rest) {
    return new org.apache.hadoop.fs.Path(uri + "/" + rest);
  }

  /** A file of HDFS copied to the local disk, to load it as a user would after downloading it. */
  private static Path download(org.apache.hadoop.fs.Path p, Path dir) throws Exception {
    Path local = dir.resolve(p.getName());
    fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(local.toUri()), true);
    return local;
  }

  @Test
  void ticketsAndRowsLandOnHdfsAndARerunSkipsThem(@TempDir Path dl) throws Exception {
    String out = uri("two-cells");
    assertThat(out).startsWith("hdfs://");
    List<SweepCell> cells = List.of(cell("gmp", 0.6, 1), cell("search-only", 0, 1));
    SweepTable table = SparkSweep.run(spark, cells, out);
    assertThat(table.rows()).hasSize(2);
    assertThat(table.duplicates()).isEmpty();
    for (SweepCell c : cells) {
      SuperTicket t =
          SuperTicket.load(download(at(out, CellRun.TICKETS + "/" + c.id() + ".stkt"), dl));
      assertThat(t.provenance().get("sweep.cell")).isEqualTo(c.toJson());
      assertThat(fs.exists(at(out, CellRun.ROWS + "/" + c.id() + ".json"))).isTrue();
      assertThat(fs.exists(at(out, CellRun.CHECKPOINTS + "/" + c.id())))
          .as("a done cell's checkpoints are removed")
          .isFalse();
    }
    for (String f : List.of(SweepTable.MARKDOWN_FILE, SweepTable.JSON_FILE, SparkSweep.PLOT_FILE)) {
      assertThat(fs.exists(at(out, f))).as(f).isTrue();
    }
    assertThat(fs.listStatus(at(out, CellRun.ROWS)))
        .as("no temporary names left")
        .allMatch(s -> s.getPath().getName().endsWith(".json"))
        .noneMatch(s -> s.getPath().getName().startsWith("."));

    long written =
        fs.getFileStatus(at(out, CellRun.ROWS + "/" + cells.get(0).id() + ".json"))
            .getModificationTime();
    assertThat(SparkSweep.run(spark, cells, out).rows()).isEqualTo(table.rows());
    assertThat(
            fs.getFileStatus(at(out, CellRun.ROWS + "/" + cells.get(0).id() + ".json"))
                .getModificationTime())
        .isEqualTo(written);
  }

  /**
   * A RigL cell's attempt dies in its second epoch on one machine; its checkpoints reached HDFS
   * through the mirror a drawing task runs. The sweep, run again, resumes the cell from HDFS (the
   * task's own scratch folder is empty) to the ticket of an unbroken draw.
   */
  @Test
  void aDeadAttemptsCheckpointsOnHdfsResumeTheCellElsewhere(@TempDir Path dead, @TempDir Path clean)
      throws Exception {
    String out = uri("resume");
    SweepCell c = cell("rigl", 0.7, 3);
    Path folder = dead.resolve(CellRun.CHECKPOINTS).resolve(c.id());
    org.apache.hadoop.fs.Path remote = at(out, CellRun.CHECKPOINTS + "/" + c.id());
    SweepMethod.Setting setting =
        SweepMethod.Setting.of(c, CellRun.train(c), CellRun.test(c), Optional.of(folder));
    DrawListener kill =
        e -> {
          if (e.epoch() == 1) {
            throw new IllegalStateException("killed in epoch " + e.epoch());
          }
        };
    try (CheckpointMirror mirror = CheckpointMirror.start(fs, folder, remote, 50)) {
      assertThatThrownBy(
              () ->
                  SweepMethod.dst(setting, DstDrawer.Growth.GRADIENT, 0.7)
                      .checkpoint(folder)
                      .listener(kill)
                      .build()
                      .draw(setting.train(), setting.test()))
          .hasMessageContaining("killed");
      mirror.push(); // what the thread would have copied within its period
    }
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(remote, CheckpointMirror.LATEST))).isTrue();
    assertThat(fs.listStatus(remote))
        .as("one whole generation (older ones removed) and its pointer")
        .extracting(s -> s.getPath().getName())
        .hasSize(2)
        .contains(CheckpointMirror.LATEST)
        .anyMatch(n -> n.matches("gen-[0-9]+"));

    SweepTable table = SparkSweep.run(spark, List.of(c), out);
    SweepRow resumed = table.rows().get(0);
    SweepRow unbroken = CellRun.run(c, clean);
    assertThat(resumed.resumed()).as("resumed from the checkpoints on HDFS").isTrue();
    SuperTicket drawn =
        SuperTicket.load(download(at(out, CellRun.TICKETS + "/" + c.id() + ".stkt"), dead));
    assertThat(drawn.isIdenticalTo(SuperTicket.load(CellRun.ticketFile(clean, c))))
        .as("the resumed cell's ticket is the unbroken one's")
        .isTrue();
    assertThat(resumed.testAccuracy()).isEqualTo(unbroken.testAccuracy());
    assertThat(fs.exists(remote)).isFalse();
  }

  @Test
  void aDataParallelSweepWritesItsCellsToHdfs(@TempDir Path dl) throws Exception {
    String out = uri("data-parallel");
    SweepCell c = cell("supertickets", 0.6, 4);
    SweepTable table = SparkSweep.runDataParallel(spark, List.of(c), out, 2, 4);
    assertThat(table.rows()).hasSize(1);
    SuperTicket t =
        SuperTicket.load(download(at(out, CellRun.TICKETS + "/" + c.id() + ".stkt"), dl));
    assertThat(t.provenance().get("draw.replicas")).isEqualTo("2");
    assertThat(t.provenance().get("sweep.cell")).isEqualTo(c.toJson());
    assertThat(fs.exists(at(out, SweepTable.MARKDOWN_FILE))).isTrue();
    long written =
        fs.getFileStatus(at(out, CellRun.ROWS + "/" + c.id() + ".json")).getModificationTime();
    assertThat(SparkSweep.runDataParallel(spark, List.of(c), out, 2, 4).rows())
        .isEqualTo(table.rows());
    assertThat(
            fs.getFileStatus(at(out, CellRun.ROWS + "/" + c.id() + ".json")).getModificationTime())
        .as("a rerun skips the done cell")
        .isEqualTo(written);
  }
}
