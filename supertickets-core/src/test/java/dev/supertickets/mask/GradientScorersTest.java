package dev.supertickets.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.tensor.Backend;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SNIP, GraSP and SynFlow on the small CNN with two embedded Fashion-MNIST batches: exact sparsity,
 * and the model (values and signs, masks, gradients, BN statistics) restored bit for bit.
 */
class GradientScorersTest {
  private static Loader loader;

  @BeforeAll
  static void data() {
    Backend.init();
    loader = Fixtures.embedded(32, 16);
  }

  private static Sequential disturbedCnn() {
    Sequential model = Networks.smallCnn(1, 4, 28, 10, new SplittableRandom(5));
    Fixtures.disturb(model, 6);
    return model;
  }

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("snip", MaskPolicies.snip()),
        Arguments.of(
            "snip, 2 batches, batch statistics",
            ScoredPolicy.of(Scorers.snip().batches(2).bnStatistics(BnStatistics.BATCH))),
        Arguments.of("grasp, 2 batches", ScoredPolicy.of(Scorers.grasp().batches(2))),
        Arguments.of(
            "grasp, batch statistics, masked scored",
            ScoredPolicy.of(Scorers.grasp().bnStatistics(BnStatistics.BATCH).includeMasked(true))),
        Arguments.of("synflow single shot", MaskPolicies.synflowSingleShot()),
        Arguments.of("synflow, 100 rounds", MaskPolicies.synflow()),
        Arguments.of(
            "synflow per layer, batch statistics, 5 rounds",
            ScoredPolicy.of(Scorers.synflow().bnStatistics(BnStatistics.BATCH))
                .rounds(5)
                .scope(Scope.PER_LAYER)),
        Arguments.of("snip erk", MaskPolicies.snip().scope(Scope.ERK)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void prunesExactlyAndRestoresTheModelBitForBit(String name, MaskPolicy policy) {
    Sequential model = disturbedCnn();
    MaskContext context = MaskContext.builder(model).data(loader).build();
    double[][] before = Fixtures.bits(model);

    ImmutableMap<Param, INDArray> masks = policy.masks(context, 0.8);

    assertThat(Arrays.deepEquals(Fixtures.bits(model), before))
        .as("model restored bit for bit")
        .isTrue();
    assertThat(masks.keySet()).containsExactlyElementsOf(context.params());
    if (policy instanceof ScoredPolicy sp && sp.scope() == Scope.PER_LAYER) {
      for (Param p : context.params()) {
        assertThat(Masks.prunedCount(masks.get(p))).isEqualTo(Ranking.pruneCount(0.8, p.size()));
      }
    } else {
      assertThat(Masks.prunedCountOf(masks))
          .isEqualTo(Ranking.pruneCount(0.8, context.prunableCount()));
    }
    assertThat(MaskSet.of(policy.masks(context, 0.8)))
        .as("deterministic")
        .isEqualTo(MaskSet.of(masks));
  }

  @Test
  void snipScoresMaskedWeightsByTheirWouldBeGradientWhileGraspAndSynflowZeroThem() {
    Sequential model = disturbedCnn();
    MaskContext context = MaskContext.builder(model).data(loader).build();
    Param conv2 = context.params().get(1);
    double[] mask = Fixtures.doubles(conv2.mask());
    double[] snip = Fixtures.doubles(Scorers.snip().scores(context).get(conv2));
    double[] grasp = Fixtures.doubles(Scorers.grasp().scores(context).get(conv2));
    double[] synflow = Fixtures.doubles(Scorers.synflow().scores(context).get(conv2));
    long maskedWithSnipScore = 0;
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] == 0) {
        maskedWithSnipScore += snip[i] > 0 ? 1 : 0;
        assertThat(grasp[i]).isZero();
        assertThat(synflow[i]).isZero();
      }
    }
    assertThat(maskedWithSnipScore).isGreaterThan(0);
    assertThat(Arrays.stream(synflow).filter(v -> v > 0).count()).isGreaterThan(mask.length / 2);
  }

  @Test
  void gradientsOfTheLossMatchATrainingStepOnActiveWeights() {
    // with batch statistics, the active entries of dL/dW_eff are exactly the masked gradients of a
    // training pass
    Sequential model = disturbedCnn();
    MaskContext context = MaskContext.builder(model).data(loader).build();
    ImmutableMap<Param, INDArray> grads = Gradients.ofLoss(context, 1, BnStatistics.BATCH);
    model.params().forEach(Param::zeroGrad);
    var batch = context.batches().next();
    model.backward(
        context.loss().compute(model.forward(batch.x(), Mode.TRAIN), batch.y()).gradLogits());
    model.clearCache();
    for (Param p : context.params()) {
      double[] expected = Arrays.stream(Fixtures.doubles(p.grad())).map(v -> v + 0.0).toArray();
      double[] actual =
          Arrays.stream(Fixtures.doubles(grads.get(p).mul(p.mask()))).map(v -> v + 0.0).toArray();
      assertThat(actual)
          .as(p.name())
          .containsExactly(expected); // zeros of either sign count as equal
    }
  }

  @Test
  void scorersThatNeedDataOrAShapeSayHowToGiveIt() {
    Sequential model = disturbedCnn();
    MaskContext noData = MaskContext.of(model);
    assertThatThrownBy(() -> MaskPolicies.snip().masks(noData, 0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MaskContext.Builder.data(loader)");
    assertThatThrownBy(() -> MaskPolicies.synflowSingleShot().masks(noData, 0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inputShape(height, width, channels)");
    MaskContext shaped = MaskContext.builder(model).inputShape(28, 28, 1).build();
    assertThat(Masks.sparsityOf(MaskPolicies.synflowSingleShot().masks(shaped, 0.5)))
        .isEqualTo(
            (double) Ranking.pruneCount(0.5, shaped.prunableCount()) / shaped.prunableCount());
  }

  /** A container the scorers do not know, holding a batch norm. */
  private record Opaque(Sequential inner) implements Module {
    @Override
    public INDArray forward(INDArray x, Mode mode) {
      return inner.forward(x, mode);
    }

    @Override
    public INDArray backward(INDArray gradOut) {
      return inner.backward(gradOut);
    }

    @Override
    public List<Module> children() {
      return List.of(inner);
    }
  }

  @Test
  void userContainersScoreInBothModesAndLeaveTheModelUnchanged() {
    Sequential inner = Networks.smallCnn(1, 4, 28, 10, new SplittableRandom(3));
    Module model = new Opaque(inner);
    MaskContext context = MaskContext.builder(model).data(loader).build();
    double[][] before = Fixtures.bits(model);
    ImmutableMap<Param, INDArray> viaContainer = MaskPolicies.snip().masks(context, 0.5);
    assertThat(Arrays.deepEquals(Fixtures.bits(model), before)).isTrue();
    ImmutableMap<Param, INDArray> direct =
        MaskPolicies.snip().masks(MaskContext.builder(inner).data(loader).build(), 0.5);
    for (Param p : direct.keySet()) {
      assertThat(Fixtures.doubles(viaContainer.get(p)))
          .as(p.name())
          .containsExactly(Fixtures.doubles(direct.get(p)));
    }
    ImmutableMap<Param, INDArray> masks =
        ScoredPolicy.of(Scorers.snip().bnStatistics(BnStatistics.BATCH)).masks(context, 0.5);
    assertThat(Masks.prunedCountOf(masks))
        .isEqualTo(Ranking.pruneCount(0.5, context.prunableCount()));
    assertThat(Arrays.deepEquals(Fixtures.bits(model), before))
        .as("running statistics restored")
        .isTrue();
  }
}
