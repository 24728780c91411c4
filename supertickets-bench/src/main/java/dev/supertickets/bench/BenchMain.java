package dev.supertickets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Side-by-side training-step benchmark: SuperTickets-J against PyTorch 2.7.1 (through DJL 0.35.1).
 *
 * <p>Run from the repository root, after {@code mvn -q -B install -DskipTests}:
 *
 * <pre>
 *   mvn -q -pl supertickets-bench exec:exec
 *   mvn -q -pl supertickets-bench exec:exec -Dbench.steps=10 -Dbench.warmup=2
 * </pre>
 *
 * The exec configuration forks a JVM with {@code OMP_NUM_THREADS=1}, {@code -Dai.djl.offline=true},
 * {@code -Dai.djl.pytorch.num_threads=2}, {@code -Dai.djl.pytorch.num_interop_threads=1} and
 * {@code DJL_CACHE_DIR=target/djl-cache}. Results go to stdout and to {@code target/bench/bench.md} and
 * {@code target/bench/bench.json} (see {@link BenchTable}).
 *
 * <p>Settings (system property, or the command-line flag after it): {@code bench.warmup} /
 * {@code --warmup N} (default 3), {@code bench.steps} / {@code --steps N} (default 20),
 * {@code bench.outDir} / {@code --out DIR} (default target/bench), {@code bench.only} /
 * {@code --only ours|peer|both} (default both), {@code bench.rows} / {@code --rows a,b} (names of
 * rows to run, by prefix; default all).
 *
 * <p>Exit status: 0 when every side that was run succeeded, 1 when a side failed, 2 on bad arguments.
 */
public final class BenchMain {

    /**
     * One side-by-side comparison. A null supplier (or one that returns null) is a side that does not
     * exist yet: it is printed as "pending". A step that is {@link AutoCloseable} is closed after
     * timing.
     *
     * @param name row label
     * @param ours builds the SuperTickets-J step, or null while pending
     * @param peer builds the PyTorch step, or null while pending
     */
    public record BenchRow(String name, Supplier<? extends TimedStep> ours, Supplier<? extends TimedStep> peer) {
        /** Canonical constructor. */
        public BenchRow {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The label of the net2 row. */
    public static final String NET2 = "net2 training step (batch 128, 1x28x28)";

    private BenchMain() {}

    /**
     * The rows this benchmark runs.
     *
     * @return the rows, in order
     */
    public static List<BenchRow> rows() {
        List<BenchRow> rows = new ArrayList<>();
        rows.add(new BenchRow(
                NET2,
                OursNet2::new,
                TorchNet2::new));
        rows.add(new BenchRow(
                NET2 + " (masks on)",
                () -> new OursNet2(true),
                TorchNet2::new));
        // Further rows: rows.add(new BenchRow("name", OursX::new, TorchX::new));
        return rows;
    }

    /**
     * Entry point.
     *
     * @param args optional flags: --warmup N, --steps N, --out DIR, --only ours|peer|both, --rows a,b
     */
    public static void main(String[] args) {
        int status;
        try {
            status = run(Options.parse(args), rows());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /**
     * Runs the given rows and writes the table.
     *
     * @param options settings
     * @param rows rows to run
     * @return the exit status: 0 when every side that was run succeeded, else 1
     */
    public static int run(Options options, List<BenchRow> rows) {
        StepBenchmark bench = new StepBenchmark(options.warmup(), options.steps());
        BenchTable table = new BenchTable("SuperTickets-J vs PyTorch: training-step time");
        Environment.recordBasics(table, bench);
        System.out.println("SuperTickets-J bench: " + bench.warmup() + " warm-up + " + bench.steps()
                + " timed steps per side; cores " + Runtime.getRuntime().availableProcessors()
                + ", OMP_NUM_THREADS=" + Objects.toString(System.getenv("OMP_NUM_THREADS"), "unset"));
        boolean failed = false;
        boolean peerRan = false;
        for (BenchRow row : rows) {
            if (!options.selects(row.name())) {
                continue;
            }
            List<String> notes = new ArrayList<>();
            Side ours = options.runOurs()
                    ? runSide(bench, row.name(), "SuperTickets-J", row.ours()) : Side.skipped();
            Side peer = options.runPeer()
                    ? runSide(bench, row.name(), "PyTorch", row.peer()) : Side.skipped();
            peerRan |= peer.result() != null;
            failed |= ours.failed() || peer.failed();
            if (!ours.note().isEmpty()) {
                notes.add("SuperTickets-J " + ours.note());
            }
            if (!peer.note().isEmpty()) {
                notes.add("PyTorch " + peer.note());
            }
            table.add(new BenchTable.Row(row.name(), ours.result(), peer.result(), String.join("; ", notes)));
        }
        if (peerRan) {
            Environment.recordPyTorch(table);
        }
        System.out.println();
        table.print(System.out);
        try {
            table.write(options.outDir());
            System.out.println("\nwritten: " + options.outDir().resolve(BenchTable.MARKDOWN_FILE) + ", "
                    + options.outDir().resolve(BenchTable.JSON_FILE));
        } catch (IOException e) {
            System.err.println("bench: could not write " + options.outDir() + ": " + e);
            failed = true;
        }
        return failed ? 1 : 0;
    }

    private record Side(StepBenchmark.Result result, String note, boolean failed) {
        static Side skipped() {
            return new Side(null, "not run", false);
        }
    }

    private static Side runSide(StepBenchmark bench, String row, String side,
                                Supplier<? extends TimedStep> supplier) {
        String label = side + " " + row;
        TimedStep step = null;
        try {
            step = supplier == null ? null : supplier.get();
            if (step == null) {
                System.out.println(label + ": pending");
                return new Side(null, "pending", false);
            }
            System.out.println(label + ": warming up and timing ...");
            StepBenchmark.Result r = bench.run(label, step);
            System.out.println("  " + r);
            if (step instanceof TorchNet2 t) {
                System.out.printf(Locale.ROOT, "  sanity: loss on the fixed batch after %d steps (eval mode) = %.4f%n",
                        bench.warmup() + bench.steps(), t.loss());
            }
            return new Side(r, "", false);
        } catch (RuntimeException | LinkageError e) {
            System.out.println(label + ": FAILED: " + e);
            e.printStackTrace(System.out);
            return new Side(null, "failed: " + e, true);
        } finally {
            if (step instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.out.println(label + ": close failed: " + e);
                }
            }
        }
    }

    /**
     * Benchmark settings.
     *
     * @param warmup warm-up steps
     * @param steps timed steps
     * @param outDir output directory
     * @param only "ours", "peer" or "both"
     * @param rowPrefixes row-name prefixes to run; empty means all
     */
    public record Options(int warmup, int steps, Path outDir, String only, List<String> rowPrefixes) {

        /** Canonical constructor: validates. */
        public Options {
            if (!List.of("ours", "peer", "both").contains(only)) {
                throw new IllegalArgumentException("--only must be ours, peer or both, got " + only);
            }
            rowPrefixes = List.copyOf(rowPrefixes);
        }

        boolean runOurs() {
            return !only.equals("peer");
        }

        boolean runPeer() {
            return !only.equals("ours");
        }

        boolean selects(String rowName) {
            return rowPrefixes.isEmpty() || rowPrefixes.stream().anyMatch(rowName::startsWith);
        }

        /**
         * Reads the system properties, then lets the flags override them.
         *
         * @param args command-line flags
         * @return the options
         */
        public static Options parse(String[] args) {
            int warmup = intProperty("bench.warmup", StepBenchmark.DEFAULT_WARMUP);
            int steps = intProperty("bench.steps", StepBenchmark.DEFAULT_STEPS);
            Path out = Path.of(System.getProperty("bench.outDir", BenchTable.DEFAULT_DIR.toString()));
            String only = System.getProperty("bench.only", "both");
            String rows = System.getProperty("bench.rows", "");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.isBlank()) {
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--warmup" -> warmup = parseInt(a, v);
                    case "--steps" -> steps = parseInt(a, v);
                    case "--out" -> out = Path.of(v);
                    case "--only" -> only = v;
                    case "--rows" -> rows = v;
                    default -> throw new IllegalArgumentException("unknown flag " + a
                            + " (known: --warmup N, --steps N, --out DIR, --only ours|peer|both, --rows a,b)");
                }
            }
            List<String> prefixes = new ArrayList<>();
            for (String p : rows.split(",")) {
                if (!p.isBlank()) {
                    prefixes.add(p.strip());
                }
            }
            if (warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("need warmup >= 0 and steps >= 1");
            }
            return new Options(warmup, steps, out, only, prefixes);
        }

        private static int intProperty(String key, int def) {
            String v = System.getProperty(key);
            return v == null || v.isBlank() ? def : parseInt(key, v);
        }

        private static int parseInt(String key, String v) {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not an integer: " + v);
            }
        }
    }

    /** Environment facts recorded with every run. */
    static final class Environment {

        private Environment() {}

        static void recordBasics(BenchTable table, StepBenchmark bench) {
            Runtime rt = Runtime.getRuntime();
            table.env("date", Instant.now())
                    .env("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                            + " " + System.getProperty("java.vm.version") + ")")
                    .env("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
                            + " " + System.getProperty("os.arch"))
                    .env("cpu", cpuModel())
                    .env("cores (availableProcessors)", rt.availableProcessors())
                    .env("max heap MiB", rt.maxMemory() >> 20)
                    .env("OMP_NUM_THREADS", System.getenv("OMP_NUM_THREADS"))
                    .env("OMP_WAIT_POLICY", System.getenv("OMP_WAIT_POLICY"))
                    .env("warm-up steps", bench.warmup())
                    .env("timed steps", bench.steps());
        }

        static void recordPyTorch(BenchTable table) {
            table.env("DJL version", safe(ai.djl.engine.Engine::getDjlVersion));
            table.env("PyTorch version", safe(() -> ai.djl.engine.Engine.getEngine(TorchNet2.ENGINE).getVersion()));
            table.env("ai.djl.offline", System.getProperty("ai.djl.offline"));
            table.env("ai.djl.pytorch.num_threads (requested)", System.getProperty("ai.djl.pytorch.num_threads"));
            table.env("ai.djl.pytorch.num_interop_threads (requested)",
                    System.getProperty("ai.djl.pytorch.num_interop_threads"));
            table.env("torch intra-op threads (actual)", safe(() -> ai.djl.pytorch.jni.JniUtils.getNumThreads()));
            table.env("torch inter-op threads (actual)",
                    safe(() -> ai.djl.pytorch.jni.JniUtils.getNumInteropThreads()));
            table.env("DJL_CACHE_DIR", Objects.toString(System.getProperty("DJL_CACHE_DIR"),
                    Objects.toString(System.getenv("DJL_CACHE_DIR"), "unset")));
        }

        private static Object safe(Supplier<?> s) {
            try {
                return s.get();
            } catch (RuntimeException | LinkageError e) {
                return "unavailable (" + e + ")";
            }
        }

        private static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).strip();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or not readable
            }
            return "unknown";
        }
    }
}
