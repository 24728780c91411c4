package dev.supertickets.mask;

import com.google.common.collect.ImmutableList;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A bit-exact copy of everything a scorer may disturb: every parameter's value, gradient and mask,
 * and every batch norm's running statistics. {@link #restore()} writes the copies back into the
 * same arrays (in place), so references held elsewhere (optimizer, EMA) stay valid.
 *
 * <p>{@link #exposeEffectiveGradients()} is the documented way to obtain {@code ∂L/∂W_eff} for
 * masked entries too: {@link Param#accumulateGrad} multiplies the gradient by the mask, so every
 * masked parameter temporarily gets {@code value := mask ⊙ value} and {@code mask := 1}. The
 * forward pass then sees the same {@code W_eff} (bit for bit) while the accumulated gradient is no
 * longer masked; {@link #restore()} undoes it.
 */
final class ModelState {
  private final ImmutableList<Param> params;
  private final ImmutableList<BatchNorm> norms;
  private final Map<Param, INDArray> values = new IdentityHashMap<>();
  private final Map<Param, INDArray> grads = new IdentityHashMap<>();
  private final Map<Param, INDArray> masks = new IdentityHashMap<>();
  private final Map<BatchNorm, INDArray[]> stats = new IdentityHashMap<>();

  private ModelState(Module model) {
    this.params = ImmutableList.copyOf(model.params());
    this.norms = Modules.ofType(model, BatchNorm.class);
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : params) {
        values.put(p, p.value().dup().detach());
        grads.put(p, p.grad().dup().detach());
        if (p.mask() != null) {
          masks.put(p, p.mask().dup().detach());
        }
      }
      for (BatchNorm bn : norms) {
        stats.put(
            bn, new INDArray[] {bn.runningMean().dup().detach(), bn.runningVar().dup().detach()});
      }
    }
  }

  /** Copies the state of {@code model}. */
  static ModelState capture(Module model) {
    return new ModelState(model);
  }

  /** The stored value of {@code p} at capture time (do not modify). */
  INDArray value(Param p) {
    return values.get(p);
  }

  /** The mask of {@code p} at capture time, or null when it was dense (do not modify). */
  INDArray mask(Param p) {
    return masks.get(p);
  }

  /** The batch norms of the model. */
  ImmutableList<BatchNorm> norms() {
    return norms;
  }

  /**
   * Folds every mask into its value and sets the mask to ones, so that gradients are those of
   * {@code W_eff}.
   */
  void exposeEffectiveGradients() {
    for (Param p : params) {
      if (p.mask() != null) {
        p.value().muli(p.mask());
        p.mask().assign(1);
      }
    }
  }

  /** Sets every gradient of the model to zero. */
  void zeroGrads() {
    for (Param p : params) {
      p.zeroGrad();
    }
  }

  /** Writes every captured array back, in place. */
  void restore() {
    for (Param p : params) {
      p.value().assign(values.get(p));
      p.grad().assign(grads.get(p));
      INDArray m = masks.get(p);
      if (m == null) {
        p.clearMask();
      } else if (p.mask() != null) {
        p.mask().assign(m);
      } else {
        p.setMask(m);
      }
    }
    for (BatchNorm bn : norms) {
      INDArray[] s = stats.get(bn);
      bn.runningMean().assign(s[0]);
      bn.runningVar().assign(s[1]);
    }
  }
}
