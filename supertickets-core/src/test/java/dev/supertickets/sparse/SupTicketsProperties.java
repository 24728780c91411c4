package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.NetworkState;
import dev.supertickets.tensor.Backend;
import dev.supertickets.train.LrSchedule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sup-tickets: the superposed, re-pruned average keeps exactly the parameter budget {@code floor(N
 * · D)}; the epoch split and the cyclic learning rate follow B.2 of the related-algorithms spec.
 */
class SupTicketsProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  /**
   * Two random states of the same network (masked weights of random shapes, an unmasked bias, BN
   * statistics), with many tied and zero values when {@code tied}.
   */
  private static NetworkState randomState(long[][] shapes, long seed, boolean tied) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, INDArray> values = new LinkedHashMap<>();
    Map<String, INDArray> masks = new LinkedHashMap<>();
    for (int i = 0; i < shapes.length; i++) {
      int n = (int) (shapes[i][0] * shapes[i][1]);
      float[] v = new float[n];
      float[] m = new float[n];
      for (int j = 0; j < n; j++) {
        v[j] = tied ? rng.nextInt(3) - 1 : (float) rng.nextGaussian();
        m[j] = rng.nextDouble() < 0.3 ? 1f : 0f;
      }
      values.put("w" + i, Nd4j.create(v, shapes[i], 'c'));
      masks.put("w" + i, Nd4j.create(m, shapes[i], 'c'));
    }
    values.put(
        "bias",
        Nd4j.create(new float[] {rng.nextFloat(), rng.nextFloat()}, new long[] {1, 2}, 'c'));
    return new NetworkState(
        ImmutableMap.copyOf(values),
        ImmutableMap.copyOf(masks),
        ImmutableMap.of(
            "bn.running_mean", Nd4j.create(new float[] {rng.nextFloat()}, new long[] {1}, 'c')));
  }

  @Property(tries = 150)
  void theSuperposedRePrunedAverageKeepsExactlyTheBudget(
      @ForAll @IntRange(min = 1, max = 4) int tensors,
      @ForAll @LongRange(min = 0, max = 10_000) long seed,
      @ForAll boolean tied,
      @ForAll @IntRange(min = 1, max = 999) int sparsityPermille,
      @ForAll @IntRange(min = 1, max = 5) int k,
      @ForAll SupTickets.Superposition how) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[][] shapes = new long[tensors][];
    long prunable = 0;
    for (int i = 0; i < tensors; i++) {
      shapes[i] = new long[] {1 + rng.nextInt(12), 1 + rng.nextInt(12)};
      prunable += shapes[i][0] * shapes[i][1];
    }
    NetworkState prev = randomState(shapes, seed, tied);
    NetworkState next = randomState(shapes, seed + 1, tied);
    double w = SupTickets.builder().superposition(how).cimaFactor(0.25).build().newTicketWeight(k);
    double sparsity = sparsityPermille / 1000.0;

    long budget = SupTicketsPhase.budget(sparsity, prunable);
    NetworkState out = SupTicketsPhase.reprune(SupTicketsPhase.superpose(prev, next, w), budget);

    // floor(N · D) in exact integer arithmetic
    assertThat(budget).isEqualTo(prunable * (1000 - sparsityPermille) / 1000);
    assertThat(w).isEqualTo(how == SupTickets.Superposition.CAA ? 1.0 / (k + 1) : 0.25);
    long active = 0;
    double minKept = Double.POSITIVE_INFINITY;
    double maxPruned = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < tensors; i++) {
      float[] m = DropAndGrow.floats(out.masks().get("w" + i));
      float[] v = DropAndGrow.floats(out.values().get("w" + i));
      float[] average =
          DropAndGrow.floats(
              prev.values()
                  .get("w" + i)
                  .mul(prev.masks().get("w" + i))
                  .muli(1 - w)
                  .addi(next.values().get("w" + i).mul(next.masks().get("w" + i)).muli(w)));
      for (int j = 0; j < m.length; j++) {
        if (m[j] == 1f) {
          active++;
          assertThat(v[j]).isEqualTo(average[j]);
          minKept = Math.min(minKept, Math.abs(average[j]));
        } else {
          assertThat(m[j]).isZero();
          assertThat(v[j]).as("pruned weights are zeroed").isEqualTo(0f);
          maxPruned = Math.max(maxPruned, Math.abs(average[j]));
        }
      }
    }
    assertThat(active).as("active weights of the re-pruned average").isEqualTo(budget);
    assertThat(maxPruned).as("a pruned weight outranks a kept one").isLessThanOrEqualTo(minKept);
    float[] bias = DropAndGrow.floats(out.values().get("bias"));
    float[] p0 = DropAndGrow.floats(prev.values().get("bias"));
    float[] n0 = DropAndGrow.floats(next.values().get("bias"));
    for (int j = 0; j < bias.length; j++) {
      assertThat((double) bias[j]).isCloseTo((1 - w) * p0[j] + w * n0[j], within(1e-6));
    }
    assertThat(out.stats().get("bn.running_mean").getDouble(0))
        .isCloseTo(
            (1 - w) * prev.stats().get("bn.running_mean").getDouble(0)
                + w * next.stats().get("bn.running_mean").getDouble(0),
            within(1e-6));
  }

  @Property(tries = 300)
  void theEpochSplitIsB2s(
      @ForAll @IntRange(min = 1, max = 500) int epochs,
      @ForAll @IntRange(min = 1, max = 99) int ratePercent,
      @ForAll @IntRange(min = 1, max = 20) int cycle) {
    SupTickets s = SupTickets.builder().cycleRate(ratePercent / 100.0).cycleEpochs(cycle).build();
    long cyclic =
        (long) epochs
            * ratePercent
            / 100
            / cycle
            * cycle; // E·ρ floored to a multiple of c, exactly
    if (cyclic == 0) {
      assertThatThrownBy(() -> s.split(epochs))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least one whole cycle")
          .hasMessageContaining(epochs + " epochs")
          .hasMessageContaining("cycle length of " + cycle);
      return;
    }
    SupTickets.Split split = s.split(epochs);
    assertThat(split.cyclicEpochs()).isEqualTo(cyclic);
    assertThat(split.preEpochs()).isEqualTo(epochs - cyclic);
    assertThat(split.tickets()).isEqualTo(cyclic / cycle);
  }

  @Example
  void theReadmeExampleSplits250EpochsInto226Plus24AndThreeTickets() {
    SupTickets.Split split = SupTickets.builder().cycleRate(0.1).cycleEpochs(8).build().split(250);
    assertThat(split).isEqualTo(new SupTickets.Split(226, 24, 3));
    assertThatThrownBy(() -> SupTickets.builder().cycleRate(0.1).cycleEpochs(8).build().split(70))
        .hasMessage(
            "sup-tickets needs at least one whole cycle, but 70 epochs × cycle rate 0.1 = 7.0"
                + " epochs is less than the cycle length of 8 epochs; train at least 80 epochs,"
                + " raise the cycle rate to at least 0.11428571428571428 or shorten the cycles");
  }

  @Property(tries = 100)
  void theCyclicRateIsTriangularAndLinear(
      @ForAll @DoubleRange(min = 1e-5, max = 1) @Scale(6) double a1,
      @ForAll @DoubleRange(min = 1e-5, max = 1) @Scale(6) double a2,
      @ForAll @IntRange(min = 1, max = 5) int cycle,
      @ForAll @IntRange(min = 1, max = 40) int batches,
      @ForAll @IntRange(min = 1, max = 1000) int pre) {
    SupTickets s = SupTickets.builder().lr1(a1).lr2(a2).cycleEpochs(cycle).build();
    assertThat(s.cyclicLr(0)).isCloseTo(a1, within(1e-12));
    assertThat(s.cyclicLr(0.25)).isCloseTo((a1 + a2) / 2, within(1e-12));
    assertThat(s.cyclicLr(0.5)).isCloseTo(a2, within(1e-12));
    assertThat(s.cyclicLr(1)).isCloseTo(a1, within(1e-12));

    LrSchedule schedule = s.schedule(step -> 7.0, pre, batches);
    long c = (long) cycle * batches;
    assertThat(schedule.lr(pre - 1)).as("first phase").isEqualTo(7.0);
    for (long e = 0; e < 3L * cycle; e++) { // B.2's per-iteration formula over three cycles
      for (long i = 0; i < batches; i++) {
        double t = ((e % cycle) + (double) i / batches) / cycle;
        double expected =
            t < 0.5 ? a1 * (1 - 2 * t) + 2 * t * a2 : a1 * (2 * t - 1) + a2 * (2 - 2 * t);
        assertThat(schedule.lr(pre + e * batches + i)).isCloseTo(expected, within(1e-12));
      }
    }
    assertThat(schedule.lr(pre + c)).as("the next cycle starts at a1").isCloseTo(a1, within(1e-12));
    if (c % 2 == 0) {
      assertThat(schedule.lr(pre + c / 2)).as("mid-cycle").isCloseTo(a2, within(1e-12));
    }
  }
}
