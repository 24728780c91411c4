package dev.supertickets.parallel;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.nn.BatchNorm;
import dev.supertickets.nn.Modules;
import dev.supertickets.nn.Param;
import dev.supertickets.train.Ema;
import dev.supertickets.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Averages arrays across replicas in place: the gradients of a step (K = 1), or the whole training
 * state every K steps. The arrays go to the {@link Collective} as one flat float array, in the
 * model's order, which is the same on every replica because every replica holds the same
 * architecture and masks.
 */
public final class ReplicaAverage {
  private ReplicaAverage() {}

  /** Replaces each parameter's gradient by the replicas' mean. */
  public static void gradients(List<Param> params, Collective c) {
    checkNotNull(params, "parameters must not be null");
    checkNotNull(c, "collective must not be null");
    List<INDArray> grads = new ArrayList<>(params.size());
    for (Param p : params) {
      grads.add(p.grad());
    }
    average(grads, c);
  }

  /**
   * Replaces everything a replica trains by the replicas' mean: weights and BN scales and shifts,
   * the optimizer's per-parameter state, the EMA shadows, and the BN running statistics with their
   * EMA shadows.
   */
  public static void state(Trainer trainer, Collective c) {
    checkNotNull(trainer, "trainer must not be null");
    checkNotNull(c, "collective must not be null");
    List<INDArray> arrays = new ArrayList<>();
    Ema ema = trainer.ema();
    for (Param p : trainer.model().params()) {
      arrays.add(p.value());
      arrays.addAll(trainer.optimizer().state(p));
      if (ema != null && ema.shadow(p) != null) {
        arrays.add(ema.shadow(p));
      }
    }
    for (BatchNorm bn : Modules.ofType(trainer.model(), BatchNorm.class)) {
      arrays.add(bn.runningMean());
      arrays.add(bn.runningVar());
      INDArray[] s = ema == null ? null : ema.statsShadow(bn);
      if (s != null) {
        arrays.add(s[0]);
        arrays.add(s[1]);
      }
    }
    average(arrays, c);
  }

  /**
   * Replaces the BN running statistics by the replicas' mean: after a re-calibration on each shard,
   * every replica then holds the same ticket.
   */
  public static void batchNormStatistics(dev.supertickets.nn.Module model, Collective c) {
    checkNotNull(model, "model must not be null");
    checkNotNull(c, "collective must not be null");
    List<INDArray> arrays = new ArrayList<>();
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      arrays.add(bn.runningMean());
      arrays.add(bn.runningVar());
    }
    average(arrays, c);
  }

  /** Averages {@code arrays} (float, any shapes) in place. */
  public static void average(List<INDArray> arrays, Collective c) {
    checkNotNull(arrays, "arrays must not be null");
    checkNotNull(c, "collective must not be null");
    if (arrays.isEmpty()) {
      return;
    }
    float[] local = Nd4j.toFlattened('c', arrays).toFloatVector();
    INDArray mean = Nd4j.createFromArray(c.mean(local));
    long off = 0;
    for (INDArray a : arrays) {
      long n = a.length();
      a.assign(mean.get(NDArrayIndex.interval(off, off + n)).reshape('c', a.shape()));
      off += n;
    }
  }
}
