package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.tensor.Workspaces;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An immutable copy of a network's numbers, keyed by parameter name: values, masks, and BN running
 * statistics (keyed {@code <bn>.running_mean} and {@code <bn>.running_var}). It restores into any
 * network with the same names and shapes, e.g. a network rebuilt from a saved architecture.
 */
public record NetworkState(
    ImmutableMap<String, INDArray> values,
    ImmutableMap<String, INDArray> masks,
    ImmutableMap<String, INDArray> stats) {
  /** Checks that no map is null (use an empty map for none). */
  public NetworkState {
    checkNotNull(values, "values must not be null; pass an empty map for none");
    checkNotNull(masks, "masks must not be null; pass an empty map for a dense network");
    checkNotNull(
        stats, "statistics must not be null; pass an empty map for a network without batch norm");
  }

  /** Copies the current numbers of {@code model}. */
  public static NetworkState capture(Module model) {
    Map<String, INDArray> v = new LinkedHashMap<>();
    Map<String, INDArray> m = new LinkedHashMap<>();
    Map<String, INDArray> s = new LinkedHashMap<>();
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (Param p : model.params()) {
        checkArgument(
            !v.containsKey(p.name()),
            "two parameters are named %s; names must be unique",
            p.name());
        v.put(p.name(), p.value().dup());
        if (p.isMasked()) {
          m.put(p.name(), p.mask().dup());
        }
      }
      for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
        String base =
            bn.gamma().name().substring(0, bn.gamma().name().length() - ".gamma".length());
        s.put(base + ".running_mean", bn.runningMean().dup());
        s.put(base + ".running_var", bn.runningVar().dup());
      }
    }
    return new NetworkState(ImmutableMap.copyOf(v), ImmutableMap.copyOf(m), ImmutableMap.copyOf(s));
  }

  /** Writes these numbers into {@code model}; every name and shape must match. */
  public void restore(Module model) {
    for (Param p : model.params()) {
      INDArray v = values.get(p.name());
      checkArgument(v != null, "state has no value for parameter %s", p.name());
      checkArgument(
          Arrays.equals(v.shape(), p.value().shape()),
          "state holds %s for %s, the network has %s",
          Arrays.toString(v.shape()),
          p.name(),
          Arrays.toString(p.value().shape()));
      p.value().assign(v);
      INDArray m = masks.get(p.name());
      if (m == null) {
        p.clearMask();
      } else {
        p.setMask(m);
      }
    }
    for (BatchNorm bn : Modules.ofType(model, BatchNorm.class)) {
      String base = bn.gamma().name().substring(0, bn.gamma().name().length() - ".gamma".length());
      INDArray mean = stats.get(base + ".running_mean");
      INDArray var = stats.get(base + ".running_var");
      checkArgument(mean != null && var != null, "state has no running statistics for %s", base);
      bn.runningMean().assign(mean);
      bn.runningVar().assign(var);
    }
  }
}
