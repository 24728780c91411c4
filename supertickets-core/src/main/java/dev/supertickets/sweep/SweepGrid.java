package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.supertickets.io.Json;
import dev.supertickets.io.RecordComponents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A grid of cells: methods x sparsities x seeds with one space, recipe, budget and data. Methods
 * that train dense tickets ({@code dense}, {@code search-only}) get one cell a seed, at sparsity 0.
 * As JSON (a grid file):
 *
 * <pre>{@code
 * {"methods": ["supertickets", "gmp"], "sparsities": [0.8, 0.9], "seeds": [1, 2], "epochs": 3,
 *  "space": "tiny28", "recipe": "standard", "data": "embedded", "trainLimit": 2000, "testLimit": 500}
 * }</pre>
 */
public record SweepGrid(
    ImmutableList<String> methods,
    ImmutableList<Double> sparsities,
    ImmutableList<Long> seeds,
    int epochs,
    String space,
    String recipe,
    String data,
    int trainLimit,
    int testLimit) {
  /** Checks the axes; every cell is checked again when {@link #cells} builds it. */
  public SweepGrid {
    checkNotNull(methods, "methods must not be null");
    checkNotNull(sparsities, "sparsities must not be null");
    checkNotNull(seeds, "seeds must not be null");
    checkNotNull(space, "space must not be null");
    checkNotNull(recipe, "recipe must not be null; use standard or reference");
    checkNotNull(data, "data must not be null; use embedded or an IDX folder");
    checkArgument(
        !methods.isEmpty(), "a grid needs at least one method; use some of %s", SweepMethod.NAMES);
    checkArgument(!seeds.isEmpty(), "a grid needs at least one seed");
    checkArgument(
        !sparsities.isEmpty() || methods.stream().noneMatch(m -> SweepMethod.of(m).prunes()),
        "methods %s prune: give the grid at least one sparsity",
        methods);
  }

  /** The cells, method by method, then sparsity, then seed. */
  public List<SweepCell> cells() {
    List<SweepCell> out = new ArrayList<>();
    for (String m : methods) {
      List<Double> targets = SweepMethod.of(m).prunes() ? sparsities : List.of(0.0);
      for (double s : targets) {
        for (long seed : seeds) {
          out.add(new SweepCell(m, s, seed, epochs, space, recipe, data, trainLimit, testLimit));
        }
      }
    }
    return out;
  }

  /**
   * Checks what the cells need before any of them runs: distinct ids, and a data folder that holds
   * an IDX data set; names the first cell that fails and the fix.
   *
   * @throws IllegalArgumentException when a cell cannot run
   */
  public static void check(List<SweepCell> cells) {
    checkNotNull(cells, "cells must not be null");
    checkArgument(!cells.isEmpty(), "a sweep needs at least one cell");
    Set<String> ids = new HashSet<>();
    for (SweepCell c : cells) {
      checkArgument(ids.add(c.id()), "cell %s appears twice in the grid; drop the repeat", c.id());
      if (!c.data().equals(SweepCell.EMBEDDED)) {
        Path dir = Path.of(c.data());
        checkArgument(
            Files.isDirectory(dir),
            "cell %s: data folder %s does not exist; install Debian's dataset-fashion-mnist, put an"
                + " IDX data set there (on storage every worker sees), or use data \"%s\"",
            c.id(),
            dir.toAbsolutePath(),
            SweepCell.EMBEDDED);
      }
    }
  }

  /**
   * The grid a grid file holds (see the class comment); absent limits are 0, absent recipe {@code
   * standard}.
   */
  public static SweepGrid fromJson(String json) {
    Object tree = Json.parse(checkNotNull(json, "json must not be null"));
    checkArgument(tree instanceof Map<?, ?>, "a grid is a JSON object, got %s", json);
    Map<?, ?> m = (Map<?, ?>) tree;
    return new SweepGrid(
        list(m, "methods", String.class),
        list(m, "sparsities", Number.class).stream()
            .map(Number::doubleValue)
            .collect(ImmutableList.toImmutableList()),
        list(m, "seeds", Number.class).stream()
            .map(Number::longValue)
            .collect(ImmutableList.toImmutableList()),
        number(m, "epochs", null).intValue(),
        string(m, "space", null),
        string(m, "recipe", "standard"),
        string(m, "data", null),
        number(m, "trainLimit", 0).intValue(),
        number(m, "testLimit", 0).intValue());
  }

  /** The grid as {@link #fromJson} reads it. */
  public Map<String, Object> asMap() {
    return RecordComponents.of(this);
  }

  private static <T> ImmutableList<T> list(Map<?, ?> m, String key, Class<T> type) {
    Object v = m.get(key);
    if (v == null && key.equals("sparsities")) {
      return ImmutableList.of();
    }
    checkArgument(v instanceof List<?>, "grid field %s must be a list, got %s", key, v);
    ImmutableList.Builder<T> out = ImmutableList.builder();
    for (Object e : (List<?>) v) {
      checkArgument(
          type.isInstance(e),
          "grid field %s must hold %s values, got %s",
          key,
          type.getSimpleName().toLowerCase(java.util.Locale.ROOT),
          e);
      out.add(type.cast(e));
    }
    return out.build();
  }

  private static String string(Map<?, ?> m, String key, String absent) {
    Object v = m.get(key);
    if (v == null && absent != null) {
      return absent;
    }
    checkArgument(v instanceof String, "grid field %s must be a string, got %s", key, v);
    return (String) v;
  }

  private static Number number(Map<?, ?> m, String key, Number absent) {
    Object v = m.get(key);
    if (v == null && absent != null) {
      return absent;
    }
    checkArgument(v instanceof Number, "grid field %s must be a number, got %s", key, v);
    return (Number) v;
  }
}
