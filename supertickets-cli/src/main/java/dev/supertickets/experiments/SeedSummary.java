package dev.supertickets.experiments;

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
 * Mean and spread over seeds of several {@link FamilyComparison} reports of one configuration: one
 * row per method and target, test accuracy as mean ± sample standard deviation with every seed's
 * figure beside it, and the mean sparse MACs and the range of epochs beside (a ticket's cost, not
 * only its accuracy), written as {@code summary.md} and {@code summary.json}. Reports may cover
 * different methods and sparsities (a long run of every column on one seed, the 0.9 column on
 * more), and one seed may be split over several reports (a row measured again for one seed counts
 * once when its figure is the same, as a rerun on one backend gives it); a row that failed, a row
 * of one seed with two different figures, or reports whose settings differ otherwise are refused.
 */
@Command(
    name = "SeedSummary",
    mixinStandardHelpOptions = true,
    description =
        "Summarises FamilyComparison reports of several seeds: mean ± sd per method and sparsity.")
public final class SeedSummary implements Callable<Integer> {
  @Option(
      names = "--in",
      split = ",",
      required = true,
      description = "the report folders, one per seed (each holds family.json)")
  List<Path> in;

  @Option(
      names = "--keep",
      description =
          "read only these methods from a report folder, e.g. --keep DIR=dense+imp+gmp (the rows of"
              + " its other methods were superseded by a later report); the folder must be in --in")
  Map<Path, String> keep = new LinkedHashMap<>();

  @Option(names = "--out", required = true, description = "where summary.md and summary.json go")
  Path out;

  /** Reads the reports, writes the summary and prints it. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SeedSummary()).execute(dev.supertickets.cli.Args.of(args)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Integer call() throws IOException {
    Map<String, Map<Object, Double>> acc = new LinkedHashMap<>();
    Map<String, List<Double>> sparseMacs = new LinkedHashMap<>();
    Map<String, List<Integer>> epochs = new LinkedHashMap<>();
    Map<String, String> description = new LinkedHashMap<>();
    java.util.Set<Object> seeds = new java.util.LinkedHashSet<>();
    Map<String, Object> firstSettings = null;
    for (Path dir : keep.keySet()) {
      if (!in.contains(dir)) {
        throw new IllegalArgumentException(
            "--keep names " + dir + ", which is not one of the --in folders " + in);
      }
    }
    for (Path dir : in) {
      List<String> kept = keep.containsKey(dir) ? List.of(keep.get(dir).split("\\+")) : null;
      Path file = dir.resolve(FamilyComparison.JSON_FILE);
      Map<String, Object> report = (Map<String, Object>) Json.parse(Files.readString(file));
      Map<String, Object> settings =
          new LinkedHashMap<>((Map<String, Object>) report.get("settings"));
      Object seed = settings.remove("seed");
      seeds.add(seed);
      // which rows a report holds and how it was scheduled do not change any row
      for (String rowChoice : List.of("out", "methods", "sparsities", "threads")) {
        settings.remove(rowChoice);
      }
      if (firstSettings == null) {
        firstSettings = settings;
      } else if (!firstSettings.equals(settings)) {
        throw new IllegalArgumentException(
            file
                + " was run with other settings than "
                + in.get(0)
                + " (apart from "
                + "the seed, methods and sparsities): "
                + settings
                + " against "
                + firstSettings
                + "; summarise runs of one configuration");
      }
      for (Map<String, Object> row : (List<Map<String, Object>>) report.get("rows")) {
        if (kept != null && !kept.contains(String.valueOf(row.get("method")))) {
          continue;
        }
        String key = row.get("method") + "@" + row.get("target");
        if (row.get("error") != null) {
          throw new IllegalArgumentException(
              file + ": row " + key + " failed (" + row.get("error") + "); rerun it");
        }
        double value = ((Number) row.get("testAccuracy")).doubleValue();
        Double before =
            acc.computeIfAbsent(key, k -> new LinkedHashMap<>()).putIfAbsent(seed, value);
        if (before != null) {
          // a rerun of one seed on one backend draws the same ticket, so it counts once; a
          // different figure is not a rerun of the same configuration
          if (before != value) {
            throw new IllegalArgumentException(
                file
                    + ": row "
                    + key
                    + " of seed "
                    + seed
                    + " is also in an earlier "
                    + "report with another figure ("
                    + before
                    + " against "
                    + value
                    + "); give each (method, sparsity, "
                    + "seed) once, or rerun on the same backend");
          }
          continue;
        }
        description.put(key, (String) row.get("description"));
        if (row.get("sparseMacs") instanceof Number m) {
          sparseMacs.computeIfAbsent(key, k -> new ArrayList<>()).add(m.doubleValue());
        }
        if (row.get("epochs") instanceof Number n) {
          epochs.computeIfAbsent(key, k -> new ArrayList<>()).add(n.intValue());
        }
      }
    }
    StringBuilder md =
        new StringBuilder(
            "| method | target | test acc, mean ± sd | seeds | per seed "
                + "| MACs (sparse), mean | epochs |\n|---|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Object, Double>> e : acc.entrySet()) {
      List<Double> values = new ArrayList<>(e.getValue().values());
      ReferenceTable.Stat s = ReferenceTable.Stat.of(values);
      String target = e.getKey().substring(e.getKey().indexOf('@') + 1);
      String perSeed =
          e.getValue().entrySet().stream()
              .map(v -> String.format(Locale.ROOT, "%s: %.4f", v.getKey(), v.getValue()))
              .collect(java.util.stream.Collectors.joining(", "));
      String stat =
          s.n() > 1
              ? String.format(Locale.ROOT, "%.4f ± %.4f", s.mean(), s.sd())
              : String.format(Locale.ROOT, "%.4f", s.mean());
      List<Double> macs = sparseMacs.getOrDefault(e.getKey(), List.of());
      String macsCell =
          macs.isEmpty()
              ? ""
              : String.format(
                  Locale.ROOT,
                  "%,.0f",
                  macs.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
      java.util.IntSummaryStatistics ep =
          epochs.getOrDefault(e.getKey(), List.of()).stream()
              .mapToInt(Integer::intValue)
              .summaryStatistics();
      String epochsCell =
          ep.getCount() == 0
              ? ""
              : ep.getMin() == ep.getMax()
                  ? String.valueOf(ep.getMin())
                  : ep.getMin() + "–" + ep.getMax();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %s | %s |\n",
              description.get(e.getKey()),
              target,
              stat,
              s.n(),
              perSeed,
              macsCell,
              epochsCell));
      Map<String, Double> bySeed = new LinkedHashMap<>();
      e.getValue().forEach((k, v) -> bySeed.put(String.valueOf(k), v));
      json.put(e.getKey(), Map.of("mean", s.mean(), "sd", s.sd(), "n", s.n(), "perSeed", bySeed));
    }
    Files.createDirectories(out);
    AtomicFiles.write(out.resolve("summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(
        out.resolve("summary.json"),
        Json.writePretty(
                Map.of("seeds", new ArrayList<>(seeds), "settings", firstSettings, "rows", json))
            .getBytes(StandardCharsets.UTF_8));
    System.out.print(md);
    return 0;
  }
}
