package dev.supertickets.spark;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Keeps a cell's local checkpoint folder on a Hadoop file system, so that a task retried on another
 * executor resumes from what the dead one left: a thread copies every new state of the folder to
 * {@code REMOTE/gen-N/} and then points {@code REMOTE/latest} at it (written under a temporary name
 * and renamed), so a reader only ever sees a whole generation. A state is copied only once a
 * listing of the folder before and after taking it agree (the drawer replaces its files by rename),
 * so a generation is a state the folder really had, not a mix of two epochs.
 */
final class CheckpointMirror implements AutoCloseable {
  static final String LATEST = "latest";
  static final String GENERATION = "gen-";

  private final FileSystem fs;
  private final Path local;
  private final org.apache.hadoop.fs.Path remote;
  private final long periodMillis;
  private final Thread thread;
  private boolean stopping;
  private Map<String, String> pushed = Map.of();
  private long generation;

  private CheckpointMirror(
      FileSystem fs, Path local, org.apache.hadoop.fs.Path remote, long periodMillis) {
    this.fs = fs;
    this.local = local;
    this.remote = remote;
    this.periodMillis = periodMillis;
    this.thread = new Thread(this::loop, "checkpoint-mirror " + local.getFileName());
    thread.setDaemon(true);
  }

  /**
   * Copies the latest generation under {@code remote}, if any, into {@code local} (created), and
   * starts mirroring {@code local} there every {@code periodMillis}.
   *
   * @return the mirror; close it when the draw ends
   */
  static CheckpointMirror start(
      FileSystem fs, Path local, org.apache.hadoop.fs.Path remote, long periodMillis)
      throws IOException {
    checkNotNull(fs, "file system must not be null");
    CheckpointMirror m = new CheckpointMirror(fs, local, remote, periodMillis);
    m.generation = pull(fs, remote, local);
    m.pushed = m.listing();
    m.thread.start();
    return m;
  }

  /**
   * Copies the latest generation under {@code remote} into {@code local}, replacing what is there.
   *
   * @return its number, or 0 when there is none
   */
  static long pull(FileSystem fs, org.apache.hadoop.fs.Path remote, Path local) throws IOException {
    Files.createDirectories(local);
    org.apache.hadoop.fs.Path pointer = new org.apache.hadoop.fs.Path(remote, LATEST);
    if (!fs.exists(pointer)) {
      return 0;
    }
    long n;
    try (var in = fs.open(pointer)) {
      n = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
    org.apache.hadoop.fs.Path gen = new org.apache.hadoop.fs.Path(remote, GENERATION + n);
    for (FileStatus f : fs.listStatus(gen)) {
      if (f.getPath().getName().startsWith(".")) {
        continue; // a checksum file of Hadoop's local file system
      }
      fs.copyToLocalFile(
          false,
          f.getPath(),
          new org.apache.hadoop.fs.Path(local.resolve(f.getPath().getName()).toUri()),
          true);
    }
    return n;
  }

  /** Copies the folder's current state now when it changed since the last copy. */
  synchronized void push() throws IOException {
    Map<String, String> before = listing();
    if (before.isEmpty() || before.equals(pushed)) {
      return;
    }
    Path staging = Files.createTempDirectory("supertickets-mirror-");
    try {
      for (String name : before.keySet()) {
        Files.copy(local.resolve(name), staging.resolve(name));
      }
      if (!listing().equals(before)) {
        return; // the drawer wrote while we copied: take the next state
      }
      org.apache.hadoop.fs.Path gen =
          new org.apache.hadoop.fs.Path(remote, GENERATION + (generation + 1));
      fs.delete(gen, true);
      fs.mkdirs(gen);
      for (String name : before.keySet()) {
        fs.copyFromLocalFile(
            false,
            true,
            new org.apache.hadoop.fs.Path(staging.resolve(name).toUri()),
            new org.apache.hadoop.fs.Path(gen, name));
      }
      Path pointer = staging.resolve(LATEST);
      Files.writeString(pointer, Long.toString(generation + 1), StandardCharsets.US_ASCII);
      HadoopOutput.put(fs, pointer, new org.apache.hadoop.fs.Path(remote, LATEST));
      fs.delete(new org.apache.hadoop.fs.Path(remote, GENERATION + generation), true);
      generation++;
      pushed = before;
    } catch (NoSuchFileException e) {
      // a file replaced or removed while listed: take the next state
    } finally {
      deleteQuietly(staging);
    }
  }

  /** Name → size and modification time of every regular file directly in the local folder. */
  private Map<String, String> listing() throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.isDirectory(local)) {
      return m;
    }
    try (Stream<Path> files = Files.list(local)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith(".") || !Files.isRegularFile(f)) {
          continue; // a temporary name: its rename is still to come
        }
        try {
          FileTime t = Files.getLastModifiedTime(f);
          m.put(name, Files.size(f) + "@" + t.to(TimeUnit.NANOSECONDS));
        } catch (NoSuchFileException e) {
          // replaced between listing and reading: the next listing has the new one
        }
      }
    }
    return m;
  }

  private void loop() {
    while (true) {
      synchronized (this) {
        if (!stopping) {
          try {
            wait(periodMillis);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopping) {
          return;
        }
      }
      try {
        push();
      } catch (IOException | UncheckedIOException e) {
        // the draw goes on: a retry would resume from the last generation copied, and the next
        // period tries again
        System.err.println("warning: could not copy checkpoints to " + remote + ": " + e);
      }
    }
  }

  /** Stops the thread once a copy under way is done (no last copy: the caller saves the result). */
  @Override
  public void close() {
    synchronized (this) {
      stopping = true;
      notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      // a temporary folder: the system's cleaner takes what is left
    }
  }
}
