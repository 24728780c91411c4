package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.NetworkState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link StepHook} carries from one step to the next, as a checkpoint records it: numbers as
 * exact strings (so that a long or a double, NaN included, comes back bit for bit) and arrays by
 * name. Immutable; built with {@link #builder()}.
 *
 * @param values scalars by name, as {@link Long#toString} or {@link Double#toString} wrote them
 * @param arrays arrays by name
 */
public record HookState(
    ImmutableMap<String, String> values, ImmutableMap<String, INDArray> arrays) {
  /** The state of a hook that keeps none. */
  public static final HookState EMPTY = new HookState(ImmutableMap.of(), ImmutableMap.of());

  /** Copies the maps. */
  public HookState {
    values = ImmutableMap.copyOf(checkNotNull(values, "values must not be null"));
    arrays = ImmutableMap.copyOf(checkNotNull(arrays, "arrays must not be null"));
  }

  /** Starts an empty state. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether nothing is recorded. */
  public boolean isEmpty() {
    return values.isEmpty() && arrays.isEmpty();
  }

  /** The long recorded as {@code name}. */
  public long longValue(String name) {
    return Long.parseLong(value(name));
  }

  /** The double recorded as {@code name}. */
  public double doubleValue(String name) {
    return Double.parseDouble(value(name));
  }

  /** The array recorded as {@code name}. */
  public INDArray array(String name) {
    INDArray a = arrays.get(name);
    checkArgument(a != null, "hook state has no array %s; it holds %s", name, arrays.keySet());
    return a;
  }

  /** Whether a network state was recorded under {@code prefix}. */
  public boolean hasNetwork(String prefix) {
    return values.containsKey(prefix + "#network");
  }

  /** The network state recorded under {@code prefix} by {@link Builder#network}. */
  public NetworkState network(String prefix) {
    value(prefix + "#network");
    return new NetworkState(
        under(prefix + "/values/"), under(prefix + "/masks/"), under(prefix + "/stats/"));
  }

  private ImmutableMap<String, INDArray> under(String prefix) {
    ImmutableMap.Builder<String, INDArray> m = ImmutableMap.builder();
    arrays.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            m.put(k.substring(prefix.length()), v);
          }
        });
    return m.buildOrThrow();
  }

  private String value(String name) {
    String v = values.get(name);
    checkArgument(v != null, "hook state has no value %s; it holds %s", name, values.keySet());
    return v;
  }

  /** Collects a {@link HookState}. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();

    private Builder() {}

    /** Records a long. */
    public Builder put(String name, long v) {
      values.put(checkNotNull(name, "name must not be null"), Long.toString(v));
      return this;
    }

    /** Records a double, exactly. */
    public Builder put(String name, double v) {
      values.put(checkNotNull(name, "name must not be null"), Double.toString(v));
      return this;
    }

    /** Records an array (not copied: capture a detached copy). */
    public Builder put(String name, INDArray a) {
      arrays.put(
          checkNotNull(name, "name must not be null"), checkNotNull(a, "array must not be null"));
      return this;
    }

    /** Records a network state under {@code prefix}, read back by {@link HookState#network}. */
    public Builder network(String prefix, NetworkState s) {
      checkNotNull(s, "network state must not be null");
      values.put(prefix + "#network", "1");
      s.values().forEach((k, v) -> arrays.put(prefix + "/values/" + k, v));
      s.masks().forEach((k, v) -> arrays.put(prefix + "/masks/" + k, v));
      s.stats().forEach((k, v) -> arrays.put(prefix + "/stats/" + k, v));
      return this;
    }

    /** The state. */
    public HookState build() {
      return new HookState(ImmutableMap.copyOf(values), ImmutableMap.copyOf(arrays));
    }
  }
}
