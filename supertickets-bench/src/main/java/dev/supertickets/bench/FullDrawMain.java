package dev.supertickets.bench;

import dev.supertickets.cli.SuperTicketsCli;
import dev.supertickets.data.FashionMnist;
import dev.supertickets.io.AtomicFiles;
import dev.supertickets.io.Json;
import dev.supertickets.tensor.MemoryUse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-run benchmark (a program, not a test): one full draw, the README's, in this process, then
 * its results with the wall time and the process's memory (peak RSS, ND4J workspaces, JavaCPP's
 * off-heap bytes) to {@code full-draw.md} and {@code full-draw.json}. Its own JVM, so the peak RSS
 * is the draw's alone.
 *
 * <pre>
 *   mvn -q -B install -DskipTests
 *   mvn -q -B -pl supertickets-bench exec:exec -Dbench.mainClass=dev.supertickets.bench.FullDrawMain -Dbench.xmx=512m
 * </pre>
 *
 * <p>Arguments, if any, replace the draw's ({@code supertickets draw} options, e.g. {@code --space
 * tiny28 --data embedded --epochs 1}); {@code bench.outDir} sets the output folder (target/bench),
 * where the ticket goes too. Exit status: the draw's.
 */
public final class FullDrawMain {
  /** Output file names in the output directory. */
  public static final String MARKDOWN_FILE = "full-draw.md";

  public static final String JSON_FILE = "full-draw.json";

  /**
   * The README's full draw: 90% sparsity from {@code default28} on all of Fashion-MNIST, one
   * retraining epoch.
   */
  public static final List<String> DEFAULT_DRAW =
      List.of(
          "--space",
          "default28",
          "--epochs",
          "3",
          "--sparsity",
          "0.9",
          "--retrain-epochs",
          "1",
          "--data",
          FashionMnist.DEFAULT_DIRECTORY.toString());

  private FullDrawMain() {}

  /**
   * What one whole run gave.
   *
   * @param arguments the draw's arguments
   * @param exitCode the draw's exit status
   * @param wallSeconds wall time of the draw command, loading, retraining, evaluation and saving
   *     included
   * @param printed the key-value lines the draw printed, in order
   * @param memory the process's memory when the draw had finished
   */
  public record Result(
      List<String> arguments,
      int exitCode,
      double wallSeconds,
      Map<String, String> printed,
      MemoryUse memory) {}

  public static void main(String[] args) throws IOException {
    Path outDir = Path.of(System.getProperty("bench.outDir", "target/bench"));
    Result r = run(args.length > 0 ? List.of(args) : DEFAULT_DRAW, outDir);
    write(r, outDir);
    System.out.println(markdown(r));
    System.exit(r.exitCode());
  }

  /** Runs {@code supertickets draw} with {@code arguments}, the ticket saved in {@code outDir}. */
  public static Result run(List<String> arguments, Path outDir) {
    List<String> cmd = new ArrayList<>(List.of("draw"));
    cmd.addAll(arguments);
    cmd.addAll(List.of("--out", outDir.resolve("full-draw.stkt").toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code =
        SuperTicketsCli.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err,
            cmd.toArray(String[]::new));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, String> printed = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      String[] kv = line.strip().split("\\s+", 2);
      if (kv.length == 2) {
        printed.put(kv[0], kv[1]);
      }
    }
    return new Result(List.copyOf(arguments), code, seconds, printed, MemoryUse.now());
  }

  /** Writes the Markdown and JSON files, each atomically (the folder made if missing). */
  public static void write(Result r, Path outDir) throws IOException {
    AtomicFiles.write(outDir.resolve(MARKDOWN_FILE), markdown(r).getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(outDir.resolve(JSON_FILE), (json(r) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The run as a Markdown table. */
  public static String markdown(Result r) {
    StringBuilder b = new StringBuilder("# Full draw: wall time and memory\n\n");
    b.append("`supertickets draw ")
        .append(String.join(" ", r.arguments()))
        .append("`, exit status ")
        .append(r.exitCode())
        .append(".\n\n| figure | value |\n|---|---|\n");
    MemoryUse m = r.memory();
    row(b, "wall seconds (whole command)", r.wallSeconds());
    row(b, "peak RSS MiB", MemoryUse.mib(m.peakRssBytes()));
    row(b, "ND4J workspaces MiB", MemoryUse.mib(m.workspaceBytes()));
    row(b, "JavaCPP off-heap MiB", MemoryUse.mib(m.offHeapBytes()));
    row(b, "Java heap in use MiB", MemoryUse.mib(m.heapBytes()));
    r.printed().forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    return b.toString();
  }

  private static void row(StringBuilder b, String figure, double value) {
    b.append(String.format(Locale.ROOT, "| %s | %.1f |%n", figure, value));
  }

  /** The run as JSON (memory in bytes). */
  public static String json(Result r) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("arguments", r.arguments());
    root.put("exitCode", (long) r.exitCode());
    root.put("wallSeconds", r.wallSeconds());
    MemoryUse m = r.memory();
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("peakRssBytes", m.peakRssBytes());
    mem.put("rssBytes", m.rssBytes());
    mem.put("workspaceBytes", m.workspaceBytes());
    mem.put("offHeapBytes", m.offHeapBytes());
    mem.put("physicalBytes", m.physicalBytes());
    mem.put("heapBytes", m.heapBytes());
    root.put("memory", mem);
    root.put("printed", new LinkedHashMap<>(r.printed()));
    return Json.writePretty(root);
  }
}
