package dev.supertickets.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Collects side-by-side rows (SuperTickets-J against the PyTorch peer) and writes them as Markdown and
 * JSON. Every ratio is {@code peer / ours} on median milliseconds per step: above 1 means
 * SuperTickets-J is faster.
 */
public final class BenchTable {

    /** Default output directory, relative to the working directory (the module when run by exec). */
    public static final Path DEFAULT_DIR = Path.of("target", "bench");

    /** Markdown file name written by {@link #write(Path)}. */
    public static final String MARKDOWN_FILE = "bench.md";

    /** JSON file name written by {@link #write(Path)}. */
    public static final String JSON_FILE = "bench.json";

    private final String title;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    /**
     * Creates an empty table.
     *
     * @param title heading of the Markdown output
     */
    public BenchTable(String title) {
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * One comparison.
     *
     * @param name the benchmark, e.g. "net2 training step, batch 128"
     * @param ours the SuperTickets-J timing, or null when pending or failed
     * @param peer the PyTorch timing, or null when pending or failed
     * @param note free text (why a side is missing, the error of a failed side); may be empty
     */
    public record Row(String name, StepBenchmark.Result ours, StepBenchmark.Result peer, String note) {

        /** Canonical constructor. */
        public Row {
            Objects.requireNonNull(name, "name");
            note = note == null ? "" : note;
        }

        /** @return peer median / ours median (speed-up of ours over the peer), or NaN if a side is missing */
        public double speedUp() {
            return ours != null && peer != null ? peer.medianMs() / ours.medianMs() : Double.NaN;
        }
    }

    /**
     * Records one environment fact (printed above the table and stored in the JSON).
     *
     * @param key name
     * @param value value; null is stored as "unset"
     * @return this
     */
    public BenchTable env(String key, Object value) {
        environment.put(Objects.requireNonNull(key, "key"), value == null ? "unset" : value.toString());
        return this;
    }

    /**
     * Adds a row.
     *
     * @param row the row
     * @return this
     */
    public BenchTable add(Row row) {
        rows.add(Objects.requireNonNull(row, "row"));
        return this;
    }

    /**
     * Adds a row.
     *
     * @param name the benchmark
     * @param ours the SuperTickets-J timing, or null
     * @param peer the PyTorch timing, or null
     * @return this
     */
    public BenchTable add(String name, StepBenchmark.Result ours, StepBenchmark.Result peer) {
        return add(new Row(name, ours, peer, ""));
    }

    /** @return the rows so far (unmodifiable) */
    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** @return the environment facts so far (unmodifiable, in insertion order) */
    public Map<String, String> environment() {
        return Collections.unmodifiableMap(environment);
    }

    /** @return the table and environment as Markdown */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        sb.append("Speed-up = PyTorch median / SuperTickets-J median (above 1: SuperTickets-J is faster).\n\n");
        sb.append("| benchmark | SuperTickets-J ms/step (median / mean / min) | PyTorch ms/step (median / mean / min)"
                + " | PyTorch images/s | SuperTickets-J images/s | speed-up | note |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(cell(r.name()))
                    .append(" | ").append(times(r.ours()))
                    .append(" | ").append(times(r.peer()))
                    .append(" | ").append(imagesPerSecond(r.peer()))
                    .append(" | ").append(imagesPerSecond(r.ours()))
                    .append(" | ").append(Double.isNaN(r.speedUp()) ? "n/a" : fmt("%.2fx", r.speedUp()))
                    .append(" | ").append(cell(r.note()))
                    .append(" |\n");
        }
        sb.append("\n## Environment\n\n| key | value |\n|---|---|\n");
        environment.forEach((k, v) -> sb.append("| ").append(cell(k)).append(" | ").append(cell(v)).append(" |\n"));
        return sb.toString();
    }

    /** @return the table and environment as a JSON object */
    public String toJson() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"title\": ").append(str(title)).append(",\n");
        sb.append("  \"ratio\": \"peer median / ours median\",\n");
        sb.append("  \"environment\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            sb.append(first ? "\n" : ",\n").append("    ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
            first = false;
        }
        sb.append(first ? "},\n" : "\n  },\n");
        sb.append("  \"rows\": [");
        first = true;
        for (Row r : rows) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            sb.append("    {\"name\": ").append(str(r.name()))
                    .append(", \"ours\": ").append(json(r.ours()))
                    .append(", \"peer\": ").append(json(r.peer()))
                    .append(", \"speedUp\": ").append(num(r.speedUp()))
                    .append(", \"note\": ").append(str(r.note()))
                    .append("}");
        }
        sb.append(first ? "]\n" : "\n  ]\n");
        sb.append("}\n");
        return sb.toString();
    }

    /**
     * Writes {@value #MARKDOWN_FILE} and {@value #JSON_FILE} into {@code dir}, creating it if needed.
     *
     * @param dir output directory
     * @throws IOException if writing fails
     */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKDOWN_FILE), toMarkdown(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(JSON_FILE), toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Prints the Markdown to {@code out}.
     *
     * @param out the stream
     */
    public void print(PrintStream out) {
        out.print(toMarkdown());
        out.flush();
    }

    private static String times(StepBenchmark.Result r) {
        return r == null ? "pending" : fmt("%.1f / %.1f / %.1f", r.medianMs(), r.meanMs(), r.minMs());
    }

    private static String imagesPerSecond(StepBenchmark.Result r) {
        return r == null || Double.isNaN(r.imagesPerSecond()) ? "n/a" : fmt("%.0f", r.imagesPerSecond());
    }

    private static String json(StepBenchmark.Result r) {
        if (r == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("{\"name\": ").append(str(r.name()))
                .append(", \"warmup\": ").append(r.warmup())
                .append(", \"steps\": ").append(r.steps())
                .append(", \"batchSize\": ").append(r.batchSize())
                .append(", \"meanMs\": ").append(num(r.meanMs()))
                .append(", \"medianMs\": ").append(num(r.medianMs()))
                .append(", \"minMs\": ").append(num(r.minMs()))
                .append(", \"maxMs\": ").append(num(r.maxMs()))
                .append(", \"imagesPerSecond\": ").append(num(r.imagesPerSecond()))
                .append(", \"samplesMs\": [");
        double[] s = r.samplesMs();
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(num(s[i]));
        }
        return sb.append("]}").toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? fmt("%.3f", v) : "null";
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
