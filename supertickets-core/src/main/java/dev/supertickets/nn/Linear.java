package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.supertickets.internal.SparseMatmul;
import dev.supertickets.tensor.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer {@code y = x W_eff + b} with a maskable weight {@code [in, out]}; init
 * U(±1/sqrt(out)). In eval mode a weight at least {@link SparsePath#THRESHOLD} zeros multiplies
 * through a {@link SparseMatmul} where that is estimated faster (see {@link SparsePath}).
 */
public final class Linear implements Module {
  private final int in;
  private final int out;
  private final Param weight;
  private final Param bias;
  private INDArray input;
  // the sparse kernel of the weight in eval mode, rebuilt when the weight changes
  private final SparsePath sparse = new SparsePath();

  /** A layer from {@code in} to {@code out} features, weights drawn from {@code rng}, bias zero. */
  public Linear(String name, int in, int out, SplittableRandom rng, DataType type) {
    checkNotNull(name, "linear layer name must not be null; parameters are named after it");
    checkNotNull(rng, "random stream must not be null; pass a seeded SplittableRandom");
    checkNotNull(type, "data type must not be null; use DataType.FLOAT");
    checkArgument(in > 0 && out > 0, "linear sizes must be positive, got %s -> %s", in, out);
    this.in = in;
    this.out = out;
    double r = 1.0 / Math.sqrt(out);
    this.weight =
        new Param(
            name + ".weight", Param.Kind.LINEAR_WEIGHT, Tensors.uniform(rng, -r, r, type, in, out));
    this.bias = new Param(name + ".bias", Param.Kind.BIAS, Nd4j.zeros(type, 1, out));
  }

  /** The maskable weight, shape {@code [in, out]}. */
  public Param weight() {
    return weight;
  }

  /** The bias, shape {@code [1, out]}; never pruned. */
  public Param bias() {
    return bias;
  }

  /** Input features. */
  public int in() {
    return in;
  }

  /** Output features. */
  public int out() {
    return out;
  }

  /**
   * The layer's sparse path: {@link SparsePath#lastSparse()} tells whether the last pass took it.
   */
  public SparsePath sparsePath() {
    return sparse;
  }

  @Override
  public List<Param> ownParams() {
    return ImmutableList.of(weight, bias);
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    checkArgument(
        x.rank() == 2 && x.size(1) == in,
        "%s expects input [batch, %s], got %s",
        weight.name(),
        in,
        java.util.Arrays.toString(x.shape()));
    if (mode.cachesForBackward()) {
      input = x;
    }
    INDArray w = weight.effective();
    SparseMatmul s = sparse.kernel(weight, w, in, out, x.size(0), x, mode);
    INDArray y = s == null ? Tensors.matmul(x, w, false, false) : s.multiply(x);
    return y.addiRowVector(bias.value());
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(
        input != null, "backward called before a training forward pass on %s", weight.name());
    weight.accumulateGrad(Tensors.matmul(input, gradOut, true, false));
    bias.accumulateGrad(Tensors.columnSums(gradOut));
    return Tensors.matmul(gradOut, weight.effective(), false, true);
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.linear(weight.name(), x, weight.effective(), bias.value());
  }

  @Override
  public void clearCache() {
    input = null;
  }
}
