package dev.supertickets.experiments;

import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one {@link Baselines} run: its settings, the environment and the rows; renders
 * itself as a Markdown table and as JSON and writes both atomically.
 */
public record BaselineReport(
    Map<String, Object> settings, Map<String, Object> environment, List<BaselineRow> rows) {
  /** The Markdown file's name in the output directory. */
  public static final String MARKDOWN_FILE = "baselines.md";

  /** The JSON file's name in the output directory. */
  public static final String JSON_FILE = "baselines.json";

  /** Copies the settings and environment (keeping their order) and the rows. */
  public BaselineReport {
    // unmodifiable copies that keep the caller's order, so the JSON reads in a stable order
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    rows = List.copyOf(rows);
  }

  /** The row of a method, e.g. {@code search-only}. */
  public BaselineRow row(String method) {
    return rows.stream()
        .filter(r -> r.method().equals(method))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no row for method "
                        + method
                        + "; the methods are "
                        + rows.stream().map(BaselineRow::method).toList()));
  }

  /** The table with a one-line caption of the settings. */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "Baselines: space %s, data %s (%s train / %s test images), %s draw epochs, %s retrain "
                + "epochs, target sparsity %s, scope %s, seed %s%n%n",
            settings.get("space"),
            settings.get("data"),
            environment.get("trainImages"),
            environment.get("testImages"),
            settings.get("epochs"),
            settings.get("retrainEpochs"),
            settings.get("sparsity"),
            settings.get("scope"),
            settings.get("seed")));
    sb.append(BaselineRow.markdownHeader()).append('\n');
    for (BaselineRow r : rows) {
      sb.append(r.markdown()).append('\n');
    }
    return sb.toString();
  }

  /** Settings, environment and rows as pretty JSON. */
  public String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("settings", settings);
    m.put("environment", environment);
    m.put("rows", rows.stream().map(BaselineRow::asMap).toList());
    return Json.writePretty(m) + "\n";
  }

  /** Writes {@value #MARKDOWN_FILE} and {@value #JSON_FILE} into {@code dir}, each atomically. */
  public void write(Path dir) throws IOException {
    AtomicFiles.write(dir.resolve(MARKDOWN_FILE), markdown().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(dir.resolve(JSON_FILE), json().getBytes(StandardCharsets.UTF_8));
  }
}
