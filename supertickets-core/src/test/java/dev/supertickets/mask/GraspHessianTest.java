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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GraSP's finite-difference Hessian-gradient product on softmax regression, {@code z = X W_eff /
 * T}, against the closed form {@code Hv = Xᵀ [(diag p − p pᵀ)(X v / T)] / (B T)} with {@code v =
 * mask ⊙ g}, {@code g = Xᵀ(p − Y)/(B T)}.
 */
class GraspHessianTest {
  private static final int IN = 12;
  private static final int K = 4;
  private static final int B = 16;

  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @ParameterizedTest(name = "temperature {0}")
  @ValueSource(doubles = {1, 200})
  void hessianGradientMatchesTheClosedForm(double temperature) {
    SplittableRandom rng = new SplittableRandom(11);
    float[] x = new float[B * IN];
    int[] y = new int[B];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble(); // pixels in [0, 1]
    }
    for (int i = 0; i < B; i++) {
      y[i] = rng.nextInt(K);
    }
    Loader loader =
        Loader.builder(Dataset.classification("gauss", x, y, 3, 4, 1, K))
            .batchSize(B)
            .shuffle(false)
            .build();
    Linear layer = new Linear("layer", IN, K, rng, DataType.FLOAT);
    layer.weight().value().muli(3); // sharper softmax, larger curvature
    layer.weight().setMask(Fixtures.randomMask(layer.weight(), 0.25, rng));
    Sequential model = Sequential.of(new Flatten(), layer);
    MaskContext context = MaskContext.builder(model).data(loader).build();
    double[][] before = Fixtures.bits(model);

    Grasp grasp = Scorers.grasp().temperature(temperature);
    ImmutableMap<Param, INDArray> hg = grasp.hessianGradient(context);

    assertThat(Arrays.deepEquals(Fixtures.bits(model), before)).isTrue();
    double[] expected =
        closedForm(
            Fixtures.doubles(layer.weight().value()),
            Fixtures.doubles(layer.weight().mask()),
            x,
            y,
            temperature);
    double[] actual = Fixtures.doubles(hg.get(layer.weight()));
    double scale = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i])).as("entry %s", i).isLessThan(1e-2 * scale);
    }
    // scores: w ⊙ Hg, masked entries 0 by default
    double[] scores = Fixtures.doubles(grasp.scores(context).get(layer.weight()));
    double[] w = Fixtures.doubles(layer.weight().value());
    double[] m = Fixtures.doubles(layer.weight().mask());
    for (int i = 0; i < scores.length; i++) {
      assertThat(scores[i])
          .isCloseTo(
              m[i] * w[i] * expected[i],
              org.assertj.core.data.Offset.offset(1e-2 * scale * Math.abs(w[i]) + 1e-30));
    }
  }

  private static double[] closedForm(double[] w, double[] m, float[] x, int[] y, double t) {
    double[] weff = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      weff[i] = w[i] * m[i];
    }
    double[][] p = new double[B][];
    double[] g = new double[IN * K];
    for (int n = 0; n < B; n++) {
      double[] z = new double[K];
      for (int k = 0; k < K; k++) {
        for (int i = 0; i < IN; i++) {
          z[k] += x[n * IN + i] * weff[i * K + k] / t;
        }
      }
      double max = Arrays.stream(z).max().orElseThrow();
      double sum = 0;
      for (int k = 0; k < K; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      p[n] = new double[K];
      for (int k = 0; k < K; k++) {
        p[n][k] = z[k] / sum;
        double d = p[n][k] - (k == y[n] ? 1 : 0);
        for (int i = 0; i < IN; i++) {
          g[i * K + k] += x[n * IN + i] * d / (B * t);
        }
      }
    }
    double[] v = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      v[i] = g[i] * m[i];
    }
    double[] hv = new double[g.length];
    for (int n = 0; n < B; n++) {
      double[] u = new double[K];
      for (int k = 0; k < K; k++) {
        for (int i = 0; i < IN; i++) {
          u[k] += x[n * IN + i] * v[i * K + k] / t;
        }
      }
      double pu = 0;
      for (int k = 0; k < K; k++) {
        pu += p[n][k] * u[k];
      }
      for (int k = 0; k < K; k++) {
        double s = p[n][k] * (u[k] - pu);
        for (int i = 0; i < IN; i++) {
          hv[i * K + k] += x[n * IN + i] * s / (B * t);
        }
      }
    }
    return hv;
  }
}
