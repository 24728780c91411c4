package dev.supertickets.io;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record's components by name, in declaration order: how settings records derive their provenance
 * entries.
 */
public final class RecordComponents {
  private RecordComponents() {}

  /** Every component's value by its name (values as they are; callers render them). */
  public static Map<String, Object> of(Record r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent rc : r.getClass().getRecordComponents()) {
      try {
        java.lang.reflect.Method accessor = rc.getAccessor();
        accessor.setAccessible(true); // settings records need not be public
        m.put(rc.getName(), accessor.invoke(r));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            r.getClass().getSimpleName() + " component " + rc.getName() + " unreadable", e);
      }
    }
    return m;
  }
}
