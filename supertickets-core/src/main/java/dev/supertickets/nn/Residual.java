package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Residual add: {@code y = body(x) + shortcut(x)}, with the identity when there is no shortcut
 * module.
 */
public final class Residual implements Module {
  private final Module body;
  private final Module shortcut;

  /** {@code y = body(x) + shortcut(x)}; see {@link #identity} for {@code y = body(x) + x}. */
  public Residual(Module body, Module shortcut) {
    this.body = checkNotNull(body, "residual body must not be null");
    this.shortcut =
        checkNotNull(shortcut, "residual shortcut must not be null; use Residual.identity(body)");
  }

  private Residual(Module body) {
    this.body = checkNotNull(body, "residual body must not be null");
    this.shortcut = null; // the identity
  }

  /** {@code y = body(x) + x}. */
  public static Residual identity(Module body) {
    return new Residual(body);
  }

  @Override
  public INDArray forward(INDArray x, Mode mode) {
    checkNotNull(x, "input must not be null");
    checkNotNull(mode, "mode must not be null; use Mode.TRAIN or Mode.EVAL");
    INDArray y = body.forward(x, mode);
    // not in place: the body's last layer may have cached its output for backward
    return shortcut == null ? y.add(x) : y.add(shortcut.forward(x, mode));
  }

  @Override
  public INDArray backward(INDArray gradOut) {
    checkNotNull(gradOut, "output gradient must not be null");
    INDArray g = body.backward(gradOut);
    return shortcut == null ? g.addi(gradOut) : g.addi(shortcut.backward(gradOut));
  }

  @Override
  public List<Module> children() {
    return shortcut == null ? ImmutableList.of(body) : ImmutableList.of(body, shortcut);
  }
}
