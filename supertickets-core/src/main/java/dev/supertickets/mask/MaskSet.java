package dev.supertickets.mask;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.Workspaces;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable snapshot of masks keyed by parameter name: a plain Java value (shape plus a bit set
 * of kept entries per tensor, no off-heap memory) with value equality, for recording, comparing and
 * re-installing the masks of a draw. Dense parameters are recorded as all-ones masks.
 */
public final class MaskSet {
  private final ImmutableMap<String, Entry> entries;

  private record Entry(long[] shape, BitSet kept, long length) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Arrays.equals(shape, e.shape) && kept.equals(e.kept);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + kept.hashCode();
    }
  }

  private MaskSet(ImmutableMap<String, Entry> entries) {
    this.entries = entries;
  }

  /** The masks installed now on {@code params} (all ones for dense ones). */
  public static MaskSet capture(Collection<Param> params) {
    checkNotNull(params, "parameters must not be null");
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Param p : params) {
      checkArgument(
          !out.containsKey(p.name()),
          "two parameters are named %s; names must be unique",
          p.name());
      out.put(p.name(), p.mask() == null ? dense(p.value().shape()) : entry(p.name(), p.mask()));
    }
    return new MaskSet(ImmutableMap.copyOf(out));
  }

  /** The masks installed now on the parameters of {@code model} that {@code selector} matches. */
  public static MaskSet capture(Module model, Selector selector) {
    return capture(selector.select(model));
  }

  /** A snapshot of computed masks, e.g. the result of {@link MaskPolicy#masks}. */
  public static MaskSet of(Map<Param, ? extends INDArray> masks) {
    checkNotNull(masks, "masks must not be null");
    ImmutableMap.Builder<String, Entry> out = ImmutableMap.builderWithExpectedSize(masks.size());
    for (Map.Entry<Param, ? extends INDArray> e : masks.entrySet()) {
      Param p = e.getKey();
      checkArgument(
          Arrays.equals(e.getValue().shape(), p.value().shape()),
          "mask of %s has shape %s but the parameter has shape %s",
          p.name(),
          Arrays.toString(e.getValue().shape()),
          Arrays.toString(p.value().shape()));
      out.put(p.name(), entry(p.name(), e.getValue()));
    }
    return new MaskSet(out.buildOrThrow());
  }

  private static Entry dense(long[] shape) {
    long n = Scope.length(shape);
    BitSet kept = new BitSet(Math.toIntExact(n));
    kept.set(0, (int) n);
    return new Entry(shape.clone(), kept, n);
  }

  private static Entry entry(String name, INDArray mask) {
    double[] v = Ranking.toDoubles(mask);
    BitSet kept = new BitSet(v.length);
    for (int i = 0; i < v.length; i++) {
      checkArgument(
          v[i] == 0 || v[i] == 1,
          "mask of %s holds %s at flat index %s; masks must be 0 or 1",
          name,
          v[i],
          i);
      if (v[i] == 1) {
        kept.set(i);
      }
    }
    return new Entry(mask.shape().clone(), kept, v.length);
  }

  /** The parameter names, in insertion order. */
  public ImmutableSet<String> names() {
    return entries.keySet();
  }

  /** Whether a mask for {@code name} is recorded. */
  public boolean contains(String name) {
    checkNotNull(name, "parameter name must not be null");
    return entries.containsKey(name);
  }

  /** The shape of the mask of {@code name}. */
  public long[] shape(String name) {
    return get(name).shape.clone();
  }

  /** A fresh float32 array holding the mask of {@code name} (1 = kept). */
  public INDArray mask(String name) {
    return mask(name, DataType.FLOAT);
  }

  /** A fresh array of the given type holding the mask of {@code name} (1 = kept). */
  public INDArray mask(String name, DataType type) {
    checkNotNull(name, "parameter name must not be null");
    checkNotNull(type, "data type must not be null; use DataType.FLOAT");
    Entry e = get(name);
    float[] m = new float[(int) e.length];
    for (int i = e.kept.nextSetBit(0); i >= 0; i = e.kept.nextSetBit(i + 1)) {
      m[i] = 1f;
    }
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      return Nd4j.create(m, e.shape, 'c').castTo(type).detach();
    }
  }

  /** Whether the entry at row-major {@code flatIndex} of {@code name} is kept. */
  public boolean isKept(String name, long flatIndex) {
    Entry e = get(name);
    checkArgument(
        flatIndex >= 0 && flatIndex < e.length,
        "flat index %s is outside [0, %s) for %s",
        flatIndex,
        e.length,
        name);
    return e.kept.get((int) flatIndex);
  }

  /** The number of entries of all masks. */
  public long totalCount() {
    long n = 0;
    for (Entry e : entries.values()) {
      n += e.length;
    }
    return n;
  }

  /** The number of pruned entries of all masks. */
  public long prunedCount() {
    long n = 0;
    for (Entry e : entries.values()) {
      n += e.length - e.kept.cardinality();
    }
    return n;
  }

  /** The number of pruned entries of the mask of {@code name}. */
  public long prunedCount(String name) {
    checkNotNull(name, "parameter name must not be null");
    Entry e = get(name);
    return e.length - e.kept.cardinality();
  }

  /** Pruned over all entries (0 for an empty set). */
  public double sparsity() {
    long total = totalCount();
    return total == 0 ? 0 : (double) prunedCount() / total;
  }

  /** The sparsity of each mask, keyed by name. */
  public ImmutableMap<String, Double> sparsityByName() {
    ImmutableMap.Builder<String, Double> out = ImmutableMap.builderWithExpectedSize(entries.size());
    entries.forEach(
        (name, e) -> out.put(name, (double) (e.length - e.kept.cardinality()) / e.length));
    return out.buildOrThrow();
  }

  /**
   * Installs every recorded mask on the parameter of the same name among {@code params}.
   *
   * @throws IllegalArgumentException if a name is missing or a shape differs; nothing is installed
   *     then
   */
  public void installOn(Collection<Param> params) {
    Map<String, Param> byName = new LinkedHashMap<>();
    for (Param p : params) {
      byName.put(p.name(), p);
    }
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Param p = byName.get(e.getKey());
      checkArgument(
          p != null,
          "mask set has a mask for %s but the model has no such parameter (it has e.g. %s)",
          e.getKey(),
          ImmutableList.copyOf(byName.keySet()).subList(0, Math.min(5, byName.size())));
      checkArgument(
          Arrays.equals(p.value().shape(), e.getValue().shape),
          "mask of %s has shape %s but the parameter has shape %s; was the architecture changed?",
          e.getKey(),
          Arrays.toString(e.getValue().shape),
          Arrays.toString(p.value().shape()));
    }
    for (String name : entries.keySet()) {
      Param p = byName.get(name);
      p.setMask(mask(name, p.value().dataType()));
    }
  }

  /** Installs every recorded mask on the parameter of the same name in {@code model}. */
  public void installOn(Module model) {
    installOn(model.params());
  }

  private Entry get(String name) {
    checkNotNull(name, "parameter name must not be null");
    Entry e = entries.get(name);
    checkArgument(e != null, "mask set has no mask for %s; it has %s", name, entries.keySet());
    return e;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MaskSet m && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries);
  }

  @Override
  public String toString() {
    return String.format(
        "MaskSet{%s tensors, %s of %s pruned (%.4f)}",
        entries.size(), prunedCount(), totalCount(), sparsity());
  }
}
