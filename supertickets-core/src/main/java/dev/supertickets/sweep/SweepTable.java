package dev.supertickets.sweep;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A sweep's rows as tables: every cell, and the mean and standard deviation over seeds of each
 * method at each target. Written as {@code sweep.md} and {@code sweep.json}.
 */
public record SweepTable(List<SweepRow> rows) {
  /** The Markdown file. */
  public static final String MARKDOWN_FILE = "sweep.md";

  /** The JSON file. */
  public static final String JSON_FILE = "sweep.json";

  /** Copies the rows, in method, target and seed order. */
  public SweepTable {
    rows =
        rows.stream()
            .sorted(
                Comparator.comparingInt(
                        (SweepRow r) -> SweepMethod.NAMES.indexOf(r.cell().method()))
                    .thenComparingDouble(r -> r.cell().sparsity())
                    .thenComparingLong(r -> r.cell().seed()))
            .toList();
  }

  /** The rows of cells that appear more than once (a sweep must have none). */
  public List<String> duplicates() {
    return rows.stream()
        .collect(
            Collectors.groupingBy(r -> r.cell().id(), LinkedHashMap::new, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Every cell's row, then the means over seeds. */
  public String markdown() {
    StringBuilder sb = new StringBuilder(SweepRow.MARKDOWN_HEADER).append('\n');
    rows.forEach(r -> sb.append(r.markdown()).append('\n'));
    sb.append(
        "\n"
            + "| method | target | seeds | test acc, mean ± sd | sparsity, mean |\n"
            + "|---|---|---|---|---|\n");
    for (Map<String, Object> s : summary()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %d | %.4f ± %.4f | %.4f |%n",
              s.get("method"),
              s.get("target"),
              s.get("seeds"),
              s.get("meanAccuracy"),
              s.get("sdAccuracy"),
              s.get("meanSparsity")));
    }
    return sb.toString();
  }

  /** Mean and sample standard deviation of the test accuracy over seeds, per method and target. */
  public List<Map<String, Object>> summary() {
    Map<String, List<SweepRow>> groups = new LinkedHashMap<>();
    for (SweepRow r : rows) {
      groups
          .computeIfAbsent(r.cell().method() + "@" + r.cell().sparsity(), k -> new ArrayList<>())
          .add(r);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<SweepRow> g : groups.values()) {
      double mean = g.stream().mapToDouble(SweepRow::testAccuracy).average().orElseThrow();
      double var =
          g.size() < 2
              ? 0
              : g.stream().mapToDouble(r -> Math.pow(r.testAccuracy() - mean, 2)).sum()
                  / (g.size() - 1);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", g.get(0).cell().method());
      m.put("target", g.get(0).cell().sparsity());
      m.put("seeds", g.size());
      m.put("meanAccuracy", mean);
      m.put("sdAccuracy", Math.sqrt(var));
      m.put("meanSparsity", g.stream().mapToDouble(SweepRow::sparsity).average().orElseThrow());
      out.add(m);
    }
    return out;
  }

  /**
   * Writes {@link #MARKDOWN_FILE} and {@link #JSON_FILE} (with {@code settings}) atomically to
   * {@code dir}.
   */
  public void write(Path dir, Map<String, Object> settings) throws IOException {
    checkArgument(duplicates().isEmpty(), "cells %s have more than one row", duplicates());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("settings", settings);
    json.put("rows", rows.stream().map(SweepRow::asMap).toList());
    json.put("summary", summary());
    AtomicFiles.write(
        dir.resolve(JSON_FILE), (Json.writePretty(json) + "\n").getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(dir.resolve(MARKDOWN_FILE), markdown().getBytes(StandardCharsets.UTF_8));
  }
}
