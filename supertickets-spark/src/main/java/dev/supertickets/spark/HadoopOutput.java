package dev.supertickets.spark;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.supertickets.sweep.CellRun;
import dev.supertickets.sweep.SweepCell;
import dev.supertickets.ticket.SuperTicket;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A sweep's output on any Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code file:} ...):
 * each task draws its cell in a local scratch folder, then copies the ticket and, last, the row to
 * the file system under temporary names and renames them into place, so a row there means its
 * ticket is there. While it draws, {@link CheckpointMirror} keeps its checkpoints in {@code
 * checkpoints/ID/} on the file system, so a task retried on another executor resumes from them.
 */
final class HadoopOutput {
  /** How often a drawing task looks for a new checkpoint to copy to the file system. */
  static final long MIRROR_PERIOD_MS = 1000;

  /** The sweep's folder itself, for {@link CellRun}'s names relative to it. */
  private static final Path HERE = Path.of("");

  private HadoopOutput() {}

  /** The file system of {@code uri}, with the Hadoop configuration of this JVM. */
  static FileSystem fileSystem(String uri, Configuration conf) throws IOException {
    return FileSystem.get(URI.create(uri), conf);
  }

  /** {@code uri} made sure to exist and to take files; refuses it naming the fix. */
  static void checkWritable(String uri, Configuration conf) {
    try {
      FileSystem fs = fileSystem(uri, conf);
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
      fs.mkdirs(dir);
      org.apache.hadoop.fs.Path probe =
          new org.apache.hadoop.fs.Path(dir, ".write-check-" + System.nanoTime());
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "output "
              + uri
              + " cannot be written ("
              + e
              + "); choose a folder you can "
              + "write on a file system every executor reaches",
          e);
    }
  }

  /**
   * One task: unless its row is on the file system, notes its process in {@code running/ID.pid}
   * there, draws the cell locally (resuming from the checkpoints there) and copies the result.
   */
  static void runCell(String cellJson, String uri) throws IOException {
    SweepCell cell = SweepCell.fromJson(cellJson);
    FileSystem fs = fileSystem(uri, new Configuration());
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(uri);
    if (fs.exists(remote(out, CellRun.rowFile(HERE, cell)))) {
      return;
    }
    Path scratch = Files.createTempDirectory("supertickets-cell-");
    Path pid = scratch.resolve(cell.id() + ".pid");
    Files.writeString(pid, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
    put(fs, pid, remote(out, SparkSweep.pidFile(HERE, cell)));
    org.apache.hadoop.fs.Path checkpoints = remote(out, CellRun.checkpointFolder(HERE, cell));
    try {
      try (CheckpointMirror mirror =
          CheckpointMirror.start(
              fs, CellRun.checkpointFolder(scratch, cell), checkpoints, MIRROR_PERIOD_MS)) {
        CellRun.run(cell, scratch);
      }
      publish(fs, scratch, cell, out);
      fs.delete(checkpoints, true);
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * Adds {@code drawn}, the ticket of {@code cell} drawn elsewhere (a data-parallel draw), with its
   * row to the sweep at {@code uri}, as {@link CellRun#record} does in a folder.
   */
  static void record(FileSystem fs, String uri, SweepCell cell, SuperTicket drawn, double seconds)
      throws IOException {
    Path scratch = Files.createTempDirectory("supertickets-cell-");
    try {
      CellRun.record(cell, scratch, drawn, CellRun.test(cell), seconds, false);
      publish(fs, scratch, cell, new org.apache.hadoop.fs.Path(uri));
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * Copies the ticket and then the row of {@code cell} from the folder {@code dir} to {@code out}.
   */
  private static void publish(
      FileSystem fs, Path dir, SweepCell cell, org.apache.hadoop.fs.Path out) throws IOException {
    put(fs, CellRun.ticketFile(dir, cell), remote(out, CellRun.ticketFile(HERE, cell)));
    put(fs, CellRun.rowFile(dir, cell), remote(out, CellRun.rowFile(HERE, cell)));
  }

  /**
   * {@code relative}, a path under a sweep's folder as {@link CellRun} names it, under {@code out}.
   */
  private static org.apache.hadoop.fs.Path remote(org.apache.hadoop.fs.Path out, Path relative) {
    return new org.apache.hadoop.fs.Path(out, relative.toString());
  }

  private static void deleteTree(Path dir) throws IOException {
    MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
  }

  /** The row of {@code cell} on the file system, or null. */
  static String readRow(FileSystem fs, String uri, SweepCell cell) throws IOException {
    org.apache.hadoop.fs.Path row =
        remote(new org.apache.hadoop.fs.Path(uri), CellRun.rowFile(HERE, cell));
    if (!fs.exists(row)) {
      return null;
    }
    try (var in = fs.open(row)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Copies {@code local} to {@code target}: under a temporary name first, then renamed into place.
   */
  static void put(FileSystem fs, Path local, org.apache.hadoop.fs.Path target) throws IOException {
    org.apache.hadoop.fs.Path tmp =
        new org.apache.hadoop.fs.Path(
            target.getParent(),
            "." + target.getName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    fs.mkdirs(target.getParent());
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }
}
