package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.internal.FloatUpdate;
import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exponential moving average of a model's parameters and BN running statistics (not its masks),
 * with the reference's warm-up: {@code decay_n = min(decay, (1+n)/(10+n))}. {@link #swap()}
 * exchanges the live and the averaged values in place, so evaluating with EMA weights needs no
 * second copy of the model.
 */
public final class Ema {
  private final Module model;
  private final double decay;
  private final Map<Param, INDArray> shadows = new IdentityHashMap<>();
  private final Map<BatchNorm, INDArray[]> stats = new IdentityHashMap<>();
  private long updates;

  /**
   * Shadows {@code model}'s current values; {@code decay} in (0, 1) is the weight of the old
   * average at each update (after the warm-up).
   */
  public Ema(Module model, double decay) {
    checkNotNull(model, "model must not be null");
    checkArgument(decay > 0 && decay < 1, "ema decay must be in (0, 1), got %s", decay);
    this.model = model;
    this.decay = decay;
    sync();
  }

  /** The reference's decay for a batch size: {@code 0.9999^(batch/4096)}. */
  public static double referenceDecay(int batchSize) {
    return Math.pow(0.9999, batchSize / 4096.0);
  }

  /** The decay after the warm-up. */
  public double decay() {
    return decay;
  }

  /** How many updates have been averaged in. */
  public long updates() {
    return updates;
  }

  /**
   * Copies the live values into the shadows (for new or re-shaped parameters, e.g. after a channel
   * cut).
   */
  public void sync() {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : model.params()) {
        INDArray s = shadows.get(p);
        if (s == null || !java.util.Arrays.equals(s.shape(), p.value().shape())) {
          shadows.put(p, p.value().dup());
        }
      }
      for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
        INDArray[] s = stats.get(bn);
        if (s == null || s[0].length() != bn.channels()) {
          stats.put(bn, new INDArray[] {bn.runningMean().dup(), bn.runningVar().dup()});
        }
      }
    }
  }

  /** The shadow of one parameter (for slicing after channel cuts). */
  public INDArray shadow(Param p) {
    checkNotNull(p, "parameter must not be null");
    return shadows.get(p);
  }

  /** Replaces the shadow of a parameter (copied). */
  public void setShadow(Param p, INDArray value) {
    checkNotNull(p, "parameter must not be null");
    checkNotNull(value, "shadow of %s must not be null", p.name());
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      shadows.put(p, value.dup());
    }
  }

  /**
   * The averaged running mean and variance of a BN layer, {@code {mean, var}} (live arrays), or
   * null.
   */
  public INDArray[] statsShadow(BatchNorm bn) {
    checkNotNull(bn, "batch norm layer must not be null");
    return stats.get(bn);
  }

  /**
   * Continues from a recorded number of updates (resumed runs); the decay warm-up depends on it.
   */
  public void setUpdates(long n) {
    checkArgument(n >= 0, "ema update count must be non-negative, got %s", n);
    this.updates = n;
  }

  /** One EMA update after an optimizer step. */
  public void update() {
    updates++;
    double d = Math.min(decay, (1.0 + updates) / (10.0 + updates));
    for (Map.Entry<Param, INDArray> e : shadows.entrySet()) {
      average(e.getValue(), e.getKey().value(), d);
    }
    for (Map.Entry<BatchNorm, INDArray[]> e : stats.entrySet()) {
      average(e.getValue()[0], e.getKey().runningMean(), d);
      average(e.getValue()[1], e.getKey().runningVar(), d);
    }
  }

  private static void average(INDArray shadow, INDArray live, double d) {
    if (FloatUpdate.applies(shadow, live)) {
      FloatUpdate.average(shadow, live, d);
    } else {
      shadow.muli(d).addi(live.mul(1 - d));
    }
  }

  /** Exchanges live and averaged values in place; calling it twice restores the model. */
  public void swap() {
    for (Map.Entry<Param, INDArray> e : shadows.entrySet()) {
      swap(e.getKey().value(), e.getValue());
    }
    for (Map.Entry<BatchNorm, INDArray[]> e : stats.entrySet()) {
      swap(e.getKey().runningMean(), e.getValue()[0]);
      swap(e.getKey().runningVar(), e.getValue()[1]);
    }
  }

  /** Forgets parameters that are no longer in the model. */
  public void retain(List<Param> live) {
    checkNotNull(live, "live parameters must not be null");
    shadows.keySet().retainAll(new java.util.HashSet<>(live));
  }

  private static void swap(INDArray a, INDArray b) {
    INDArray tmp = a.dup();
    a.assign(b);
    b.assign(tmp);
  }
}
