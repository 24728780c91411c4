package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.nn.Activation;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Conv2d;
import dev.supertickets.nn.Dropout;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Residual;
import dev.supertickets.nn.Sequential;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The eval-mode pass (running BN statistics, no dropout) matches finite differences of Mode.EVAL
 * outputs.
 */
@Tag("slow")
class FrozenModeTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @Test
  void evalModeGradientsMatchFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(4);
    DataType d = DataType.DOUBLE;
    Sequential model =
        Sequential.of(
            Conv2d.builder("c1", 2, 3, 3).init(rng).dataType(d).build(),
            new BatchNorm("bn1", 3, 0.1, 1e-3, d),
            Activation.relu(),
            Residual.identity(
                Sequential.of(
                    Conv2d.builder("c2", 3, 3, 1).init(rng).dataType(d).build(),
                    new BatchNorm("bn2", 3, 0.1, 1e-3, d))),
            new Dropout(0.5, new SplittableRandom(1)),
            new Flatten(),
            new Linear("fc", 4 * 4 * 3, 2, rng, d));
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      bn.setRunningStats(
          Tensors.gaussian(rng, 0.3, d, 1, 3), Tensors.uniform(rng, 0.5, 2, d, 1, 3));
      bn.gamma().value().assign(Tensors.uniform(rng, 0.5, 1.5, d, 1, 3));
      bn.beta().value().assign(Tensors.gaussian(rng, 0.2, d, 1, 3));
    }
    INDArray x = Tensors.gaussian(rng, 1, d, 2, 4, 4, 2);
    INDArray weights = Tensors.gaussian(rng, 1, d, 2, 2);
    double[][] before = Fixtures.bits(model);

    model.params().forEach(Param::zeroGrad);
    INDArray y = model.forward(x, BnStatistics.RUNNING.mode());
    assertThat(Fixtures.doubles(y))
        .containsExactly(
            Fixtures.doubles(model.forward(x, Mode.EVAL)),
            org.assertj.core.data.Offset.offset(1e-12));
    model.backward(weights);
    model.clearCache();

    assertThat(checkAgainstEvalDifferences(model, model.params(), x, weights, 7, 1e-6))
        .isPositive();
    model.params().forEach(Param::zeroGrad);
    double[][] after = Fixtures.bits(model);
    for (int i = 0; i < before.length; i++) { // gradients were zero before and are zero again
      assertThat(after[i]).as("array %s", i).containsExactly(before[i]);
    }
    assertThat(Arrays.deepEquals(after, before)).isTrue();
  }

  @Test
  void frozenModeDifferentiatesTheWholeSupernetAsItPredicts() {
    SplittableRandom rng = new SplittableRandom(9);
    DataType d = DataType.DOUBLE;
    HrSupernet net = new HrSupernet(SearchSpaces.tiny28(), rng, d);
    for (BatchNorm bn : Modules.ofType(net, BatchNorm.class)) {
      int c = bn.channels();
      bn.setRunningStats(
          Tensors.gaussian(rng, 0.3, d, 1, c), Tensors.uniform(rng, 0.5, 2, d, 1, c));
      bn.beta().value().assign(Tensors.gaussian(rng, 0.2, d, 1, c));
    }
    INDArray x = Tensors.gaussian(rng, 1, d, 2, 28, 28, 1);
    INDArray weights = Tensors.gaussian(rng, 1, d, 2, 10);
    INDArray eval = net.forward(x, Mode.EVAL);
    double[] runningBefore =
        Fixtures.doubles(Modules.ofType(net, BatchNorm.class).get(0).runningMean());

    net.params().forEach(Param::zeroGrad);
    assertThat(Fixtures.doubles(net.forward(x, BnStatistics.RUNNING.mode())))
        .containsExactly(Fixtures.doubles(eval), org.assertj.core.data.Offset.offset(1e-12));
    net.backward(weights);
    net.clearCache();
    assertThat(Fixtures.doubles(Modules.ofType(net, BatchNorm.class).get(0).runningMean()))
        .containsExactly(runningBefore);

    List<Param> some =
        net.params().stream()
            .filter(
                p ->
                    p.name().contains(".k5.")
                        || p.name().startsWith("stem")
                        || p.name().contains("classifier"))
            .toList();
    assertThat(checkAgainstEvalDifferences(net, some, x, weights, 3, 1e-5)).isGreaterThan(30);
  }

  /**
   * Compares every {@code every}-th entry of each parameter's gradient with central differences of
   * {@code sum(weights * model(x, EVAL))}; returns how many entries it checked.
   */
  private static int checkAgainstEvalDifferences(
      dev.supertickets.nn.Module model,
      List<Param> params,
      INDArray x,
      INDArray weights,
      int every,
      double tol) {
    double h = 1e-6;
    int checked = 0;
    for (Param p : params) {
      INDArray v = p.value().reshape(p.size());
      double[] analytic = Fixtures.doubles(p.grad());
      for (int i = 0; i < p.size(); i += Math.max(1, (int) p.size() / every)) {
        double orig = v.getDouble(i);
        v.putScalar(i, orig + h);
        double up = model.forward(x, Mode.EVAL).mul(weights).sumNumber().doubleValue();
        v.putScalar(i, orig - h);
        double down = model.forward(x, Mode.EVAL).mul(weights).sumNumber().doubleValue();
        v.putScalar(i, orig);
        double numeric = (up - down) / (2 * h);
        assertThat(analytic[i])
            .as("%s[%s]", p.name(), i)
            .isCloseTo(numeric, org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(numeric))));
        checked++;
      }
    }
    return checked;
  }
}
