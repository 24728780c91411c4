package dev.supertickets.examples;

import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mean and spread over seeds of several {@link FamilyComparison} reports of the same methods and sparsities: one
 * row per method and target, test accuracy as mean ± sample standard deviation with every seed's figure beside it,
 * written as {@code summary.md} and {@code summary.json}. A report that failed a row, or reports of different
 * settings apart from the seed, are refused.
 */
@Command(name = "SeedSummary", mixinStandardHelpOptions = true,
    description = "Summarises FamilyComparison reports of several seeds: mean ± sd per method and sparsity.")
public final class SeedSummary implements Callable<Integer> {
  @Option(names = "--in", split = ",", required = true,
      description = "the report folders, one per seed (each holds family.json)")
  List<Path> in;

  @Option(names = "--out", required = true, description = "where summary.md and summary.json go")
  Path out;

  /** Reads the reports, writes the summary and prints it. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SeedSummary()).execute(dev.supertickets.cli.Args.of(args)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() throws IOException {
    Map<String, List<Double>> acc = new LinkedHashMap<>();
    Map<String, String> description = new LinkedHashMap<>();
    List<Object> seeds = new ArrayList<>();
    Map<String, Object> firstSettings = null;
    for (Path dir : in) {
      Path file = dir.resolve(FamilyComparison.JSON_FILE);
      Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(file));
      Map<String, Object> settings = new LinkedHashMap<>((Map<String, Object>) report.get("settings"));
      seeds.add(settings.remove("seed"));
      settings.remove("out");
      if (firstSettings == null) {
        firstSettings = settings;
      } else if (!firstSettings.equals(settings)) {
        throw new IllegalArgumentException(file + " was run with other settings than " + in.get(0) + " (apart from "
            + "the seed): " + settings + " against " + firstSettings + "; summarise runs of one configuration");
      }
      for (Map<String, Object> row : (List<Map<String, Object>>) report.get("rows")) {
        String key = row.get("method") + "@" + row.get("target");
        if (row.get("error") != null) {
          throw new IllegalArgumentException(file + ": row " + key + " failed (" + row.get("error") + "); rerun it");
        }
        acc.computeIfAbsent(key, k -> new ArrayList<>()).add(((Number) row.get("testAccuracy")).doubleValue());
        description.put(key, (String) row.get("description"));
      }
    }
    StringBuilder md = new StringBuilder("| method | target | test acc, mean ± sd | per seed (" + seeds + ") |\n"
        + "|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (Map.Entry<String, List<Double>> e : acc.entrySet()) {
      ReferenceTable.Stat s = ReferenceTable.Stat.of(e.getValue());
      String target = e.getKey().substring(e.getKey().indexOf('@') + 1);
      md.append(String.format(Locale.ROOT, "| %s | %s | %.4f ± %.4f | %s |\n", description.get(e.getKey()), target,
          s.mean(), s.sd(), e.getValue().stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList()));
      json.put(e.getKey(), Map.of("mean", s.mean(), "sd", s.sd(), "n", s.n(), "perSeed", e.getValue()));
    }
    Files.createDirectories(out);
    AtomicFiles.write(out.resolve("summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(out.resolve("summary.json"), Json.writePretty(Map.of("seeds", seeds, "settings",
        firstSettings, "rows", json)).getBytes(StandardCharsets.UTF_8));
    System.out.print(md);
    return 0;
  }
}
