package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbeddedFashionMnistTest {
  @Test
  void trainSubsetIsBalanced() {
    Dataset train = EmbeddedFashionMnist.train();
    assertThat(train.size()).isEqualTo(5000);
    assertThat(new int[] {train.height(), train.width(), train.channels()})
        .containsExactly(28, 28, 1);
    assertThat(train.numClasses()).isEqualTo(10);
    assertThat(train.classCounts()).containsOnly(500L);
    assertThat(EmbeddedFashionMnist.train()).isSameAs(train);
  }

  @Test
  void testSubsetIsBalanced() {
    Dataset test = EmbeddedFashionMnist.test();
    assertThat(test.size()).isEqualTo(1000);
    assertThat(test.classCounts()).hasSize(10).containsOnly(100L);
    assertThat(test.name()).isEqualTo("fashion-mnist-embedded-test");
  }

  @Test
  void resourcesAreGzippedIdxReadByTheSameReader() throws IOException {
    String path = EmbeddedFashionMnist.RESOURCE_FOLDER + "train-images-idx3-ubyte.gz";
    try (InputStream in = getClass().getResourceAsStream(path)) {
      assertThat(in).isNotNull();
      byte[] bytes = in.readAllBytes();
      assertThat(bytes[0] & 0xff).isEqualTo(0x1f);
      assertThat(bytes[1] & 0xff).isEqualTo(0x8b);
      IdxArray images = IdxReader.read(new java.io.ByteArrayInputStream(bytes), Path.of(path));
      assertThat(images.dims()).containsExactly(5000, 28, 28);
    }
  }

  @Test
  void imagesAreNotBlank() {
    Dataset train = EmbeddedFashionMnist.train();
    Normalization stats = train.channelStatistics();
    // close to the full training set's statistics (0.286, 0.353)
    assertThat(stats.mean()[0]).isBetween(0.25f, 0.32f);
    assertThat(stats.std()[0]).isBetween(0.32f, 0.38f);
  }
}
