package dev.supertickets.mask;

import com.google.common.collect.ImmutableList;
import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared helpers of the mask tests: parameter holders, data, random masks and bit-exact model
 * snapshots.
 */
final class Fixtures {
  private Fixtures() {}

  /**
   * A module that only holds parameters (identity forward), for policies that need no forward pass.
   */
  static final class Holder implements Module {
    private final ImmutableList<Param> params;

    Holder(List<Param> params) {
      this.params = ImmutableList.copyOf(params);
    }

    @Override
    public INDArray forward(INDArray x, Mode mode) {
      return x;
    }

    @Override
    public INDArray backward(INDArray gradOut) {
      return gradOut;
    }

    @Override
    public List<Param> ownParams() {
      return params;
    }
  }

  /** Conv weights {@code w0, w1, ...} of the given shapes with N(0, 1) values from {@code seed}. */
  static List<Param> randomParams(List<long[]> shapes, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Param> out = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      out.add(
          new Param(
              "w" + i,
              Param.Kind.CONV_WEIGHT,
              Tensors.gaussian(rng, 1, DataType.FLOAT, shapes.get(i))));
    }
    return out;
  }

  /** A float array of the given shape holding {@code values} in row-major order. */
  static INDArray array(double[] values, long... shape) {
    return Nd4j.createFromArray(values).reshape('c', shape).castTo(DataType.FLOAT);
  }

  /** Row-major doubles of an array (exact for float32 input; -0.0 kept). */
  static double[] doubles(INDArray a) {
    return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  /** A random 0/1 mask that prunes exactly {@code floor(fraction · n)} entries. */
  static INDArray randomMask(Param p, double fraction, SplittableRandom rng) {
    int n = Math.toIntExact(p.size());
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    float[] m = new float[n];
    Arrays.fill(m, 1f);
    for (int i = 0; i < (int) Math.floor(fraction * n); i++) {
      m[idx[i]] = 0f;
    }
    return Nd4j.create(m, p.value().shape(), 'c').castTo(p.value().dataType());
  }

  /** The first {@code samples} embedded Fashion-MNIST training images in a fixed order. */
  static Loader embedded(int samples, int batchSize) {
    Dataset d = EmbeddedFashionMnist.train().subset(0, samples);
    return Loader.builder(d).batchSize(batchSize).shuffle(false).build();
  }

  /**
   * Every value, gradient, mask and running statistic of a model as row-major doubles; compare two
   * with {@link Arrays#deepEquals}, which compares doubles bit for bit (so {@code -0.0 != 0.0}).
   */
  static double[][] bits(Module model) {
    List<double[]> out = new ArrayList<>();
    for (Param p : model.params()) {
      out.add(doubles(p.value()));
      out.add(doubles(p.grad()));
      out.add(p.mask() == null ? new double[] {Double.NaN} : doubles(p.mask()));
    }
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      out.add(doubles(bn.runningMean()));
      out.add(doubles(bn.runningVar()));
    }
    return out.toArray(new double[0][]);
  }

  /**
   * Makes every part of a model's state non-trivial: random masks on weights, random gradients and
   * BN stats.
   */
  static void disturb(Module model, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (Param p : model.params()) {
      p.grad().assign(Tensors.gaussian(rng, 0.1, p.grad().dataType(), p.grad().shape()));
      if (p.isWeight()) {
        p.setMask(randomMask(p, 0.3, rng));
      }
    }
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      bn.runningMean().assign(Tensors.gaussian(rng, 0.2, DataType.FLOAT, bn.runningMean().shape()));
      bn.runningVar().assign(Tensors.uniform(rng, 0.5, 2, DataType.FLOAT, bn.runningVar().shape()));
      bn.gamma()
          .value()
          .assign(Tensors.uniform(rng, 0.5, 1.5, DataType.FLOAT, bn.gamma().value().shape()));
      bn.beta()
          .value()
          .assign(Tensors.gaussian(rng, 0.1, DataType.FLOAT, bn.beta().value().shape()));
    }
  }
}
