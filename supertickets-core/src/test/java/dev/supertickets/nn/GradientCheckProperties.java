package dev.supertickets.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every layer's backward pass matches finite differences on random small shapes (double precision).
 */
class GradientCheckProperties {
  private static final double TOL = 1e-5;

  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  private static INDArray input(long seed, long... shape) {
    return Tensors.gaussian(new SplittableRandom(seed), 1, DataType.DOUBLE, shape);
  }

  private static Conv2d conv(
      int cin, int cout, int k, int stride, int groups, boolean bias, long seed) {
    return Conv2d.builder("c", cin, cout, k)
        .stride(stride)
        .groups(groups)
        .bias(bias)
        .init(new SplittableRandom(seed))
        .dataType(DataType.DOUBLE)
        .build();
  }

  @Property(tries = 12)
  void convolution(
      @ForAll @IntRange(min = 1, max = 4) int cin,
      @ForAll @IntRange(min = 1, max = 4) int cout,
      @ForAll("kernels") int k,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 3, max = 6) int size,
      @ForAll long seed) {
    Conv2d c = conv(cin, cout, k, stride, 1, seed % 2 == 0, seed);
    assertThat(GradientChecker.maxRelativeError(c, input(seed, 2, size, size, cin), seed, 6))
        .isLessThan(TOL);
  }

  @Property(tries = 10)
  void depthwiseConvolution(
      @ForAll @IntRange(min = 1, max = 5) int channels,
      @ForAll("kernels") int k,
      @ForAll @IntRange(min = 1, max = 2) int stride,
      @ForAll @IntRange(min = 3, max = 7) int size,
      @ForAll long seed) {
    Conv2d c = conv(channels, channels, k, stride, channels, false, seed);
    assertThat(GradientChecker.maxRelativeError(c, input(seed, 2, size, size, channels), seed, 6))
        .isLessThan(TOL);
  }

  @Example
  void stridedPointwiseOnOnePixelWideInputs() {
    for (long[] shape : new long[][] {{2, 1, 1, 3}, {2, 1, 4, 3}, {2, 3, 1, 3}}) {
      for (int groups : new int[] {1, 3}) {
        Conv2d c = conv(3, 6, 1, 2, groups, false, shape[2]);
        assertThat(GradientChecker.maxRelativeError(c, input(7, shape), 7, 6)).isLessThan(TOL);
      }
    }
  }

  @Property(tries = 8)
  void groupedConvolution(
      @ForAll @IntRange(min = 1, max = 3) int perGroupIn,
      @ForAll @IntRange(min = 1, max = 3) int perGroupOut,
      @ForAll @IntRange(min = 2, max = 3) int groups,
      @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll long seed) {
    Conv2d c = conv(perGroupIn * groups, perGroupOut * groups, k, 1, groups, false, seed);
    assertThat(
            GradientChecker.maxRelativeError(c, input(seed, 2, 4, 4, perGroupIn * groups), seed, 6))
        .isLessThan(TOL);
  }

  @Property(tries = 10)
  void batchNorm(
      @ForAll @IntRange(min = 1, max = 5) int channels,
      @ForAll @IntRange(min = 2, max = 4) int size,
      @ForAll long seed) {
    BatchNorm bn = new BatchNorm("bn", channels, 0.1, 1e-3, DataType.DOUBLE);
    bn.gamma().value().assign(input(seed + 1, 1, channels));
    bn.beta().value().assign(input(seed + 2, 1, channels));
    assertThat(GradientChecker.maxRelativeError(bn, input(seed, 3, size, size, channels), seed, 8))
        .isLessThan(TOL);
  }

  @Property(tries = 10)
  void linear(
      @ForAll @IntRange(min = 1, max = 6) int in,
      @ForAll @IntRange(min = 1, max = 6) int out,
      @ForAll long seed) {
    Linear l = new Linear("fc", in, out, new SplittableRandom(seed), DataType.DOUBLE);
    assertThat(GradientChecker.maxRelativeError(l, input(seed, 3, in), seed, 8)).isLessThan(TOL);
  }

  @Property(tries = 10)
  void activations(@ForAll boolean six, @ForAll long seed) {
    Activation a = six ? Activation.relu6() : Activation.relu();
    // scaled so that some values pass 6; finite differences are kept away from the kinks at 0 and 6
    INDArray x = input(seed, 2, 3, 3, 4).muli(5);
    INDArray kinks = x.dup();
    x.addi(Nd4j.createFromArray(0.01).castTo(DataType.DOUBLE)); // shift off exact kinks
    assertThat(kinks).isNotNull();
    assertThat(GradientChecker.maxRelativeError(a, x, seed, 12)).isLessThan(TOL);
  }

  @Property(tries = 8)
  void globalAveragePool(@ForAll @IntRange(min = 1, max = 4) int size, @ForAll long seed) {
    assertThat(
            GradientChecker.maxRelativeError(
                new GlobalAvgPool(), input(seed, 2, size, size + 1, 3), seed, 8))
        .isLessThan(TOL);
  }

  @Property(tries = 10)
  void resize(
      @ForAll boolean bilinear,
      @ForAll @IntRange(min = 1, max = 5) int in,
      @ForAll @IntRange(min = 1, max = 9) int out,
      @ForAll long seed) {
    Resize r =
        new Resize(
            bilinear ? Resize.Interpolation.BILINEAR : Resize.Interpolation.NEAREST, out, out + 1);
    assertThat(GradientChecker.maxRelativeError(r, input(seed, 2, in, in, 2), seed, 8))
        .isLessThan(TOL);
  }

  @Property(tries = 6)
  void residualAndSequential(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Module body =
        Sequential.of(
            Conv2d.builder("a", 3, 6, 1).init(rng).dataType(DataType.DOUBLE).build(),
            new BatchNorm("bn", 6, 0.1, 1e-3, DataType.DOUBLE),
            Conv2d.builder("dw", 6, 6, 3).depthwise().init(rng).dataType(DataType.DOUBLE).build(),
            Conv2d.builder("b", 6, 3, 1).init(rng).dataType(DataType.DOUBLE).build());
    Residual r = Residual.identity(body);
    assertThat(GradientChecker.maxRelativeError(r, input(seed, 2, 5, 5, 3), seed, 6))
        .isLessThan(TOL);
  }

  @Property(tries = 6)
  void concatenation(
      @ForAll @IntRange(min = 1, max = 3) int a,
      @ForAll @IntRange(min = 1, max = 3) int b,
      @ForAll long seed) {
    Concat cat = new Concat();
    INDArray x = input(seed, 2, 3, 3, a + b);
    // view the input as two tensors, concatenate them back and check the split gradient
    double err =
        GradientChecker.maxRelativeError(
            xx ->
                cat.forward(
                    List.of(
                        xx.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, a)),
                        xx.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(a, a + b)))),
            g -> Nd4j.concat(3, cat.backward(g)),
            List.of(),
            x,
            seed,
            8);
    assertThat(err).isLessThan(TOL);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> kernels() {
    return net.jqwik.api.Arbitraries.of(1, 3, 5);
  }
}
