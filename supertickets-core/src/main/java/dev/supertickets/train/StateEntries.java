package dev.supertickets.train;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.supertickets.io.Archive;
import dev.supertickets.io.FileFormatException;
import dev.supertickets.io.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How every checkpoint of the library stores a {@link TrainerState} and the states of step hooks:
 * arrays as npy entries of an {@link Archive}, the rest in the checkpoint's JSON (numbers as
 * strings, which round-trip exactly). Shared so that a SuperTickets draw and a sparse drawer's
 * training run resume through one format.
 */
public final class StateEntries {
  private StateEntries() {}

  /** Adds {@code s} to a checkpoint's archive entries and JSON. */
  public static void writeTrainer(
      TrainerState s, Map<String, byte[]> entries, Map<String, Object> json) {
    checkNotNull(s, "trainer state must not be null");
    checkNotNull(entries, "entries must not be null");
    checkNotNull(json, "json must not be null");
    Map<String, Object> opt = new LinkedHashMap<>();
    s.optimizer()
        .forEach(
            (name, slots) -> {
              opt.put(name, (long) slots.size());
              for (int i = 0; i < slots.size(); i++) {
                entries.put("optimizer/" + name + "/" + i + ".npy", Npy.write(slots.get(i)));
              }
            });
    json.put("optimizer", opt);
    json.put("optimizerSteps", Long.toString(s.optimizerSteps()));
    json.put("emaShadows", new ArrayList<Object>(s.emaShadows().keySet()));
    s.emaShadows().forEach((k, v) -> entries.put("ema/" + k + ".npy", Npy.write(v)));
    json.put("emaStats", new ArrayList<Object>(s.emaStats().keySet()));
    s.emaStats().forEach((k, v) -> entries.put("ema-stats/" + k + ".npy", Npy.write(v)));
    json.put("emaUpdates", Long.toString(s.emaUpdates()));
    List<Object> drop = new ArrayList<>();
    for (long[] d : s.dropouts()) {
      drop.add(List.of(Long.toString(d[0]), Long.toString(d[1])));
    }
    json.put("dropouts", drop);
  }

  /**
   * The trainer state {@link #writeTrainer} stored in {@code a} (read from {@code file}) at global
   * step {@code globalStep}.
   *
   * @throws FileFormatException if an array entry is missing or damaged
   */
  public static TrainerState readTrainer(Archive a, Path file, Map<?, ?> json, long globalStep)
      throws FileFormatException {
    checkNotNull(a, "archive must not be null");
    checkNotNull(file, "file must not be null");
    checkNotNull(json, "json must not be null");
    Map<String, ImmutableList<INDArray>> opt = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) json.get("optimizer")).entrySet()) {
      String name = (String) e.getKey();
      List<INDArray> slots = new ArrayList<>();
      for (int i = 0; i < ((Number) e.getValue()).intValue(); i++) {
        String entry = "optimizer/" + name + "/" + i + ".npy";
        slots.add(Npy.read(a.entry(entry, file), file, entry));
      }
      opt.put(name, ImmutableList.copyOf(slots));
    }
    ImmutableList.Builder<long[]> drop = ImmutableList.builder();
    for (Object o : (List<?>) json.get("dropouts")) {
      List<?> d = (List<?>) o;
      drop.add(new long[] {Long.parseLong((String) d.get(0)), Long.parseLong((String) d.get(1))});
    }
    return new TrainerState(
        ImmutableMap.copyOf(opt),
        Long.parseLong((String) json.get("optimizerSteps")),
        tensors(a, file, "ema/", json.get("emaShadows")),
        tensors(a, file, "ema-stats/", json.get("emaStats")),
        Long.parseLong((String) json.get("emaUpdates")),
        drop.build(),
        globalStep);
  }

  /** Adds the hooks' states, in the hooks' order, to a checkpoint's entries and JSON. */
  public static void writeHooks(
      List<HookState> hooks, Map<String, byte[]> entries, Map<String, Object> json) {
    checkNotNull(hooks, "hook states must not be null");
    checkNotNull(entries, "entries must not be null");
    checkNotNull(json, "json must not be null");
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < hooks.size(); i++) {
      HookState h = hooks.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("values", new LinkedHashMap<String, Object>(h.values()));
      m.put("arrays", new ArrayList<Object>(h.arrays().keySet()));
      String prefix = "hooks/" + i + "/";
      h.arrays().forEach((k, v) -> entries.put(prefix + k + ".npy", Npy.write(v)));
      out.add(m);
    }
    json.put("hooks", out);
  }

  /**
   * The hook states {@link #writeHooks} stored; empty when the JSON has none.
   *
   * @throws FileFormatException if an array entry is missing or damaged
   */
  public static ImmutableList<HookState> readHooks(Archive a, Path file, Map<?, ?> json)
      throws FileFormatException {
    checkNotNull(a, "archive must not be null");
    checkNotNull(file, "file must not be null");
    checkNotNull(json, "json must not be null");
    ImmutableList.Builder<HookState> out = ImmutableList.builder();
    Object hooks = json.get("hooks");
    if (hooks == null) {
      return out.build();
    }
    int i = 0;
    for (Object o : (List<?>) hooks) {
      Map<?, ?> m = (Map<?, ?>) o;
      Map<String, String> values = new LinkedHashMap<>();
      ((Map<?, ?>) m.get("values")).forEach((k, v) -> values.put((String) k, (String) v));
      out.add(
          new HookState(
              ImmutableMap.copyOf(values), tensors(a, file, "hooks/" + i + "/", m.get("arrays"))));
      i++;
    }
    return out.build();
  }

  private static ImmutableMap<String, INDArray> tensors(
      Archive a, Path file, String prefix, Object names) throws FileFormatException {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (Object o : (List<?>) names) {
      String entry = prefix + o + ".npy";
      m.put((String) o, Npy.read(a.entry(entry, file), file, entry));
    }
    return ImmutableMap.copyOf(m);
  }

  /** The name of a checkpoint's own JSON entry. */
  public static final String JSON_ENTRY = "checkpoint.json";

  /** Adds a checkpoint's JSON, pretty-printed, as its {@value #JSON_ENTRY} entry. */
  public static void putJson(Map<String, byte[]> entries, Map<String, Object> json) {
    checkNotNull(entries, "entries must not be null");
    checkNotNull(json, "json must not be null");
    entries.put(
        JSON_ENTRY,
        dev.supertickets.io.Json.writePretty(json)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * A checkpoint's JSON object, its {@value #JSON_ENTRY} entry.
   *
   * @throws FileFormatException if the entry is missing (malformed JSON throws {@link
   *     dev.supertickets.io.JsonParseException})
   */
  public static Map<?, ?> json(Archive a, Path file) throws FileFormatException {
    checkNotNull(a, "archive must not be null");
    checkNotNull(file, "file must not be null");
    return (Map<?, ?>)
        dev.supertickets.io.Json.parse(
            new String(a.entry(JSON_ENTRY, file), java.nio.charset.StandardCharsets.UTF_8));
  }
}
