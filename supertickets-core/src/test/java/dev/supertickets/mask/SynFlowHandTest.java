package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Flatten;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SynFlow on the linear chain {@code x [1, 2] -> a (2x3, bias) -> b (3x2, bias)} against a hand
 * computation: with {@code A = |a|, B = |b|}, {@code R = Σ_k (Σ_j (Σ_i A_ij + |a.bias_j|) B_jk +
 * |b.bias_k|)}, so {@code score(A_ij) = A_ij Σ_k B_jk} and {@code score(B_jk) = B_jk (Σ_i A_ij +
 * |a.bias_j|)}.
 */
class SynFlowHandTest {
  private Linear a;
  private Linear b;
  private Sequential model;
  private MaskContext context;

  @BeforeAll
  static void backend() {
    Backend.init();
  }

  private void chain() {
    SplittableRandom rng = new SplittableRandom(1);
    a = new Linear("a", 2, 3, rng, DataType.FLOAT);
    b = new Linear("b", 3, 2, rng, DataType.FLOAT);
    a.weight().value().assign(Fixtures.array(new double[] {1, -2, 0.5, -3, 1, 2}, 2, 3));
    a.bias().value().assign(Fixtures.array(new double[] {-0.5, 1, 0}, 1, 3));
    b.weight().value().assign(Fixtures.array(new double[] {1, -1, 2, 0.5, -0.5, 3}, 3, 2));
    b.bias().value().assign(Fixtures.array(new double[] {-1, 2}, 1, 2));
    model = Sequential.of(new Flatten(), a, b);
    context = MaskContext.builder(model).selector(Selector.weights()).inputShape(1, 1, 2).build();
  }

  @Test
  void singleRoundScoresMatchTheHandComputationAndSignsAreRestored() {
    chain();
    double[][] before = Fixtures.bits(model);
    ImmutableMap<Param, INDArray> scores = Scorers.synflow().scores(context);
    // row sums of B: 2, 2.5, 3.5; column sums of A plus |a.bias|: 4.5, 4, 2.5
    assertThat(Fixtures.doubles(scores.get(a.weight()))).containsExactly(2, 5, 1.75, 6, 2.5, 7);
    assertThat(Fixtures.doubles(scores.get(b.weight()))).containsExactly(4.5, 4.5, 8, 2, 1.25, 7.5);
    assertThat(Arrays.deepEquals(Fixtures.bits(model), before)).isTrue();
    assertThat(Fixtures.doubles(a.weight().value())).containsExactly(1, -2, 0.5, -3, 1, 2);
  }

  @Test
  void twoRoundsPruneAsComputedByHand() {
    chain();
    // round 1 (sparsity 1 - 0.5^(1/2) = 0.29: 3 of 12): 1.25 (b20), 1.75 (a02), 2 (a00 before b11:
    // tensor order)
    ImmutableMap<Param, INDArray> round1 =
        MaskPolicies.synflowSingleShot().masks(context, 1 - Math.sqrt(0.5));
    assertThat(Fixtures.doubles(round1.get(a.weight()))).containsExactly(0, 1, 0, 1, 1, 1);
    assertThat(Fixtures.doubles(round1.get(b.weight()))).containsExactly(1, 1, 1, 1, 0, 1);
    // round 2 on the round-1 network: A' = [[0,2,0],[3,1,2]], B' = [[1,1],[2,.5],[0,3]] scores a:
    // [0, 5, 0, 6, 2.5, 6]; b: [3.5, 3.5, 8, 2, 0, 6]; prune 6: three zeros, 2, 2.5, then b00 (3.5)
    ImmutableMap<Param, INDArray> masks = MaskPolicies.synflow().rounds(2).masks(context, 0.5);
    assertThat(Fixtures.doubles(masks.get(a.weight()))).containsExactly(0, 1, 0, 1, 0, 1);
    assertThat(Fixtures.doubles(masks.get(b.weight()))).containsExactly(0, 1, 1, 0, 0, 1);
    assertThat(a.weight().mask()).as("intermediate masks are taken back").isNull();

    Masks.install(round1);
    assertThat(Fixtures.doubles(Scorers.synflow().scores(context).get(b.weight())))
        .containsExactly(3.5, 3.5, 8, 2, 0, 6);
  }
}
