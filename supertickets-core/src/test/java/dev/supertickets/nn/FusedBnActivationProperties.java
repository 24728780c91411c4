package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch norm followed by an activation, run by {@link Modules#forwardChain}/{@link
 * Modules#backwardChain} as one fused pass, gives exactly what the two layers give one after the
 * other: outputs, running statistics, input and parameter gradients, in every mode, for ReLU and
 * ReLU6 (inputs scaled so that both clips are hit).
 */
class FusedBnActivationProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 40)
  void fusedEqualsSeparate(
      @ForAll @IntRange(min = 1, max = 40) int channels,
      @ForAll @IntRange(min = 2, max = 2500) int rows,
      @ForAll boolean relu6,
      @ForAll Mode mode,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, 1, 1, channels).muli(3).addi(1.5);
    INDArray gOut = Tensors.gaussian(rng, 1, DataType.FLOAT, rows, 1, 1, channels);
    INDArray gamma = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, channels).muli(5);
    INDArray beta = Tensors.gaussian(rng, 1, DataType.FLOAT, 1, channels).muli(2);
    BatchNorm[] bns = new BatchNorm[2];
    List<List<Module>> chains = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      bns[i] = new BatchNorm("bn" + i, channels, 0.1, 1e-3, DataType.FLOAT);
      bns[i].gamma().value().assign(gamma);
      bns[i].beta().value().assign(beta);
      bns[i]
          .runningMean()
          .assign(Tensors.gaussian(new SplittableRandom(seed + 1), 1, DataType.FLOAT, 1, channels));
      chains.add(List.of(bns[i], relu6 ? Activation.relu6() : Activation.relu()));
    }
    INDArray fused = Modules.forwardChain(chains.get(0), x, mode);
    INDArray separate = x;
    for (Module m : chains.get(1)) {
      separate = m.forward(separate, mode);
    }
    assertThat(fused).as("output").isEqualTo(separate);
    assertThat(bns[0].runningMean()).as("running mean").isEqualTo(bns[1].runningMean());
    assertThat(bns[0].runningVar()).as("running variance").isEqualTo(bns[1].runningVar());
    if (mode.cachesForBackward()) {
      INDArray dFused = Modules.backwardChain(chains.get(0), gOut);
      INDArray dSeparate = chains.get(1).get(0).backward(chains.get(1).get(1).backward(gOut));
      assertThat(dFused).as("input gradient").isEqualTo(dSeparate);
      assertThat(bns[0].gamma().grad()).as("scale gradient").isEqualTo(bns[1].gamma().grad());
      assertThat(bns[0].beta().grad()).as("shift gradient").isEqualTo(bns[1].beta().grad());
    }
  }
}
