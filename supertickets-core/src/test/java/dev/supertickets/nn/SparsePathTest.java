package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Normalization;
import dev.supertickets.internal.SparseMatmul;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sparse eval path of {@link Conv2d} and {@link Linear} predicts what the dense path predicts,
 * is taken exactly when the weight is sparse enough, and never runs on a stale kernel after the
 * weight or mask changed.
 */
class SparsePathTest {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @AfterTry
  void pathBackOn() {
    SparsePath.setEnabled(true);
  }

  @Property(tries = 30)
  void pointwiseConvolutionMatchesDense(
      @ForAll @IntRange(min = 8, max = 130) int cin,
      @ForAll @IntRange(min = 1, max = 40) int cout,
      @ForAll @IntRange(min = 1, max = 3) int stride,
      @ForAll @IntRange(min = 1, max = 9) int side,
      @ForAll @IntRange(min = 1, max = 3) int batch,
      @ForAll @DoubleRange(min = 0.5, max = 1) double sparsity,
      @ForAll boolean masked,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Conv2d conv =
        Conv2d.builder("pw", cin, cout, 1)
            .stride(stride)
            .padding(0)
            .bias(rng.nextBoolean())
            .init(rng)
            .build();
    INDArray keep = keep(rng, sparsity, 1, 1, cin, cout);
    if (masked) {
      conv.weight().setMask(keep);
    } else {
      conv.weight().value().muli(keep);
    }
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, batch, side, side, cin);
    long rows = (long) batch * conv.outSize(side) * conv.outSize(side);
    boolean expected =
        zeros(keep) >= SparsePath.THRESHOLD
            && SparseMatmul.of(conv.weight().effective().reshape(cin, cout)).beatsDense((int) rows);
    assertSparseMatchesDense(() -> conv.forward(x, Mode.EVAL), conv.sparsePath(), expected);
  }

  @Property(tries = 30)
  void linearMatchesDense(
      @ForAll @IntRange(min = 8, max = 1100) int in,
      @ForAll @IntRange(min = 1, max = 20) int out,
      @ForAll @IntRange(min = 1, max = 40) int batch,
      @ForAll @DoubleRange(min = 0.5, max = 1) double sparsity,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Linear fc = new Linear("fc", in, out, rng, DataType.FLOAT);
    fc.bias().value().assign(Tensors.gaussian(rng, 1, DataType.FLOAT, 1, out));
    INDArray keep = keep(rng, sparsity, in, out);
    fc.weight().setMask(keep);
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, batch, in);
    boolean expected =
        zeros(keep) >= SparsePath.THRESHOLD
            && SparseMatmul.of(fc.weight().effective()).beatsDense(batch);
    assertSparseMatchesDense(() -> fc.forward(x, Mode.EVAL), fc.sparsePath(), expected);
  }

  @Example
  void takenOnlyInEvalModeForSparseFloatWeightsWhereItPays() {
    SplittableRandom rng = new SplittableRandom(1);
    Linear fc = new Linear("fc", 128, 10, rng, DataType.FLOAT);
    fc.weight().setMask(keep(rng, 0.95, 128, 10));
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 4, 128);
    for (Mode mode : Mode.values()) {
      fc.forward(x, mode);
      assertThat(fc.sparsePath().lastSparse()).as("mode %s", mode).isEqualTo(mode == Mode.EVAL);
    }
    Linear denser = new Linear("denser", 128, 10, rng, DataType.FLOAT);
    denser.weight().setMask(keep(rng, 0.8, 128, 10));
    denser.forward(x, Mode.EVAL);
    assertThat(denser.sparsePath().lastSparse()).as("below the threshold").isFalse();
    // a narrow 1x1 convolution over many rows: the dense GEMM is cheaper at any sparsity (the cost
    // estimate)
    Conv2d narrow = Conv2d.builder("narrow", 16, 48, 1).padding(0).init(rng).build();
    narrow.weight().setMask(keep(rng, 0.95, 1, 1, 16, 48));
    INDArray images = Tensors.gaussian(rng, 1, DataType.FLOAT, 4, 28, 28, 16);
    narrow.forward(images, Mode.EVAL);
    assertThat(narrow.sparsePath().lastSparse()).as("16 inputs, 3,136 rows").isFalse();
    // the same layer on one 2x2 image: the dense GEMM's fixed cost dominates
    narrow.forward(Tensors.gaussian(rng, 1, DataType.FLOAT, 1, 2, 2, 16), Mode.EVAL);
    assertThat(narrow.sparsePath().lastSparse()).as("16 inputs, 4 rows").isTrue();
    Linear dbl = new Linear("double", 128, 10, rng, DataType.DOUBLE);
    dbl.weight().setMask(keep(rng, 0.95, 128, 10));
    dbl.forward(Tensors.gaussian(rng, 1, DataType.DOUBLE, 4, 128), Mode.EVAL);
    assertThat(dbl.sparsePath().lastSparse()).isFalse();
  }

  /** Eval, a training step, eval again: the second eval must see the updated weights. */
  @Example
  void aTrainingStepAfterAnEvalChangesTheEvalOutput() {
    SplittableRandom rng = new SplittableRandom(2);
    Linear fc = new Linear("fc", 256, 10, rng, DataType.FLOAT);
    fc.weight().setMask(keep(rng, 0.95, 256, 10));
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 8, 256);
    INDArray before = fc.forward(x, Mode.EVAL).dup();
    assertThat(fc.sparsePath().lastSparse()).isTrue();
    fc.forward(x, Mode.TRAIN);
    fc.backward(Tensors.gaussian(rng, 1, DataType.FLOAT, 8, 10));
    new Sgd(0, false).step(fc.params(), 0.5);
    INDArray after = fc.forward(x, Mode.EVAL).dup();
    assertThat(fc.sparsePath().lastSparse()).isTrue();
    assertThat(after.sub(before).amaxNumber().doubleValue())
        .as("the step moved the outputs")
        .isGreaterThan(1e-2);
    assertClose(after, dense(() -> fc.forward(x, Mode.EVAL)));
  }

  /**
   * Every way a weight or mask can change, each followed by an eval that must match the dense path.
   */
  @Example
  void everyChangeToWeightOrMaskInvalidatesTheKernel() {
    SplittableRandom rng = new SplittableRandom(3);
    Conv2d conv = Conv2d.builder("pw", 96, 48, 1).padding(0).init(rng).build();
    Param w = conv.weight();
    w.setMask(keep(rng, 0.95, 1, 1, 96, 48));
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 2, 5, 5, 96);
    INDArray stale = w.value(); // a reference taken before the kernel is built, written to later
    List<Runnable> changes = new ArrayList<>();
    changes.add(
        () -> w.value().muli(1.5)); // an in-place update through value(), as the optimizers do
    changes.add(() -> stale.muli(-0.5)); // through an old reference: the version does not move
    changes.add(() -> w.setMask(keep(rng, 0.97, 1, 1, 96, 48)));
    changes.add(
        () -> w.mask().assign(keep(rng, 0.97, 1, 1, 96, 48))); // in place, as the mask policies do
    changes.add(() -> conv.keepOutputs(new int[] {0, 5, 7, 20, 47}));
    changes.add(() -> conv.keepInputs(java.util.stream.IntStream.range(0, 80).toArray()));
    changes.add(w::clearMask); // every stored value is back: dense
    changes.add(
        () -> {
          w.setMask(keep(rng, 0.97, 1, 1, 80, 5));
          w.value().muli(w.mask());
          w.clearMask(); // compacted: the zeros are now in the values
        });
    boolean[] sparseAfter = {true, true, true, true, true, true, false, true};
    INDArray previous = conv.forward(x(conv, x), Mode.EVAL).dup();
    assertThat(conv.sparsePath().lastSparse()).isTrue();
    for (int i = 0; i < changes.size(); i++) {
      changes.get(i).run();
      INDArray xi = x(conv, x);
      INDArray y = conv.forward(xi, Mode.EVAL).dup();
      assertThat(conv.sparsePath().lastSparse())
          .as("sparse after change %s", i)
          .isEqualTo(sparseAfter[i]);
      assertClose(y, dense(() -> conv.forward(xi, Mode.EVAL)));
      if (y.length() == previous.length()) {
        assertThat(y.sub(previous).amaxNumber().doubleValue())
            .as("change %s moved the outputs", i)
            .isGreaterThan(1e-3);
      }
      previous = y;
    }
  }

  @Example
  void theSwitchTurnsThePathOff() {
    SplittableRandom rng = new SplittableRandom(4);
    Linear fc = new Linear("fc", 128, 10, rng, DataType.FLOAT);
    fc.weight().setMask(keep(rng, 0.95, 128, 10));
    INDArray x = Tensors.gaussian(rng, 1, DataType.FLOAT, 4, 128);
    SparsePath.setEnabled(false);
    fc.forward(x, Mode.EVAL);
    assertThat(fc.sparsePath().lastSparse()).isFalse();
    SparsePath.setEnabled(true);
    fc.forward(x, Mode.EVAL);
    assertThat(fc.sparsePath().lastSparse()).isTrue();
    assertThat(SparsePath.enabledBy("false")).isFalse();
    assertThat(SparsePath.enabledBy("FALSE")).isFalse();
    assertThat(SparsePath.enabledBy("true")).isTrue();
    assertThat(SparsePath.enabledBy(null)).isTrue();
  }

  /** A 95%-sparse default28 ticket, compacted: the same logits with the sparse path as without. */
  @Example
  void aCompactedSparseTicketPredictsTheSame() {
    SearchSpace space = SearchSpaces.default28();
    Architecture arch = Architecture.full(space);
    Supernet net = new HrSupernet(space, arch, new RandomStreams(7).stream("init"), DataType.FLOAT);
    SuperTicket ticket =
        new SuperTicket(
                space,
                arch,
                NetworkState.capture(net),
                Normalization.identity(1),
                Provenance.of(Map.of("method", "test")))
            .prune(MaskPolicies.magnitude(), 0.95, null, 7);
    Supernet compact = ticket.compact();
    INDArray x = Tensors.uniform(new SplittableRandom(8), 0, 1, DataType.FLOAT, 3, 28, 28, 1);
    INDArray sparse = compact.forward(x, Mode.EVAL).dup();
    long sparseLayers = layers(compact).stream().filter(SparsePath::lastSparse).count();
    assertThat(sparseLayers).as("layers that took the sparse path").isGreaterThan(3);
    assertClose(sparse, dense(() -> compact.forward(x, Mode.EVAL)));
    assertClose(ticket.predict(x), dense(() -> ticket.predict(x)));
  }

  private static List<SparsePath> layers(Module m) {
    List<SparsePath> out = new ArrayList<>();
    if (m instanceof Conv2d c) {
      out.add(c.sparsePath());
    } else if (m instanceof Linear l) {
      out.add(l.sparsePath());
    }
    for (Module child : m.children()) {
      out.addAll(layers(child));
    }
    return ImmutableList.copyOf(out);
  }

  /** The input for a convolution whose input channels may have been cut. */
  private static INDArray x(Conv2d conv, INDArray x) {
    return x.size(3) == conv.inChannels()
        ? x
        : x.get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, conv.inChannels()))
            .dup('c');
  }

  private static void assertSparseMatchesDense(
      Supplier<INDArray> eval, SparsePath path, boolean sparseEnough) {
    INDArray sparse = eval.get().dup();
    assertThat(path.lastSparse()).as("sparse path taken").isEqualTo(sparseEnough);
    assertClose(sparse, dense(eval));
  }

  private static INDArray dense(Supplier<INDArray> eval) {
    SparsePath.setEnabled(false);
    try {
      return eval.get().dup();
    } finally {
      SparsePath.setEnabled(true);
    }
  }

  /** Equal within 1e-5 relative to the largest output (and 1e-6 absolute, for all-zero outputs). */
  private static void assertClose(INDArray actual, INDArray expected) {
    assertThat(actual.shape()).containsExactly(expected.shape());
    double scale = Math.max(1e-1, expected.amaxNumber().doubleValue());
    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(1e-5 * scale);
  }

  private static INDArray keep(SplittableRandom rng, double sparsity, long... shape) {
    return Tensors.uniform(rng, 0, 1, DataType.FLOAT, shape).gte(sparsity).castTo(DataType.FLOAT);
  }

  private static double zeros(INDArray keep) {
    return 1 - keep.sumNumber().doubleValue() / keep.length();
  }
}
