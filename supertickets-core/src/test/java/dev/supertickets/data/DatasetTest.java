package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DatasetTest {
  /** Four 1x2 images with 2 channels; pixel values encode (sample, x, channel). */
  static Dataset tiny() {
    float[] images = new float[4 * 2 * 2];
    for (int i = 0; i < images.length; i++) {
      images[i] = i / 20f;
    }
    return Dataset.classification("tiny", images, new int[] {0, 1, 1, 2}, 1, 2, 2, 3);
  }

  @Test
  void exposesShapeAndSamples() {
    Dataset d = tiny();
    assertThat(d.size()).isEqualTo(4);
    assertThat(d.sampleLength()).isEqualTo(4);
    assertThat(d.labelsPerSample()).isEqualTo(1);
    assertThat(d.image(1)).containsExactly(4 / 20f, 5 / 20f, 6 / 20f, 7 / 20f);
    assertThat(d.pixel(1, 0, 1, 0)).isEqualTo(6 / 20f);
    assertThat(d.label(3)).isEqualTo(2);
    assertThat(d.labels(3)).containsExactly(2);
    assertThat(d.classCounts()).containsExactly(1L, 2L, 1L);
    assertThat(d.toString()).contains("tiny", "4 x 1x2x2");
  }

  @Test
  void copiesItsInputsAndOutputs() {
    float[] images = new float[4];
    int[] labels = {0, 1};
    Dataset d = Dataset.classification("c", images, labels, 1, 2, 1, 2);
    images[0] = 1f;
    labels[0] = 1;
    d.image(0)[0] = 1f;
    assertThat(d.pixel(0, 0, 0, 0)).isZero();
    assertThat(d.label(0)).isZero();
  }

  @Test
  void samplesDistinctSamplesReproducibly() {
    Dataset d = tiny();
    Dataset s = d.sample(3, new java.util.SplittableRandom(5));
    assertThat(s.size()).isEqualTo(3);
    java.util.Set<Float> firstPixels = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) {
      firstPixels.add(s.image(i)[0]);
    }
    assertThat(firstPixels).as("distinct samples").hasSize(3);
    Dataset again = d.sample(3, new java.util.SplittableRandom(5));
    for (int i = 0; i < 3; i++) {
      assertThat(again.image(i)).isEqualTo(s.image(i));
    }
    assertThat(d.sample(4, new java.util.SplittableRandom(1)).classCounts())
        .isEqualTo(d.classCounts());
    assertThatThrownBy(() -> d.sample(5, new java.util.SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot sample 5 of 4");
  }

  @Test
  void subsetsByRangeAndByIndices() {
    Dataset d = tiny();
    Dataset range = d.subset(1, 3);
    assertThat(range.size()).isEqualTo(2);
    assertThat(range.image(0)).isEqualTo(d.image(1));
    assertThat(range.label(1)).isEqualTo(1);
    Dataset picked = d.subset(new int[] {3, 0, 3});
    assertThat(picked.size()).isEqualTo(3);
    assertThat(picked.image(2)).isEqualTo(d.image(3));
    assertThat(picked.labels(1)).containsExactly(0);
    assertThat(d.subset(2, 2).size()).isZero();
    assertThatThrownBy(() -> d.subset(3, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> d.subset(new int[] {4})).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void validatesOnConstruction() {
    assertThatThrownBy(
            () -> Dataset.classification("x", new float[3], new int[] {0, 0}, 1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need 4 floats, got 3");
    assertThatThrownBy(
            () -> Dataset.classification("x", new float[] {0, 2f}, new int[] {0}, 1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pixel values must lie in [0, 1]");
    assertThatThrownBy(
            () ->
                Dataset.classification("x", new float[] {0, Float.NaN}, new int[] {0}, 1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Dataset.classification("x", new float[2], new int[] {2}, 1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 2 at index 0");
    assertThatThrownBy(() -> Dataset.classification(" ", new float[2], new int[] {0}, 1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void denseSetsCarryPerPixelLabelsAndIgnoreLabel() {
    Dataset d =
        Dataset.dense(
            "seg", new float[8], new int[] {0, 255, 1, 1, 0, 0, 255, 255}, 2, 2, 2, 1, 2, 255);
    assertThat(d.isDense()).isTrue();
    assertThat(d.labels(1)).containsExactly(0, 0, 255, 255);
    assertThat(d.classCounts()).containsExactly(3L, 2L);
    assertThat(d.subset(1, 2).labels(0)).containsExactly(0, 0, 255, 255);
    assertThatThrownBy(() -> d.label(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Dataset.dense("seg", new float[4], new int[4], 1, 2, 2, 1, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ignore label must lie outside");
    assertThatThrownBy(
            () -> Dataset.dense("seg", new float[4], new int[] {0, 0, 0, 7}, 1, 2, 2, 1, 2, 255))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 7 at index 3");
  }

  @Test
  void channelStatisticsArePerChannel() {
    // channel 0: 0 and 1 (mean .5, std .5); channel 1: constant .25 (std reported as 1)
    Dataset d =
        Dataset.classification("s", new float[] {0f, .25f, 1f, .25f}, new int[] {0, 0}, 1, 1, 2, 1);
    Normalization n = d.channelStatistics();
    assertThat(n.mean()).containsExactly(new float[] {.5f, .25f}, within(1e-6f));
    assertThat(n.std()).containsExactly(new float[] {.5f, 1f}, within(1e-6f));
    assertThat(n.apply(1f, 0)).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void normalizationValidatesAndIsAValue() {
    assertThat(Normalization.identity(2).isIdentity()).isTrue();
    assertThat(new Normalization(new float[] {.5f}, new float[] {2f}))
        .isEqualTo(new Normalization(new float[] {.5f}, new float[] {2f}));
    assertThatThrownBy(() -> new Normalization(new float[] {0f}, new float[] {0f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("std of channel 0 must be positive");
    assertThatThrownBy(() -> new Normalization(new float[] {0f, 0f}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one value per channel");
  }
}
