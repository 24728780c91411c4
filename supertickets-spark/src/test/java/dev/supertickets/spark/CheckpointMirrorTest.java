package dev.supertickets.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint mirror on Hadoop's local file system: each changed state of the folder becomes one
 * whole generation that {@code latest} names, older ones go, an unchanged or empty folder is not
 * copied, and a pull gives back the newest state file for file.
 */
class CheckpointMirrorTest {
  @Test
  void eachNewStateBecomesTheOneGenerationAPullGivesBack(
      @TempDir Path local, @TempDir Path remoteDir, @TempDir Path elsewhere) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(remoteDir.toUri());
    Path folder = local.resolve("ckpt");
    try (CheckpointMirror m = CheckpointMirror.start(fs, folder, remote, 60_000)) {
      m.push(); // an empty folder: nothing to copy
      assertThat(fs.exists(new org.apache.hadoop.fs.Path(remote, CheckpointMirror.LATEST)))
          .isFalse();

      Files.writeString(folder.resolve("draw.json"), "{\"a\": 1}");
      Files.write(folder.resolve("train.ckpt"), new byte[] {1, 2, 3});
      Files.writeString(folder.resolve(".train.ckpt.tmp"), "half written");
      m.push();
      m.push(); // unchanged: no new generation
      assertThat(generations(fs, remote)).containsExactly("gen-1");

      Files.write(folder.resolve("train.ckpt"), new byte[] {4, 5, 6, 7});
      m.push();
      assertThat(generations(fs, remote)).containsExactly("gen-2");
    }
    Path pulled = elsewhere.resolve("ckpt");
    assertThat(CheckpointMirror.pull(fs, remote, pulled)).isEqualTo(2);
    assertThat(Files.readAllBytes(pulled.resolve("train.ckpt"))).containsExactly(4, 5, 6, 7);
    assertThat(Files.readString(pulled.resolve("draw.json"))).isEqualTo("{\"a\": 1}");
    try (var files = Files.list(pulled)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary or checksum files")
          .containsExactlyInAnyOrder("draw.json", "train.ckpt");
    }
    assertThat(CheckpointMirror.pull(fs, new org.apache.hadoop.fs.Path(remote, "none"), pulled))
        .as("no generation yet")
        .isZero();
  }

  private static java.util.List<String> generations(FileSystem fs, org.apache.hadoop.fs.Path dir)
      throws Exception {
    return java.util.Arrays.stream(fs.listStatus(dir))
        .map(s -> s.getPath().getName())
        .filter(n -> n.startsWith(CheckpointMirror.GENERATION))
        .toList();
  }
}
