package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.tensor.Backend;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a ticket came from: the method, the seed, every setting, the data, the library, ND4J and
 * Java versions, the backend, and when. Immutable; written into the ticket file as JSON.
 */
public record Provenance(ImmutableMap<String, String> entries) {
  /** The library version this code writes into provenance, as the build recorded it. */
  public static final String LIBRARY_VERSION = build("library.version");

  /** The ND4J version the library was built against, as the build recorded it. */
  public static final String ND4J_VERSION = build("nd4j.version");

  /** Copies {@code entries}, key to value, in insertion order. */
  public Provenance {
    entries = ImmutableMap.copyOf(entries);
  }

  /** Provenance of a new run: the given settings plus versions, backend and time. */
  public static Provenance of(Map<String, ?> settings) {
    Map<String, String> m = new LinkedHashMap<>();
    settings.forEach((k, v) -> m.put(k, String.valueOf(v)));
    m.put("library.version", LIBRARY_VERSION);
    m.put("nd4j.version", ND4J_VERSION);
    m.put("backend", Backend.describe());
    m.put("java.version", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("created", Instant.now().toString());
    return new Provenance(ImmutableMap.copyOf(m));
  }

  /**
   * A value of the properties Maven filled in when it built the core ("unknown" outside a Maven
   * build).
   */
  private static String build(String key) {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in =
        Provenance.class.getResourceAsStream("/dev/supertickets/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("the build's properties are unreadable", e);
    }
    String v = p.getProperty(key, "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }

  /**
   * Refuses to continue a run from a file written by a differently configured one: every setting of
   * {@code mine} that {@code recorded} also holds must have the same value (settings added after
   * the file was written are not compared).
   *
   * @param file the checkpoint or folder the recorded settings came from, named in the error
   * @throws IllegalArgumentException naming the first setting that differs, both values and the fix
   */
  public static void checkSameSettings(
      Object file, Map<String, ?> mine, Map<String, String> recorded) {
    checkNotNull(file, "file must not be null; it names the checkpoint in errors");
    checkNotNull(mine, "settings must not be null");
    checkNotNull(recorded, "recorded settings must not be null");
    for (Map.Entry<String, ?> e : mine.entrySet()) {
      String was = recorded.get(e.getKey());
      if (was != null && !String.valueOf(e.getValue()).equals(was)) {
        throw new IllegalArgumentException(
            String.format(
                "checkpoint %s was written by a run with %s=%s, this one has %s; configure the"
                    + " drawer (and the data) as the checkpointed run to resume it, or delete the"
                    + " checkpoint to start afresh",
                file, e.getKey(), was, e.getValue()));
      }
    }
  }

  /**
   * Records the data of a run: {@code PREFIX train} and {@code PREFIX test} ({@code "none"} for no
   * test data), each as {@link dev.supertickets.data.Dataset#describe()}.
   */
  public static void putData(
      Map<String, Object> m,
      String prefix,
      dev.supertickets.data.Dataset train,
      dev.supertickets.data.Dataset test) {
    checkNotNull(m, "map must not be null");
    checkNotNull(prefix, "prefix must not be null; e.g. \"data.\"");
    checkNotNull(train, "training data must not be null");
    m.put(prefix + "train", train.describe());
    m.put(prefix + "test", test == null ? "none" : test.describe());
  }

  /** A copy with more entries (later ones win). */
  public Provenance with(Map<String, ?> more) {
    Map<String, String> m = new LinkedHashMap<>(entries);
    more.forEach((k, v) -> m.put(k, String.valueOf(v)));
    return new Provenance(ImmutableMap.copyOf(m));
  }

  /** The value of {@code key}, or null when absent. */
  public String get(String key) {
    checkNotNull(key, "provenance key must not be null");
    return entries.get(key);
  }
}
