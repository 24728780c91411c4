package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Batch;
import dev.supertickets.data.BatchIterator;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Scope;
import dev.supertickets.mask.Selector;
import dev.supertickets.nn.Linear;
import dev.supertickets.nn.Networks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Sequential;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.tensor.Backend;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SET and RigL mask updates: the active count of every tensor never changes, grown weights (and
 * their optimizer moments and EMA shadows) start at zero, the dropped weights are the smallest
 * active ones, and the drop fraction follows RigL's cosine.
 */
class DstProperties {
  private static Dataset data;

  @BeforeContainer
  static void backend() {
    Backend.init();
    data = EmbeddedFashionMnist.train().subset(0, 256);
  }

  /** A random tensor with a random mask, drop count, noise and grow scores. */
  record Case(float[] weights, boolean[] mask, long nDrop, double[] noise, double[] grow) {}

  @Provide
  Arbitrary<Case> cases() {
    return Arbitraries.integers()
        .between(1, 200)
        .flatMap(
            n ->
                Arbitraries.longs()
                    .map(
                        seed -> {
                          SplittableRandom rng = new SplittableRandom(seed);
                          float[] w = new float[n];
                          boolean[] m = new boolean[n];
                          double[] noise = new double[n];
                          double[] grow = new double[n];
                          boolean ties = rng.nextBoolean();
                          for (int i = 0; i < n; i++) {
                            w[i] = ties ? rng.nextInt(3) - 1 : (float) rng.nextGaussian();
                            m[i] = rng.nextDouble() < 0.4;
                            noise[i] =
                                rng.nextBoolean()
                                    ? 0
                                    : DstUpdates.DROP_NOISE_STD * rng.nextGaussian();
                            grow[i] = ties ? rng.nextInt(3) : rng.nextDouble();
                          }
                          long active = DropAndGrow.count(m);
                          return new Case(
                              w, m, active == 0 ? 0 : rng.nextLong(active + 1), noise, grow);
                        }));
  }

  @Property(tries = 200)
  void anUpdateKeepsTheActiveCountDropsTheSmallestAndGrowsTheHighestScores(
      @ForAll("cases") Case c) {
    boolean[] next = DropAndGrow.newMask(c.weights(), c.mask(), c.nDrop(), c.noise(), c.grow());

    assertThat(DropAndGrow.count(next)).isEqualTo(DropAndGrow.count(c.mask()));
    double maxDropped = Double.NEGATIVE_INFINITY;
    double minKept = Double.POSITIVE_INFINITY;
    long dropped = 0;
    long grown = 0;
    double minGrown = Double.POSITIVE_INFINITY;
    double maxLeft = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < next.length; i++) {
      boolean drop = c.mask()[i] && isDropped(c, i);
      if (c.mask()[i] && !drop) {
        assertThat(next[i]).as("kept active %s", i).isTrue();
        minKept = Math.min(minKept, Math.abs(c.weights()[i]) + c.noise()[i]);
        continue;
      }
      if (drop) {
        dropped++;
        maxDropped = Math.max(maxDropped, Math.abs(c.weights()[i]) + c.noise()[i]);
      }
      // a candidate for growth: inactive, or just dropped
      if (next[i]) {
        grown++;
        minGrown = Math.min(minGrown, c.grow()[i]);
      } else {
        maxLeft = Math.max(maxLeft, c.grow()[i]);
      }
    }
    assertThat(dropped).isEqualTo(c.nDrop());
    assertThat(maxDropped).as("a dropped weight outranks a kept one").isLessThanOrEqualTo(minKept);
    assertThat(grown).isEqualTo(c.nDrop());
    assertThat(maxLeft)
        .as("a candidate left out outranks a grown one")
        .isLessThanOrEqualTo(minGrown);
  }

  /**
   * Whether active entry {@code i} is among the {@code nDrop} lowest drop scores, recomputed
   * independently of the implementation by rank (of equal scores, the higher index goes first).
   */
  private static boolean isDropped(Case c, int i) {
    double si = Math.abs(c.weights()[i]) + c.noise()[i];
    long below = 0;
    for (int j = 0; j < c.mask().length; j++) {
      if (c.mask()[j] && j != i) {
        double sj = Math.abs(c.weights()[j]) + c.noise()[j];
        if (sj < si || (sj == si && j > i)) {
          below++;
        }
      }
    }
    return below < c.nDrop();
  }

  @Property(tries = 50)
  void installZeroesNewConnectionsTheirMomentsAndShadowsAndKeepsTheRest(
      @ForAll @LongRange(min = 0, max = 1000) long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Linear fc = new Linear("fc", 6, 5, rng, DataType.FLOAT);
    Param p = fc.weight();
    p.setMask(randomMask(rng, 30, 0.5, p.value().shape()));
    Trainer trainer = Trainer.builder(Sequential.of(fc)).optimizer(new AdamW()).ema(0.9).build();
    // moments and shadows that are not zero anywhere
    trainer
        .optimizer()
        .setState(
            p,
            List.of(
                Nd4j.rand(DataType.FLOAT, 6, 5).addi(1), Nd4j.rand(DataType.FLOAT, 6, 5).addi(1)));
    trainer.ema().setShadow(p, Nd4j.rand(DataType.FLOAT, 6, 5).addi(1));
    boolean[] before = DropAndGrow.mask(p);
    float[] value = DropAndGrow.floats(p.value());
    float[][] slots = {
      DropAndGrow.floats(trainer.optimizer().state(p).get(0)),
      DropAndGrow.floats(trainer.optimizer().state(p).get(1))
    };
    float[] shadow = DropAndGrow.floats(trainer.ema().shadow(p));
    boolean[] next = new boolean[30];
    for (int i = 0; i < 30; i++) {
      next[i] = rng.nextBoolean();
    }

    int grown = DropAndGrow.install(p, next, trainer.optimizer(), trainer.ema());

    assertThat(DropAndGrow.mask(p)).isEqualTo(next);
    float[] v = DropAndGrow.floats(p.value());
    float[] m0 = DropAndGrow.floats(trainer.optimizer().state(p).get(0));
    float[] m1 = DropAndGrow.floats(trainer.optimizer().state(p).get(1));
    float[] s = DropAndGrow.floats(trainer.ema().shadow(p));
    int fresh = 0;
    for (int i = 0; i < 30; i++) {
      if (next[i] && !before[i]) {
        fresh++;
        assertThat(new float[] {v[i], m0[i], m1[i], s[i]})
            .as("new connection %s", i)
            .containsOnly(0f);
      } else {
        assertThat(new float[] {v[i], m0[i], m1[i], s[i]})
            .as("entry %s", i)
            .containsExactly(value[i], slots[0][i], slots[1][i], shadow[i]);
      }
    }
    assertThat(grown).isEqualTo(fresh);
  }

  /**
   * A short training run of a small CNN with the update hook: after every step, every masked tensor
   * has its initial number of active weights; right after each update, the new connections are zero
   * with zero moments and EMA shadows, and a tensor gains at most {@code floor(f(t) · n_active)} of
   * them.
   */
  @Property(tries = 4)
  void aShortRunKeepsEveryTensorsActiveCountAndGrowsFromZero(
      @ForAll DstDrawer.Growth growth,
      @ForAll boolean erk,
      @ForAll @LongRange(min = 0, max = 1000) long seed) {
    Sequential net = Networks.smallCnn(1, 4, 28, 10, new SplittableRandom(seed));
    MaskContext ctx = MaskContext.builder(net).selector(Selector.prunableWeights()).build();
    Masks.install(
        MaskPolicies.random(seed).scope(erk ? Scope.ERK : Scope.PER_LAYER).masks(ctx, 0.8));
    List<Param> params = ctx.params();
    Map<Param, Long> counts = new HashMap<>();
    Map<Param, boolean[]> last = new HashMap<>();
    for (Param p : params) {
      counts.put(p, p.activeCount());
      last.put(p, DropAndGrow.mask(p));
    }
    Loader loader =
        Loader.builder(data)
            .batchSize(32)
            .shuffle(true)
            .seed(seed)
            .normalization(Normalization.of(data))
            .build();
    int interval = 3;
    long end = 20;
    double alpha = 0.5;
    DstUpdates updates =
        new DstUpdates(
            growth,
            alpha,
            interval,
            end,
            seed,
            loader,
            new SoftmaxCrossEntropy(),
            0.5,
            dev.supertickets.draw.DrawListeners.of(java.util.List.of()));
    long[] grownTotal = {0};
    List<Long> updateSteps = new ArrayList<>();
    StepHook check =
        (trainer, epoch) -> {
          long t = trainer.globalStep();
          double f =
              DstUpdates.isUpdateStep(t, interval, end)
                  ? DstUpdates.dropFraction(alpha, t, end)
                  : 0;
          boolean changed = false;
          for (Param p : params) {
            assertThat(p.activeCount())
                .as("active weights of %s after step %s", p.name(), t)
                .isEqualTo(counts.get(p));
            boolean[] now = DropAndGrow.mask(p);
            boolean[] before = last.get(p);
            float[] v = DropAndGrow.floats(p.value());
            float[] m0 = DropAndGrow.floats(trainer.optimizer().state(p).get(0));
            float[] m1 = DropAndGrow.floats(trainer.optimizer().state(p).get(1));
            float[] s = DropAndGrow.floats(trainer.ema().shadow(p));
            long grown = 0;
            for (int i = 0; i < now.length; i++) {
              if (now[i] && !before[i]) {
                grown++;
                assertThat(new float[] {v[i], m0[i], m1[i], s[i]})
                    .as("grown %s[%s] at step %s", p.name(), i, t)
                    .containsOnly(0f);
              }
            }
            assertThat(grown)
                .as("grown in %s at step %s", p.name(), t)
                .isLessThanOrEqualTo((long) Math.floor(f * counts.get(p)));
            grownTotal[0] += grown;
            changed |= grown > 0;
            last.put(p, now);
          }
          if (changed) {
            updateSteps.add(t);
          }
        };
    Trainer trainer =
        Trainer.builder(net)
            .optimizer(new AdamW(0.9, 0.999, 1e-3, 0))
            .schedule(LrSchedule.constant(0.01))
            .ema(0.9)
            .stepHook(updates)
            .stepHook(check)
            .build();
    for (int epoch = 0; trainer.globalStep() < 24; epoch++) {
      BatchIterator it = loader.epoch(epoch);
      while (it.hasNext() && trainer.globalStep() < 24) {
        Batch b = it.next();
        trainer.step(b, epoch);
      }
    }

    assertThat(updates.updates()).isEqualTo(end / interval);
    assertThat(grownTotal[0]).isEqualTo(updates.regrown()).isPositive();
    assertThat(updateSteps).allMatch(t -> t % interval == 0 && t <= end);
  }

  @Property(tries = 200)
  void theDropFractionIsRigLsCosine(
      @ForAll @DoubleRange(min = 0.01, max = 0.99) double alpha,
      @ForAll @LongRange(min = 1, max = 1_000_000) long end,
      @ForAll @IntRange(min = 0, max = 1000) int permille) {
    long t = end * permille / 1000;
    double f = DstUpdates.dropFraction(alpha, t, end);

    assertThat(f).isCloseTo(alpha / 2 * (1 + Math.cos(Math.PI * t / end)), within(1e-12));
    assertThat(DstUpdates.dropFraction(alpha, 0, end)).isEqualTo(alpha);
    assertThat(DstUpdates.dropFraction(alpha, end, end)).isCloseTo(0, within(1e-15));
    assertThat(DstUpdates.dropFraction(alpha, 2 * end, end))
        .as("held at 0 after T_end")
        .isEqualTo(DstUpdates.dropFraction(alpha, end, end));
    if (end % 2 == 0) {
      assertThat(DstUpdates.dropFraction(alpha, end / 2, end)).isCloseTo(alpha / 2, within(1e-12));
    }
    if (t < end) {
      assertThat(DstUpdates.dropFraction(alpha, t + 1, end))
          .as("non-increasing")
          .isLessThanOrEqualTo(f);
    }
  }

  @Property(tries = 100)
  void updatesFallOnEveryIntervalUpToTheEnd(
      @ForAll @IntRange(min = 1, max = 50) int interval,
      @ForAll @IntRange(min = 0, max = 500) int end) {
    long n = 0;
    for (long t = 0; t <= 2L * end + interval; t++) {
      if (DstUpdates.isUpdateStep(t, interval, end)) {
        assertThat(t % interval).isZero();
        assertThat(t).isBetween(1L, (long) end);
        n++;
      }
    }
    assertThat(n).isEqualTo(end / interval);
  }

  private static INDArray randomMask(SplittableRandom rng, int n, double density, long[] shape) {
    float[] m = new float[n];
    for (int i = 0; i < n; i++) {
      m[i] = rng.nextDouble() < density ? 1f : 0f;
    }
    return Nd4j.create(m, shape, 'c');
  }
}
