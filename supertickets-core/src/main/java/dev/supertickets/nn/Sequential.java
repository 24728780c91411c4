package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Modules applied one after another. */
public final class Sequential implements Module {
  private final ImmutableList<Module> layers;

  /** The layers in order (copied). */
  public Sequential(List<? extends Module> layers) {
    checkNotNull(layers, "layers must not be null; pass an empty list for the identity");
    this.layers = ImmutableList.copyOf(layers);
  }

  /** The layers in order. */
  public static Sequential of(Module... layers) {
    return new Sequential(List.of(layers));
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    return Modules.forwardChain(layers, x, mode);
  }

  @Override
  public String describe(InferenceGraph graph, String x) {
    return Modules.describeChain(layers, graph, x);
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    return Modules.backwardChain(layers, gradOut);
  }

  @Override
  public List<Module> children() {
    return layers;
  }
}
