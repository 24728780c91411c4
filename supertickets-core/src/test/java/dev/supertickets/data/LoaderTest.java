package dev.supertickets.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.tensor.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class LoaderTest {
  static {
    Backend.init();
  }

  private static final int H = 3;
  private static final int W = 4;
  private static final int C = 2;

  /** n samples whose label is their index (n classes) and whose pixels are distinct per sample. */
  static Dataset indexed(int n) {
    int len = H * W * C;
    float[] images = new float[n * len];
    for (int i = 0; i < images.length; i++) {
      images[i] = (i % 997) / 997f;
    }
    int[] labels = new int[n];
    Arrays.setAll(labels, i -> i);
    return Dataset.classification("indexed", images, labels, H, W, C, Math.max(n, 1));
  }

  private static List<Integer> order(Loader loader, int epoch) {
    List<Integer> seen = new ArrayList<>();
    loader.epoch(epoch).forEachRemaining(b -> Arrays.stream(b.y()).forEach(seen::add));
    return seen;
  }

  @Property(tries = 150)
  void everySampleExactlyOncePerEpoch(
      @ForAll @IntRange(min = 1, max = 120) int n,
      @ForAll @IntRange(min = 1, max = 40) int batch,
      @ForAll boolean dropLast,
      @ForAll boolean shuffle,
      @ForAll @IntRange(max = 3) int epoch) {
    if (dropLast && batch > n) {
      return; // refused by the builder, tested below
    }
    Loader loader =
        Loader.builder(indexed(n))
            .batchSize(batch)
            .dropLast(dropLast)
            .shuffle(shuffle)
            .seed(42)
            .build();
    BatchIterator it = loader.epoch(epoch);
    assertThat(it.remainingBatches()).isEqualTo(loader.batchesPerEpoch());
    List<Integer> seen = new ArrayList<>();
    int batches = 0;
    while (it.hasNext()) {
      Batch b = it.next();
      batches++;
      assertThat(b.size())
          .isEqualTo(it.hasNext() ? batch : loader.samplesPerEpoch() - (batches - 1) * batch);
      Arrays.stream(b.y()).forEach(seen::add);
    }
    assertThat(batches).isEqualTo(loader.batchesPerEpoch());
    assertThat(seen).hasSize(dropLast ? n / batch * batch : n).doesNotHaveDuplicates();
    if (!dropLast) {
      assertThat(new HashSet<>(seen)).hasSize(n);
    }
    if (!shuffle) {
      assertThat(seen).isSorted();
    }
  }

  @Test
  void sameSeedAndEpochGiveSameOrderOthersDiffer() {
    Dataset d = indexed(200);
    Loader a = Loader.builder(d).batchSize(16).seed(5).build();
    Loader b = Loader.builder(d).batchSize(16).seed(5).build();
    Loader c = Loader.builder(d).batchSize(16).seed(6).build();
    assertThat(order(a, 0)).isEqualTo(order(b, 0)).isEqualTo(order(a, 0));
    assertThat(order(a, 1)).isEqualTo(order(b, 1)).isNotEqualTo(order(a, 0));
    assertThat(order(c, 0)).isNotEqualTo(order(a, 0));
    Set<List<Integer>> epochs = new HashSet<>();
    for (int e = 0; e < 5; e++) {
      epochs.add(order(a, e));
    }
    assertThat(epochs).hasSize(5);
  }

  @Test
  void batchesAreFloatNhwcCopiesOfTheSamples() {
    Dataset d = indexed(10);
    Batch b = Loader.builder(d).batchSize(4).seed(1).build().epoch(0).next();
    INDArray x = b.x();
    assertThat(x.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(x.shape()).containsExactly(4, H, W, C);
    assertThat(x.ordering()).isEqualTo('c');
    for (int j = 0; j < 4; j++) {
      int s = b.y()[j];
      for (int y = 0; y < H; y++) {
        for (int xx = 0; xx < W; xx++) {
          for (int c = 0; c < C; c++) {
            assertThat(x.getFloat(j, y, xx, c)).isEqualTo(d.pixel(s, y, xx, c));
          }
        }
      }
    }
    assertThat(b.isDense()).isFalse();
  }

  @Test
  void normalisesWhileCopying() {
    Dataset d = indexed(3);
    Normalization n = new Normalization(new float[] {.5f, .25f}, new float[] {2f, .5f});
    Batch b = Loader.forEvaluation(d, 8, n).epoch(0).next();
    assertThat(b.size()).isEqualTo(3);
    assertThat(b.x().getFloat(2, 1, 3, 1))
        .isCloseTo((d.pixel(2, 1, 3, 1) - .25f) / .5f, within(1e-6f));
    assertThat(b.x().getFloat(0, 0, 0, 0))
        .isCloseTo((d.pixel(0, 0, 0, 0) - .5f) / 2f, within(1e-6f));
  }

  @Test
  void augmentationIsSeededPerEpoch() {
    Dataset d = indexed(64);
    Loader.Builder builder =
        Loader.builder(d).batchSize(64).augmentation(Augmentation.cropAndFlip(2));
    INDArray e0 = builder.seed(3).build().epoch(0).next().x();
    INDArray again = builder.seed(3).build().epoch(0).next().x();
    assertThat(again).isEqualTo(e0);
    Loader unshuffled = builder.shuffle(false).build();
    assertThat(unshuffled.epoch(1).next().x()).isNotEqualTo(unshuffled.epoch(2).next().x());
  }

  @Test
  void denseLabelsFollowAugmentedPixels() {
    int n = 20;
    float[] images = new float[n * H * W];
    int[] labels = new int[n * H * W];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 250;
      images[i] = (labels[i] + 1) / 256f; // pixel value codes its label
    }
    Dataset d = Dataset.dense("seg", images, labels, n, H, W, 1, 250, 255);
    Loader loader =
        Loader.builder(d).batchSize(8).augmentation(Augmentation.cropAndFlip(2)).seed(9).build();
    int ignored = 0;
    for (BatchIterator it = loader.epoch(0); it.hasNext(); ) {
      Batch b = it.next();
      assertThat(b.isDense()).isTrue();
      assertThat(b.y()).hasSize(b.size() * H * W);
      float[] x = b.x().data().asFloat();
      for (int i = 0; i < b.y().length; i++) {
        if (b.y()[i] == 255) {
          ignored++;
          assertThat(x[i]).isZero();
        } else {
          assertThat(x[i]).isEqualTo((b.y()[i] + 1) / 256f);
        }
      }
    }
    assertThat(ignored).isPositive();
  }

  @Test
  void reusedArraysAreRefilled() {
    Dataset d = indexed(10);
    BatchIterator it =
        Loader.builder(d).batchSize(4).shuffle(false).reuseArrays(true).build().epoch(0);
    Batch first = it.next();
    assertThat(first.x().getFloat(0, 0, 0, 0)).isEqualTo(d.pixel(0, 0, 0, 0));
    Batch second = it.next();
    assertThat(second.x()).isSameAs(first.x());
    assertThat(second.x().getFloat(1, 2, 3, 1)).isEqualTo(d.pixel(5, 2, 3, 1));
    Batch last = it.next();
    assertThat(last.size()).isEqualTo(2);
    assertThat(last.x().getFloat(1, 0, 0, 0)).isEqualTo(d.pixel(9, 0, 0, 0));
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void refusesBadConfigurations() {
    Dataset d = indexed(10);
    assertThatThrownBy(() -> Loader.builder(d).batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch size must be positive, got 0; e.g. 128");
    assertThatThrownBy(() -> Loader.builder(d).batchSize(11).dropLast(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaves no batch");
    assertThatThrownBy(() -> Loader.builder(d).normalization(Normalization.identity(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 channels");
    assertThatThrownBy(() -> Loader.builder(d).build().epoch(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoch must not be negative");
  }
}
