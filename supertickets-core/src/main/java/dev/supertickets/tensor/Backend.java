package dev.supertickets.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Chooses and initialises ND4J's native backend before anything else touches it.
 *
 * <p>All oneDNN builds of {@code nd4j-native} sit on the class path; JavaCPP loads the one named by the
 * system property {@value #EXTENSION_PROPERTY}. Left to itself it picks by class-path order, not by what the
 * CPU supports, so {@link #init()} sets it from the CPU's flags: {@code -onednn-avx512} where AVX-512
 * (F, BW, DQ, VL) is present, {@code -onednn-avx2} where AVX2 and FMA are, plain {@code -onednn} otherwise.
 * A user who sets the property (or {@code st.cpu.build=plain|onednn|onednn-avx2|onednn-avx512}) wins.
 */
public final class Backend {
  /** The JavaCPP property that selects a platform extension of nd4j-native. */
  public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
  /** Our own, friendlier override of the CPU build. */
  public static final String BUILD_PROPERTY = "st.cpu.build";

  /** JavaCPP's limit on the process's physical memory; {@link #init()} sets it to 0 (off) unless the user set it. */
  public static final String PHYSICAL_BYTES_PROPERTY = "org.bytedeco.javacpp.maxPhysicalBytes";

  private static volatile String chosen;

  private Backend() {}

  /** Selects the native build (once) and returns the extension it chose, e.g. {@code -onednn-avx512}. */
  public static synchronized String init() {
    if (chosen != null) {
      return chosen;
    }
    String user = System.getProperty(EXTENSION_PROPERTY);
    String build = System.getProperty(BUILD_PROPERTY);
    if (build != null) {
      chosen = "plain".equals(build) ? "" : "-" + build;
      System.setProperty(EXTENSION_PROPERTY, chosen);
    } else if (user != null) {
      chosen = user;
    } else {
      chosen = bestExtension(cpuFlags());
      System.setProperty(EXTENSION_PROPERTY, chosen);
    }
    if (System.getProperty(PHYSICAL_BYTES_PROPERTY) == null) {
      // JavaCPP reads the process RSS on every native allocation to enforce this limit: at batch 1 that check was a
      // quarter of an inference pass (30.5 against 23.5 ms). maxBytes, which triggers GC, stays in force.
      System.setProperty(PHYSICAL_BYTES_PROPERTY, "0");
    }
    Nd4j.getBackend(); // loads the native library with the property in force
    return chosen;
  }

  /** The extension for a CPU with the given /proc/cpuinfo flags. */
  static String bestExtension(Set<String> flags) {
    if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
      return "-onednn-avx512";
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      return "-onednn-avx2";
    }
    return "-onednn";
  }

  static Set<String> cpuFlags() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return Set.of();
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      return lines
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
              .map(s -> s.toLowerCase(Locale.ROOT))
              .collect(Collectors.toUnmodifiableSet()))
          .orElse(Set.of());
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** A one-line description of the backend in use: build, OpenMP threads, backend class. */
  public static String describe() {
    String ext = init();
    String omp = System.getenv("OMP_NUM_THREADS");
    return String.format(
        Locale.ROOT,
        "nd4j %s, build %s, OMP_NUM_THREADS=%s, %d cores",
        Nd4j.getBackend().getClass().getSimpleName(),
        ext.isEmpty() ? "plain" : ext.substring(1),
        omp == null ? "unset" : omp,
        Runtime.getRuntime().availableProcessors());
  }

  /** Whether ND4J's CUDA backend is the one loaded. */
  public static boolean isCuda() {
    init();
    return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cuda");
  }
}
