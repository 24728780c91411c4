package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.Retrainer;
import dev.supertickets.ticket.SuperTicket;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Small data, a fast training recipe and bitwise comparisons shared by the tests of the sparse
 * drawers.
 */
final class SparseFixtures {
  private SparseFixtures() {}

  /** The first {@code n} embedded Fashion-MNIST training images. */
  static Dataset train(int n) {
    Backend.init();
    return EmbeddedFashionMnist.train().subset(0, n);
  }

  /** The first 200 embedded Fashion-MNIST test images. */
  static Dataset test() {
    Backend.init();
    return EmbeddedFashionMnist.test().subset(0, 200);
  }

  /**
   * A fast recipe: {@code epochs} epochs in batches of 64, two calibration batches, seed 5 (drawers
   * replace it).
   */
  static Retrainer quick(int epochs) {
    return Retrainer.builder()
        .epochs(epochs)
        .batchSize(64)
        .learningRate(0.02)
        .calibrationBatches(2)
        .seed(5)
        .build();
  }

  /** The first {@code n} images of {@code data} as an NHWC batch. */
  static INDArray images(Dataset data, int n) {
    float[] all = new float[n * data.sampleLength()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.image(i), 0, all, i * data.sampleLength(), data.sampleLength());
    }
    return Nd4j.create(all, new long[] {n, data.height(), data.width(), data.channels()}, 'c')
        .castTo(DataType.FLOAT);
  }

  /**
   * Asserts that two tickets hold bit-identical values, masks and BN statistics under the same
   * names.
   */
  static void assertBitIdentical(SuperTicket a, SuperTicket b) {
    assertThat(a.architecture()).isEqualTo(b.architecture());
    assertSameArrays(a.state().values(), b.state().values(), "value");
    assertSameArrays(a.state().masks(), b.state().masks(), "mask");
    assertSameArrays(a.state().stats(), b.state().stats(), "statistic");
  }

  /**
   * Asserts that {@code actual} holds bit for bit the values of {@code expected} for every name of
   * it.
   */
  static void assertSameValues(NetworkState actual, NetworkState expected) {
    assertSameArrays(actual.values(), expected.values(), "value");
  }

  private static void assertSameArrays(
      Map<String, INDArray> a, Map<String, INDArray> b, String what) {
    assertThat(a.keySet()).as(what + " names").isEqualTo(b.keySet());
    a.forEach(
        (name, x) ->
            assertThat(floats(x)).as(what + " of " + name).containsExactly(floats(b.get(name))));
  }

  /** The entries of {@code x} as floats, row-major. */
  static float[] floats(INDArray x) {
    return x.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }
}
