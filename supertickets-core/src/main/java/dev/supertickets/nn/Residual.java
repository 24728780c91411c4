package dev.supertickets.nn;

import com.google.common.collect.ImmutableList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Residual add: {@code y = body(x) + shortcut(x)}, with the identity when there is no shortcut module. */
public final class Residual implements Module {
  private final Module body;
  private final Module shortcut;

  /** {@code y = body(x) + shortcut(x)}; a null {@code shortcut} means the identity. */
  public Residual(Module body, Module shortcut) {
    this.body = body;
    this.shortcut = shortcut;
  }

  /** {@code y = body(x) + x}. */
  public static Residual identity(Module body) {
    return new Residual(body, null);
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    INDArray y = body.forward(x, mode);
    // not in place: the body's last layer may have cached its output for backward
    return shortcut == null ? y.add(x) : y.add(shortcut.forward(x, mode));
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    INDArray g = body.backward(gradOut);
    return shortcut == null ? g.addi(gradOut) : g.addi(shortcut.backward(gradOut));
  }

  @Override
  public List<Module> children() {
    return shortcut == null ? ImmutableList.of(body) : ImmutableList.of(body, shortcut);
  }
}
