package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Traversals of a module tree. */
public final class Modules {
  private Modules() {}

  /** Every module of the tree rooted at {@code root}, depth first, root included. */
  public static ImmutableList<Module> all(Module root) {
    ImmutableList.Builder<Module> out = ImmutableList.builder();
    Deque<Module> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Module m = stack.pop();
      out.add(m);
      var kids = m.children();
      for (int i = kids.size() - 1; i >= 0; i--) {
        stack.push(kids.get(i));
      }
    }
    return out.build();
  }

  /**
   * Describes {@code layers} one after another on value {@code x}; returns the last output's name.
   */
  public static String describeChain(
      List<? extends Module> layers, InferenceGraph graph, String x) {
    checkNotNull(layers, "layers must not be null");
    checkNotNull(graph, "graph must not be null");
    checkNotNull(x, "value name must not be null");
    String y = x;
    for (Module m : layers) {
      y = m.describe(graph, y);
    }
    return y;
  }

  /**
   * Runs {@code layers} one after another on {@code x}; a {@link BatchNorm} directly followed by an
   * {@link Activation} runs as one fused pass (same result, same caches for backward).
   */
  public static INDArray forwardChain(List<? extends Module> layers, INDArray x, Mode mode) {
    checkNotNull(layers, "layers must not be null");
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    INDArray h = x;
    for (int i = 0; i < layers.size(); i++) {
      Module m = layers.get(i);
      if (m instanceof BatchNorm bn
          && i + 1 < layers.size()
          && layers.get(i + 1) instanceof Activation act) {
        h = bn.forwardThen(h, mode, act);
        i++;
      } else {
        h = m.forward(h, mode);
      }
    }
    return h;
  }

  /**
   * The backward of {@link #forwardChain}: the layers in reverse, an {@link Activation} and the
   * {@link BatchNorm} before it as one fused pass.
   */
  public static INDArray backwardChain(List<? extends Module> layers, INDArray gradOut) {
    checkNotNull(layers, "layers must not be null");
    checkNotNull(gradOut, "output gradient must not be null");
    INDArray g = gradOut;
    for (int i = layers.size() - 1; i >= 0; i--) {
      Module m = layers.get(i);
      if (m instanceof Activation act && i > 0 && layers.get(i - 1) instanceof BatchNorm bn) {
        g = bn.backwardThen(act, g);
        i--;
      } else {
        g = m.backward(g);
      }
    }
    return g;
  }

  /** The modules of a given type in the tree, depth first. */
  public static <T extends Module> ImmutableList<T> ofType(Module root, Class<T> type) {
    ImmutableList.Builder<T> out = ImmutableList.builder();
    for (Module m : all(root)) {
      if (type.isInstance(m)) {
        out.add(type.cast(m));
      }
    }
    return out.build();
  }
}
