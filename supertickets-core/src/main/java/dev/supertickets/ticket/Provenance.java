package dev.supertickets.ticket;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.tensor.Backend;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a ticket came from: the method, the seed, every setting, the data, the library, ND4J and Java versions, the
 * backend, and when. Immutable; written into the ticket file as JSON.
 */
public record Provenance(ImmutableMap<String, String> entries) {
  /** The library version this code writes into provenance. */
  public static final String LIBRARY_VERSION = "0.1.0";

  /** Copies {@code entries}, key to value, in insertion order. */
  public Provenance {
    entries = ImmutableMap.copyOf(entries);
  }

  /** Provenance of a new run: the given settings plus versions, backend and time. */
  public static Provenance of(Map<String, ?> settings) {
    Map<String, String> m = new LinkedHashMap<>();
    settings.forEach((k, v) -> m.put(k, String.valueOf(v)));
    m.put("library.version", LIBRARY_VERSION);
    m.put("nd4j.version", "1.0.0-M2.1");
    m.put("backend", Backend.describe());
    m.put("java.version", System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("created", Instant.now().toString());
    return new Provenance(ImmutableMap.copyOf(m));
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
