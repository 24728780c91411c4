package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Per-parameter state bookkeeping shared by the optimizers; subclasses write one update rule. */
abstract class AbstractOptimizer implements Optimizer {
  private final Map<Param, List<INDArray>> state = new IdentityHashMap<>();
  private final int slots;
  private long steps;

  AbstractOptimizer(int slots) {
    this.slots = slots;
  }

  /**
   * Updates {@code p.value()} in place; {@code s} holds this parameter's state slots; {@code t} is
   * 1-based.
   */
  abstract void update(Param p, List<INDArray> s, double lr, long t);

  @Override
  public final void step(List<Param> params, double lr) {
    checkNotNull(params, "parameters must not be null");
    checkArgument(
        Double.isFinite(lr) && lr >= 0,
        "learning rate must be finite and non-negative, got %s",
        lr);
    steps++;
    for (Param p : params) {
      update(p, slotsOf(p), lr, steps);
    }
  }

  private List<INDArray> slotsOf(Param p) {
    List<INDArray> s = state.get(p);
    if (s == null || (slots > 0 && !java.util.Arrays.equals(s.get(0).shape(), p.value().shape()))) {
      s = new ArrayList<>(slots);
      try (MemoryWorkspace ignored = Workspaces.outside()) {
        for (int i = 0; i < slots; i++) {
          s.add(Nd4j.zeros(p.value().dataType(), p.value().shape()));
        }
      }
      state.put(p, s);
    }
    return s;
  }

  @Override
  public List<INDArray> state(Param p) {
    checkNotNull(p, "parameter must not be null");
    List<INDArray> s = state.get(p);
    return s == null ? ImmutableList.of() : ImmutableList.copyOf(s);
  }

  @Override
  public void setState(Param p, List<INDArray> newState) {
    checkNotNull(p, "parameter must not be null");
    checkNotNull(newState, "optimizer state of %s must not be null", p.name());
    checkArgument(
        newState.isEmpty() || newState.size() == slots,
        "optimizer keeps %s state arrays per parameter, got %s",
        slots,
        newState.size());
    if (newState.isEmpty()) {
      state.remove(p);
      return;
    }
    List<INDArray> copy = new ArrayList<>(slots);
    for (INDArray a : newState) {
      copy.add(a.dup().detach());
    }
    state.put(p, copy);
  }

  @Override
  public long steps() {
    return steps;
  }

  /** Restores the update counter (checkpoints). */
  @Override
  public void setSteps(long steps) {
    this.steps = steps;
  }
}
