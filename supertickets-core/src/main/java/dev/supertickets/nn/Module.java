package dev.supertickets.nn;

import com.google.common.collect.ImmutableList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable building block on NHWC activations with a hand-written backward pass.
 *
 * <p>{@link #forward} in {@link Mode#TRAIN} or {@link Mode#FROZEN} caches what {@link #backward}
 * needs; {@code backward} takes the gradient of the loss with respect to the output, accumulates
 * parameter gradients into {@link Param#grad()} and returns the gradient with respect to the input.
 * Both run inside the caller's workspace: the returned arrays live until that workspace closes.
 */
public interface Module {
  /**
   * The output for input {@code x} (NHWC for images); in {@link Mode#TRAIN} and {@link Mode#FROZEN}
   * also caches what {@link #backward} needs.
   */
  INDArray forward(INDArray x, Mode mode);

  /**
   * Accumulates parameter gradients and returns the gradient with respect to the last {@link
   * #forward}'s input, given the gradient with respect to its output.
   */
  INDArray backward(INDArray gradOut);

  /**
   * Describes this module's {@link Mode#EVAL} computation on value {@code x} to {@code graph};
   * returns the output's name. Modules without a description (used only in training, or written by
   * users) refuse, naming themselves.
   *
   * @throws UnsupportedOperationException when this module cannot be described
   */
  default String describe(InferenceGraph graph, String x) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName()
            + " has no inference graph description; only the modules of the library's search spaces"
            + " can be exported");
  }

  /** This module's own parameters, not its children's. */
  default List<Param> ownParams() {
    return ImmutableList.of();
  }

  /** Direct sub-modules. */
  default List<Module> children() {
    return ImmutableList.of();
  }

  /** All parameters of this module and its descendants, depth first. */
  default List<Param> params() {
    ImmutableList.Builder<Param> out = ImmutableList.builder();
    collect(this, out);
    return out.build();
  }

  /** Drops cached activations (e.g. after a step, so that no array outlives its workspace). */
  default void clearCache() {
    for (Module c : children()) {
      c.clearCache();
    }
  }

  private static void collect(Module m, ImmutableList.Builder<Param> out) {
    out.addAll(m.ownParams());
    for (Module c : m.children()) {
      collect(c, out);
    }
  }
}
