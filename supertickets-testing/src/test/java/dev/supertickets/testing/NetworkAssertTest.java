package dev.supertickets.testing;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pruned-weights probe accepts the library's layers and catches layers of one's own that forget
 * the mask in the forward pass or in the gradient.
 */
class NetworkAssertTest {
  private static final INDArray INPUT = input();

  @BeforeAll
  static void backend() {
    Backend.init();
  }

  private static INDArray input() {
    Backend.init();
    return Tensors.gaussian(new SplittableRandom(5), 1, DataType.FLOAT, 3, 6);
  }

  /**
   * A linear layer written by a user; {@code maskForward} and {@code maskGradient} choose what it
   * gets right.
   */
  private static final class UserLinear implements Module {
    private final Param weight;
    private final boolean maskForward;
    private final boolean maskGradient;
    private INDArray input;

    /** {@code in -> out} with every third weight (flat indices 0, 3, 6, ...) pruned. */
    UserLinear(String name, int in, int out, boolean maskForward, boolean maskGradient) {
      this.weight =
          new Param(
              name + ".weight",
              Param.Kind.LINEAR_WEIGHT,
              Tensors.gaussian(new SplittableRandom(6), 0.5, DataType.FLOAT, in, out));
      this.maskForward = maskForward;
      this.maskGradient = maskGradient;
      float[] m = new float[in * out];
      for (int i = 0; i < m.length; i++) {
        m[i] = i % 3 == 0 ? 0 : 1;
      }
      weight.setMask(Nd4j.create(m, new long[] {in, out}, 'c'));
    }

    @Override
    public List<Param> ownParams() {
      return ImmutableList.of(weight);
    }

    @Override
    public INDArray forward(INDArray x, Mode mode) {
      input = x;
      return Tensors.matmul(x, maskForward ? weight.effective() : weight.value(), false, false);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
      INDArray g = Tensors.matmul(input, gradOut, true, false);
      if (maskGradient) {
        weight.accumulateGrad(g);
      } else {
        weight.grad().addi(g);
      }
      return Tensors.matmul(gradOut, weight.effective(), false, true);
    }
  }

  @Test
  void layersThatApplyTheMaskPass() {
    assertThat(new UserLinear("good", 6, 4, true, true))
        .hasInactivePrunedWeights(INPUT)
        .masks()
        .isBinary()
        .hasPrunedCount(8);
    Linear library = new Linear("fc", 6, 4, new SplittableRandom(1), DataType.FLOAT);
    library.weight().setMask(new UserLinear("m", 6, 4, true, true).weight.mask());
    assertThat(library).hasInactivePrunedWeights(INPUT);
  }

  @Test
  void aLayerThatMultipliesByTheRawWeightFailsNamingIt() {
    Module net =
        Sequential.of(
            new UserLinear("good", 6, 4, true, true), new UserLinear("leaky", 4, 3, false, false));
    assertThatThrownBy(() -> assertThat(net).hasInactivePrunedWeights(INPUT))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "expected pruned weights to be inactive (no effect on the output, no gradient) for 12"
                + " pruned weights in 2 masked tensors but perturbing the stored values of pruned"
                + " weights changed the eval-mode output by up to ")
        .hasMessageContaining("leaking through leaky.weight (output changed by up to ")
        .hasMessageContaining(
            "; and after one backward pass a gradient reached the pruned weights of leaky.weight "
                + "(|gradient| up to ")
        .hasMessageNotContaining("good.weight");
  }

  @Test
  void aLayerThatForgetsTheMaskInItsGradientFails() {
    assertThatThrownBy(
            () ->
                assertThat(new UserLinear("sloppy", 6, 4, true, false))
                    .hasInactivePrunedWeights(INPUT))
        .isInstanceOf(AssertionError.class)
        .hasMessageMatching(
            "expected pruned weights to be inactive \\(no effect on the output, no gradient\\) for"
                + " 8 pruned weights in 1 masked tensors but after one backward pass a gradient"
                + " reached the pruned weights of sloppy\\.weight \\(\\|gradient\\| up to"
                + " [0-9.]+\\)");
  }

  @Test
  void theProbeLeavesTheNetworkAsItFoundIt() {
    Supernet net = Tickets.half().network();
    List<INDArray> before = snapshot(net);
    INDArray x = Tensors.gaussian(new SplittableRandom(3), 1, DataType.FLOAT, 2, 28, 28, 1);
    assertThat(net).hasInactivePrunedWeights(x);
    List<INDArray> after = snapshot(net);
    for (int i = 0; i < before.size(); i++) {
      Assertions.assertThat(after.get(i)).as("array %s", i).isEqualTo(before.get(i));
    }
    assertThatThrownBy(
            () ->
                assertThat(net)
                    .hasInactivePrunedWeights(
                        x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 samples");
  }

  private static List<INDArray> snapshot(Module net) {
    ImmutableList.Builder<INDArray> out = ImmutableList.builder();
    for (Param p : net.params()) {
      out.add(p.value().dup(), p.grad().dup());
    }
    for (BatchNorm bn : Modules.ofType(net, BatchNorm.class)) {
      out.add(bn.runningMean().dup(), bn.runningVar().dup());
    }
    return out.build();
  }
}
