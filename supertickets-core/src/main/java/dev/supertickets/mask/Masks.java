package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Installing masks and counting sparsity. Sparsity is the fraction of pruned (mask 0) entries; a
 * parameter without a mask counts as dense. Counts are exact (summed in double precision).
 */
public final class Masks {
  private Masks() {}

  /**
   * Installs each mask on its parameter ({@link Param#setMask}, which copies it and checks shape
   * and values).
   */
  public static void install(Map<Param, ? extends INDArray> masks) {
    checkNotNull(masks, "masks must not be null");
    for (Map.Entry<Param, ? extends INDArray> e : masks.entrySet()) {
      checkNotNull(e.getValue(), "mask of %s must not be null", e.getKey().name());
      e.getKey().setMask(e.getValue());
    }
  }

  /** Removes the masks of {@code params}: every weight is active again with its stored value. */
  public static void clear(Collection<Param> params) {
    for (Param p : params) {
      p.clearMask();
    }
  }

  /**
   * A fresh, detached copy of the mask installed on {@code param}, or all ones when it is dense.
   */
  public static INDArray current(Param param) {
    checkNotNull(param, "parameter must not be null");
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return param.mask() == null
          ? Nd4j.ones(param.value().dataType(), param.value().shape())
          : param.mask().dup().detach();
    }
  }

  /** The number of pruned entries of one mask array. */
  public static long prunedCount(INDArray mask) {
    checkNotNull(mask, "mask must not be null");
    return mask.length() - ones(mask);
  }

  /** The number of pruned entries installed on {@code param} (0 when dense). */
  public static long prunedCount(Param param) {
    return param.mask() == null ? 0 : prunedCount(param.mask());
  }

  /** The total number of pruned entries installed on {@code params}. */
  public static long prunedCount(Collection<Param> params) {
    long n = 0;
    for (Param p : params) {
      n += prunedCount(p);
    }
    return n;
  }

  /** The overall sparsity installed on {@code params}: pruned entries over all entries. */
  public static double sparsity(Collection<Param> params) {
    checkArgument(!params.isEmpty(), "need at least one parameter to measure sparsity");
    long total = 0;
    for (Param p : params) {
      total += p.size();
    }
    return (double) prunedCount(params) / total;
  }

  /** The sparsity installed on each parameter, keyed by name, in the order given. */
  public static ImmutableMap<String, Double> sparsityByName(Collection<Param> params) {
    ImmutableMap.Builder<String, Double> out = ImmutableMap.builderWithExpectedSize(params.size());
    for (Param p : params) {
      out.put(p.name(), (double) prunedCount(p) / p.size());
    }
    return out.buildOrThrow();
  }

  /** The overall sparsity of computed (not installed) masks: pruned entries over all entries. */
  public static double sparsityOf(Map<Param, ? extends INDArray> masks) {
    checkArgument(!masks.isEmpty(), "need at least one mask to measure sparsity");
    long pruned = 0;
    long total = 0;
    for (INDArray m : masks.values()) {
      pruned += prunedCount(m);
      total += m.length();
    }
    return (double) pruned / total;
  }

  /** The number of pruned entries of computed (not installed) masks. */
  public static long prunedCountOf(Map<Param, ? extends INDArray> masks) {
    long pruned = 0;
    for (INDArray m : masks.values()) {
      pruned += prunedCount(m);
    }
    return pruned;
  }

  private static long ones(INDArray mask) {
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return Math.round(mask.castTo(DataType.DOUBLE).sumNumber().doubleValue());
    }
  }
}
