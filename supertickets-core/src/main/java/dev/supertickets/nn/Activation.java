package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ReLU and ReLU6. The backward pass multiplies by a 0/1 mask built from the output: libnd4j's
 * {@code relu6_bp} is about ten times slower.
 */
public final class Activation implements Module {
  /** The supported activation functions. */
  public enum Kind {
    /** {@code max(0, x)}. */
    RELU,
    /** {@code min(max(0, x), 6)}, as in MobileNetV2. */
    RELU6
  }

  private final Kind kind;
  private INDArray output;

  /** An activation layer of the given kind. */
  public Activation(Kind kind) {
    this.kind = checkNotNull(kind, "activation kind must not be null; use Kind.RELU");
  }

  /** A ReLU layer. */
  public static Activation relu() {
    return new Activation(Kind.RELU);
  }

  /** A ReLU6 layer (clipped at 6). */
  public static Activation relu6() {
    return new Activation(Kind.RELU6);
  }

  /** Which function this layer applies. */
  public Kind kind() {
    return kind;
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    return remember(apply(kind, x), mode);
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return graph.activation(x, kind);
  }

  /** {@code kind} applied to {@code x} in place. */
  static INDArray apply(Kind kind, INDArray x) {
    return kind == Kind.RELU ? Transforms.relu(x, true) : Transforms.relu6(x, true);
  }

  /** The output kept by the last training forward pass, or null. */
  INDArray output() {
    return output;
  }

  /**
   * Keeps {@code y}, this layer's output computed elsewhere (a fused kernel), for backward; returns
   * it.
   */
  INDArray remember(INDArray y, Mode mode) {
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    if (mode.cachesForBackward()) {
      output = y;
    }
    return y;
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    checkState(output != null, "backward called before a training forward pass");
    INDArray pass = Transforms.step(output, true);
    if (kind == Kind.RELU6) {
      pass.muli(output.lt(6.0).castTo(output.dataType()));
    }
    return gradOut.mul(pass);
  }

  @Override
  public void clearCache() {
    output = null;
  }
}
