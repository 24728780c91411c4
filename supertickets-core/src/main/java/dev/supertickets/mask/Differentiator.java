package dev.supertickets.mask;

import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One forward and backward pass of a model for scoring, with batch norm on its running statistics
 * ({@link BnStatistics#RUNNING}: {@link Mode#FROZEN}) or on batch statistics ({@link BnStatistics#BATCH}:
 * {@link Mode#TRAIN}). Parameter gradients accumulate into {@code Param.grad()} as in training. Call inside a
 * workspace scope and call {@code model.clearCache()} afterwards.
 */
final class Differentiator {
  private final Module model;
  private final Mode mode;

  Differentiator(Module model, BnStatistics statistics) {
    this.model = model;
    this.mode = statistics == BnStatistics.BATCH ? Mode.TRAIN : Mode.FROZEN;
  }

  INDArray forward(INDArray x) {
    return model.forward(x, mode);
  }

  INDArray backward(INDArray gradOut) {
    return model.backward(gradOut);
  }
}
