package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.train.Ema;
import dev.supertickets.train.Optimizer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One prune-and-regrow of one tensor's mask (RigL's {@code _get_update_op}; C.2 of the
 * related-algorithms spec), split into the pure mask computation and its installation on a live
 * parameter.
 */
final class DropAndGrow {
  private DropAndGrow() {}

  /**
   * The new mask: of the active entries, the {@code nDrop} with the smallest {@code |w| +
   * dropNoise} are dropped; then {@code nDrop} entries are grown among all the others (inactive
   * ones and the just-dropped, as in RigL), those with the highest {@code growScore}. Ties go to
   * the lower index, so the number of active entries is unchanged.
   *
   * @param weights the raw values (only active ones are ranked for dropping)
   * @param mask the current mask, true = active
   * @param nDrop how many active entries to drop, at most their number
   * @param dropNoise added to {@code |w|} to break ties at random (zeros for none)
   * @param growScore U(0, 1) for SET, {@code |dense gradient|} for RigL
   */
  static boolean[] newMask(
      float[] weights, boolean[] mask, long nDrop, double[] dropNoise, double[] growScore) {
    int n = weights.length;
    checkArgument(
        mask.length == n && dropNoise.length == n && growScore.length == n,
        "weights, mask, noise and grow scores must have one entry each, got %s, %s, %s, %s",
        n,
        mask.length,
        dropNoise.length,
        growScore.length);
    long active = count(mask);
    checkArgument(
        nDrop >= 0 && nDrop <= active, "cannot drop %s of %s active weights", nDrop, active);
    double[] dropScore = new double[n];
    for (int i = 0; i < n; i++) {
      dropScore[i] = Math.abs(weights[i]) + dropNoise[i];
    }
    boolean[] kept = Top.select(dropScore, mask, active - nDrop);
    boolean[] candidates = new boolean[n];
    for (int i = 0; i < n; i++) {
      candidates[i] = !kept[i];
    }
    boolean[] grown = Top.select(growScore, candidates, nDrop);
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = kept[i] || grown[i];
    }
    return out;
  }

  /**
   * Installs {@code newMask} on {@code p}. New connections (inactive before) start at 0, and so do
   * their optimizer slots (e.g. AdamW's moments, RigL's {@code initial_acc_scale = 0}) and their
   * EMA shadow (the new value); re-grown just-dropped weights keep everything.
   *
   * @param ema the trainer's EMA, or null when it keeps none
   * @return the number of new connections
   */
  static int install(Param p, boolean[] newMask, Optimizer optimizer, Ema ema) {
    checkNotNull(optimizer, "optimizer must not be null");
    boolean[] before = mask(p);
    checkArgument(
        before.length == newMask.length,
        "new mask of %s has %s entries, the parameter %s",
        p.name(),
        newMask.length,
        before.length);
    boolean[] fresh = new boolean[newMask.length];
    int grown = 0;
    for (int i = 0; i < fresh.length; i++) {
      fresh[i] = newMask[i] && !before[i];
      grown += fresh[i] ? 1 : 0;
    }
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      float[] m = new float[newMask.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = newMask[i] ? 1f : 0f;
      }
      p.setMask(Nd4j.create(m, p.value().shape(), 'c'));
      if (grown > 0) {
        zero(p.value(), fresh);
        for (INDArray slot : optimizer.state(p)) {
          zero(slot, fresh);
        }
        INDArray shadow = ema == null ? null : ema.shadow(p);
        if (shadow != null) {
          zero(shadow, fresh);
        }
      }
    }
    return grown;
  }

  /** The mask installed on {@code p} (all true when dense), in row-major order. */
  static boolean[] mask(Param p) {
    boolean[] out = new boolean[Math.toIntExact(p.size())];
    if (p.mask() == null) {
      Arrays.fill(out, true);
      return out;
    }
    float[] m = floats(p.mask());
    for (int i = 0; i < out.length; i++) {
      out[i] = m[i] != 0;
    }
    return out;
  }

  /** The entries of {@code a} as floats in row-major order. */
  static float[] floats(INDArray a) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
      return v.length == a.length() ? v : Arrays.copyOf(v, (int) a.length());
    }
  }

  /** Writes row-major {@code values} into {@code target} in place (its data type is kept). */
  static void write(INDArray target, float[] values) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      target.assign(Nd4j.create(values, target.shape(), 'c'));
    }
  }

  static long count(boolean[] flags) {
    long n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  /** Sets the flagged entries of {@code a} (row-major flat indices) to exactly +0 in place. */
  private static void zero(INDArray a, boolean[] which) {
    for (int i = 0; i < which.length; i++) {
      if (which[i]) {
        a.putScalar(i, 0.0);
      }
    }
  }
}
