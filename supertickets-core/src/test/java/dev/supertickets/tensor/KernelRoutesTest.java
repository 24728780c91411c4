package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.loss.SoftmaxCrossEntropy;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.Ema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The portable route (ND4J ops only, for device backends) computes what the Java kernels compute,
 * on the CPU: a whole training step of the default supernet (forward, loss, every gradient, the
 * batch norms' running statistics), the AdamW and EMA updates, the inference of a compacted
 * 90%-sparse ticket (fused batch norm, sparse path), and a short draw.
 */
class KernelRoutesTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @AfterEach
  void backToTheDefault() {
    Kernels.useDefault();
  }

  @Test
  void theCpuBackendTakesTheJavaRouteAndThePropertyIsChecked() {
    assertThat(Kernels.route()).isEqualTo(Kernels.Route.JAVA);
    Kernels.use(Kernels.Route.PORTABLE);
    assertThat(Kernels.java()).isFalse();
    assertThat(Kernels.fromProperty(" Portable ")).isEqualTo(Kernels.Route.PORTABLE);
    assertThat(Kernels.fromProperty(null)).isNull();
    assertThatThrownBy(() -> Kernels.fromProperty("cuda"))
        .hasMessageContaining("java or portable, got cuda");
  }

  /**
   * One training step's numbers: the loss, every gradient and every running statistic, by parameter
   * name.
   */
  private record Step(double loss, List<INDArray> grads, List<INDArray> stats) {}

  private static Step trainingStep() {
    return trainingStep(DataType.FLOAT);
  }

  private static Step trainingStep(DataType type) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net =
          new HrSupernet(SPACE, Architecture.full(SPACE), new SplittableRandom(11), type);
      var data = EmbeddedFashionMnist.train().subset(0, 16);
      INDArray x =
          dev.supertickets.data.Loader.forEvaluation(data, 16, Normalization.of(data))
              .epoch(0)
              .next()
              .x()
              .castTo(type);
      int[] labels = new int[16];
      for (int i = 0; i < 16; i++) {
        labels[i] = data.label(i);
      }
      INDArray logits = net.forward(x, Mode.TRAIN);
      SoftmaxCrossEntropy.Result r =
          new SoftmaxCrossEntropy(0.1, SoftmaxCrossEntropy.NO_IGNORE).compute(logits, labels);
      net.backward(r.gradLogits());
      List<INDArray> grads = new ArrayList<>();
      for (Param p : net.params()) {
        grads.add(p.grad().dup());
      }
      List<INDArray> stats = new ArrayList<>();
      for (BatchNorm bn : Modules.ofType(net, BatchNorm.class)) {
        stats.add(bn.runningMean().dup());
        stats.add(bn.runningVar().dup());
      }
      net.clearCache();
      return new Step(r.loss(), grads, stats);
    }
  }

  private static <T> T on(Kernels.Route route, Supplier<T> work) {
    Kernels.use(route);
    try {
      return work.get();
    } finally {
      Kernels.useDefault();
    }
  }

  private static final dev.supertickets.space.SearchSpace SPACE = SearchSpaces.default28();

  /**
   * Both routes against the same step in double precision: every gradient within 1e-2 (the portable
   * route; it measured 3.7e-3 at worst) or 1e-3 (the Java route, 5e-5) in relative L2 norm. Not
   * element by element: a float step's activations differ from the exact ones by ulps, and where
   * one lands on the other side of a ReLU6 edge its gradient passes or stops whole. Gradients that
   * are zero in exact arithmetic (a shift that the next batch norm removes) are left out: their
   * float values are rounding noise.
   */
  @Tag("slow")
  @Test
  void aTrainingStepOfTheDefaultSupernetIsTheSameOnBothRoutes() {
    Step java = on(Kernels.Route.JAVA, KernelRoutesTest::trainingStep);
    Step portable = on(Kernels.Route.PORTABLE, KernelRoutesTest::trainingStep);
    Step exact = trainingStep(DataType.DOUBLE);
    assertThat(portable.loss()).isCloseTo(exact.loss(), org.assertj.core.data.Offset.offset(1e-5));
    assertThat(java.loss()).isCloseTo(exact.loss(), org.assertj.core.data.Offset.offset(1e-5));
    assertThat(portable.grads()).hasSameSizeAs(exact.grads());
    double largest =
        exact.grads().stream().mapToDouble(g -> g.norm2Number().doubleValue()).max().orElseThrow();
    int compared = 0;
    for (int i = 0; i < exact.grads().size(); i++) {
      if (exact.grads().get(i).norm2Number().doubleValue() < 1e-6 * largest) {
        continue;
      }
      compared++;
      assertThat(l2(portable.grads().get(i), exact.grads().get(i)))
          .as("portable gradient %s", i)
          .isLessThanOrEqualTo(1e-2);
      assertThat(l2(java.grads().get(i), exact.grads().get(i)))
          .as("Java gradient %s", i)
          .isLessThanOrEqualTo(1e-3);
    }
    assertThat(compared).isGreaterThan(exact.grads().size() / 2);
    for (int i = 0; i < exact.stats().size(); i++) {
      assertClose(portable.stats().get(i), java.stats().get(i), 1e-4, "running statistic " + i);
    }
  }

  @Test
  void adamWAndEmaUpdateTheSameOnBothRoutes() {
    List<INDArray> java = on(Kernels.Route.JAVA, KernelRoutesTest::updates);
    List<INDArray> portable = on(Kernels.Route.PORTABLE, KernelRoutesTest::updates);
    for (int i = 0; i < java.size(); i++) {
      assertClose(portable.get(i), java.get(i), 1e-5, "value " + i);
    }
  }

  /**
   * Three AdamW steps and EMA updates of a small network from fixed gradients; the values and
   * shadows after.
   */
  private static List<INDArray> updates() {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      HrSupernet net = new HrSupernet(SearchSpaces.tiny28(), new SplittableRandom(5));
      Ema ema = new Ema(net, 0.9);
      AdamW adam = new AdamW(0.9, 0.999, 1e-3, 1e-4);
      SplittableRandom rng = new SplittableRandom(6);
      for (int step = 0; step < 3; step++) {
        for (Param p : net.params()) {
          p.zeroGrad();
          p.accumulateGrad(Tensors.gaussian(rng, 0.1, DataType.FLOAT, p.value().shape()));
        }
        adam.step(net.params(), 0.01);
        ema.update();
      }
      List<INDArray> out = new ArrayList<>();
      for (Param p : net.params()) {
        out.add(p.value().dup());
        out.add(ema.shadow(p).dup());
      }
      return out;
    }
  }

  @Test
  void aCompactedSparseTicketPredictsTheSameOnBothRoutes() {
    SuperTicket ticket =
        SuperTicket.initial(SearchSpaces.default28(), Normalization.identity(1), 3)
            .prune(MaskPolicies.magnitude(), 0.9, null, 3);
    INDArray images = Tensors.uniform(new SplittableRandom(4), 0, 1, DataType.FLOAT, 4, 28, 28, 1);
    INDArray java = on(Kernels.Route.JAVA, () -> forward(ticket.compact(), images));
    INDArray portable = on(Kernels.Route.PORTABLE, () -> forward(ticket.compact(), images));
    assertClose(portable, java, 1e-4, "logits");
  }

  @Tag("slow")
  @Test
  void aShortDrawRunsOnThePortableRoute() {
    var train = EmbeddedFashionMnist.train().subset(0, 512);
    var test = EmbeddedFashionMnist.test().subset(0, 200);
    Supplier<SuperTicket> draw =
        () ->
            dev.supertickets.draw.SuperTicketsDrawer.builder(SearchSpaces.tiny28())
                .seed(4)
                .epochs(2)
                .targetSparsity(0.6)
                .build()
                .draw(train, test);
    SuperTicket portable = on(Kernels.Route.PORTABLE, draw);
    SuperTicket java = on(Kernels.Route.JAVA, draw);
    assertThat(portable.sparsity())
        .isCloseTo(java.sparsity(), org.assertj.core.data.Offset.offset(1e-3));
    // two float routes drift apart over 16 steps; the tickets are as good, not the same
    assertThat(portable.evaluate(test).accuracy())
        .isCloseTo(java.evaluate(test).accuracy(), org.assertj.core.data.Offset.offset(0.05));
  }

  private static INDArray forward(Supernet net, INDArray x) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return net.forward(x, Mode.EVAL).dup();
    }
  }

  /** {@code |a - b| / |b|} in the L2 norm, in double. */
  private static double l2(INDArray a, INDArray b) {
    INDArray bd = b.castTo(DataType.DOUBLE);
    return a.castTo(DataType.DOUBLE).sub(bd).norm2Number().doubleValue()
        / Math.max(1e-30, bd.norm2Number().doubleValue());
  }

  private static void assertClose(
      INDArray actual, INDArray expected, double tolerance, String what) {
    double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
    assertThat(actual.sub(expected).amaxNumber().doubleValue() / scale)
        .as("%s, relative to %s", what, scale)
        .isLessThanOrEqualTo(tolerance);
  }
}
