package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSubsetGeneratorTest {
  @TempDir Path dir;

  @Test
  void takesTheFirstOfEachClassInFileOrder() throws FileFormatException {
    IdxArray labels = IdxArray.of(new int[] {8}, new byte[] {1, 1, 0, 1, 2, 0, 2, 0});
    assertThat(EmbeddedSubsetGenerator.firstPerClass(labels, 3, 2))
        .containsExactly(0, 1, 2, 4, 5, 6);
    assertThatThrownBy(() -> EmbeddedSubsetGenerator.firstPerClass(labels, 3, 3))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("too few samples for 3 per class");
    assertThatThrownBy(() -> EmbeddedSubsetGenerator.firstPerClass(labels, 1, 3))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("label 1 at element 0");
  }

  @Test
  void writesReadableBalancedSubsets() throws IOException {
    Path source = dir.resolve("src");
    Path out = dir.resolve("out");
    java.nio.file.Files.createDirectories(source);
    writeSplit(source, "train", 6000);
    writeSplit(source, "t10k", 1200);
    EmbeddedSubsetGenerator.main(new String[] {source.toString(), out.toString()});
    Dataset train =
        IdxDatasets.load(
            out.resolve("train-images-idx3-ubyte.gz"),
            out.resolve("train-labels-idx1-ubyte.gz"),
            10,
            "t");
    assertThat(train.size()).isEqualTo(5000);
    assertThat(train.classCounts()).containsOnly(500L);
    assertThat(train.pixel(7, 0, 0, 0) * 255f)
        .isEqualTo(7f); // sample 7 of the source, file order kept
    Dataset test =
        IdxDatasets.load(
            out.resolve("t10k-images-idx3-ubyte.gz"),
            out.resolve("t10k-labels-idx1-ubyte.gz"),
            10,
            "t");
    assertThat(test.classCounts()).containsOnly(100L);
  }

  private static void writeSplit(Path dir, String split, int n) throws IOException {
    byte[] pixels = new byte[n];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      pixels[i] = (byte) i;
      labels[i] = (byte) (i % 10);
    }
    IdxWriter.writeGzip(
        dir.resolve(split + "-images-idx3-ubyte.gz"), IdxArray.of(new int[] {n, 1, 1}, pixels));
    IdxWriter.writePlain(
        dir.resolve(split + "-labels-idx1-ubyte"), IdxArray.of(new int[] {n}, labels));
  }
}
