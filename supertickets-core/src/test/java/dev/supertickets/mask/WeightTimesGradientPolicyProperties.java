package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The custom policy of the example prunes exactly {@code floor(s · N)} weights, the ones with the
 * smallest hand-computed {@code |w · ∂L/∂W_eff|} of softmax regression, and agrees with the shipped
 * SNIP policy.
 */
class WeightTimesGradientPolicyProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 25)
  void prunesTheSmallestWeightTimesGradientExactly(
      @ForAll @IntRange(min = 2, max = 5) int side,
      @ForAll @IntRange(min = 2, max = 4) int classes,
      @ForAll @IntRange(min = 1, max = 6) int samples,
      @ForAll @DoubleRange(min = 0, max = 0.99) double sparsity,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int in = side * side;
    float[] images = new float[samples * in];
    int[] labels = new int[samples];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) rng.nextDouble();
    }
    for (int i = 0; i < samples; i++) {
      labels[i] = rng.nextInt(classes);
    }
    Loader loader =
        Loader.builder(Dataset.classification("random", images, labels, side, side, 1, classes))
            .batchSize(samples)
            .shuffle(false)
            .build();
    Linear layer = new Linear("layer", in, classes, rng, DataType.FLOAT);
    Sequential model = Sequential.of(new Flatten(), layer);
    Param w = layer.weight();
    w.setMask(
        Fixtures.randomMask(
            w, 0.3, rng)); // masked weights are scored by their would-be gradient too
    MaskContext context = MaskContext.builder(model).data(loader).build();

    ImmutableMap<Param, INDArray> masks = new WeightTimesGradientPolicy(1).masks(context, sparsity);

    long n = w.size();
    assertThat(Masks.prunedCountOf(masks)).isEqualTo(Ranking.pruneCount(sparsity, n));
    double[] hand = handScores(w, images, labels, samples, in, classes);
    double[] m = Fixtures.doubles(masks.get(w));
    double maxPruned = Double.NEGATIVE_INFINITY;
    double minKept = Double.POSITIVE_INFINITY;
    for (int i = 0; i < m.length; i++) {
      if (m[i] == 0) {
        maxPruned = Math.max(maxPruned, hand[i]);
      } else {
        minKept = Math.min(minKept, hand[i]);
      }
    }
    double scale = Arrays.stream(hand).max().orElse(0);
    assertThat(maxPruned).isLessThanOrEqualTo(minKept + 1e-5 * scale + 1e-12);
    assertThat(MaskSet.of(masks))
        .isEqualTo(MaskSet.of(MaskPolicies.snip().masks(context, sparsity)));
  }

  /** {@code |W ⊙ Xᵀ(softmax(X W_eff) − Y) / B|} in double precision (the bias is zero). */
  private static double[] handScores(
      Param w, float[] x, int[] y, int samples, int in, int classes) {
    double[] wv = Fixtures.doubles(w.value());
    double[] mv = Fixtures.doubles(w.mask());
    double[] grad = new double[in * classes];
    for (int s = 0; s < samples; s++) {
      double[] z = new double[classes];
      for (int k = 0; k < classes; k++) {
        for (int i = 0; i < in; i++) {
          z[k] += x[s * in + i] * wv[i * classes + k] * mv[i * classes + k];
        }
      }
      double max = Arrays.stream(z).max().orElseThrow();
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      for (int k = 0; k < classes; k++) {
        double d = z[k] / sum - (k == y[s] ? 1 : 0);
        for (int i = 0; i < in; i++) {
          grad[i * classes + k] += x[s * in + i] * d / samples;
        }
      }
    }
    double[] out = new double[grad.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.abs(wv[i] * grad[i]);
    }
    return out;
  }
}
