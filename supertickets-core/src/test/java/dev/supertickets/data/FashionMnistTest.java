package dev.supertickets.data;

import static dev.supertickets.data.IdxFiles.gzip;
import static dev.supertickets.data.IdxFiles.ubyte;
import static dev.supertickets.data.IdxFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path dir;

  private void fakeSplit(String split, int n, boolean gz) {
    byte[] images = ubyte(new int[] {n, 28, 28}, new byte[n * 784]);
    byte[] labels = ubyte(new int[] {n}, new byte[n]);
    write(dir, split + "-images-idx3-ubyte" + (gz ? ".gz" : ""), gz ? gzip(images) : images);
    write(dir, split + "-labels-idx1-ubyte" + (gz ? ".gz" : ""), gz ? gzip(labels) : labels);
  }

  @Test
  void missingFilesSayWhereAndHowToFix() {
    assertThat(FashionMnist.isInstalled(dir)).isFalse();
    assertThatThrownBy(() -> FashionMnist.train(dir))
        .isInstanceOf(DatasetNotFoundException.class)
        .hasMessageContaining(dir.toAbsolutePath().toString())
        .hasMessageContaining("train-images-idx3-ubyte.gz")
        .hasMessageContaining("apt-get install dataset-fashion-mnist")
        .hasMessageContaining("pass the directory")
        .extracting(e -> ((DatasetNotFoundException) e).directory())
        .isEqualTo(dir);
  }

  @Test
  void acceptsGzippedAndPlainFileNames() throws IOException {
    fakeSplit("train", 3, false);
    assertThat(FashionMnist.isInstalled(dir)).isFalse();
    fakeSplit("t10k", 2, true);
    assertThat(FashionMnist.isInstalled(dir)).isTrue();
    Dataset train = FashionMnist.train(dir);
    Dataset test = FashionMnist.test(dir);
    assertThat(train.size()).isEqualTo(3);
    assertThat(test.size()).isEqualTo(2);
    assertThat(test.numClasses()).isEqualTo(10);
    assertThat(train.name()).isEqualTo("fashion-mnist-train");
  }

  @Test
  void directoryPrecedenceIsPropertyThenEnvironmentThenDefault() {
    assertThat(FashionMnist.resolve("/p", "/e")).isEqualTo(Path.of("/p"));
    assertThat(FashionMnist.resolve(null, "/e")).isEqualTo(Path.of("/e"));
    assertThat(FashionMnist.resolve(" ", "")).isEqualTo(FashionMnist.DEFAULT_DIRECTORY);
    assertThat(FashionMnist.DEFAULT_DIRECTORY)
        .isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
  }

  @Test
  void systemPropertyOverridesTheDefault() throws IOException {
    fakeSplit("train", 1, true);
    fakeSplit("t10k", 1, true);
    String old = System.getProperty(FashionMnist.DIRECTORY_PROPERTY);
    System.setProperty(FashionMnist.DIRECTORY_PROPERTY, dir.toString());
    try {
      assertThat(FashionMnist.directory()).isEqualTo(dir);
      assertThat(FashionMnist.isInstalled()).isTrue();
      assertThat(FashionMnist.test().size()).isEqualTo(1);
    } finally {
      if (old == null) {
        System.clearProperty(FashionMnist.DIRECTORY_PROPERTY);
      } else {
        System.setProperty(FashionMnist.DIRECTORY_PROPERTY, old);
      }
    }
  }

  @Test
  void hasTenClassNames() {
    assertThat(FashionMnist.CLASS_NAMES)
        .hasSize(FashionMnist.NUM_CLASSES)
        .startsWith("T-shirt/top")
        .endsWith("Ankle boot");
  }
}
