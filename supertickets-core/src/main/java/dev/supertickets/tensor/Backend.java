package dev.supertickets.tensor;

import dev.supertickets.internal.PathLanes;
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
 * <p>One or more builds of {@code nd4j-native} sit on the class path (the {@code supertickets-cpu}
 * artifact brings the three oneDNN builds; an application may bring just one); JavaCPP loads the
 * one named by the system property {@value #EXTENSION_PROPERTY}. Left to itself it picks by
 * class-path order, not by what the CPU supports, so {@link #init()} sets it to the widest build
 * that is on the class path and that the CPU runs: {@code -onednn-avx512} where AVX-512 (F, BW, DQ,
 * VL) is present, {@code -onednn-avx2} where AVX2 and FMA are, plain {@code -onednn}, then the
 * build without oneDNN. A user who sets the property (or {@code
 * st.cpu.build=plain|onednn|onednn-avx2|onednn-avx512}) wins.
 */
public final class Backend {
  /** The JavaCPP property that selects a platform extension of nd4j-native. */
  public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

  /** Our own, friendlier override of the CPU build. */
  public static final String BUILD_PROPERTY = "st.cpu.build";

  /**
   * JavaCPP's limit on the process's physical memory; {@link #init()} sets it to 0 (off) unless the
   * user set it.
   */
  public static final String PHYSICAL_BYTES_PROPERTY = "org.bytedeco.javacpp.maxPhysicalBytes";

  private static volatile String chosen;

  private Backend() {}

  /**
   * Selects the native build (once) and returns the extension it chose, e.g. {@code
   * -onednn-avx512}.
   */
  public static synchronized String init() {
    if (chosen != null) {
      return chosen;
    }
    // before anything loads JavaCPP's Pointer, which reads the limit once
    if (System.getProperty(PHYSICAL_BYTES_PROPERTY) == null) {
      // JavaCPP reads the process RSS on every native allocation to enforce this limit: at batch 1
      // that check was a quarter of an inference pass (30.5 against 23.5 ms). maxBytes, which
      // triggers GC, stays in force.
      System.setProperty(PHYSICAL_BYTES_PROPERTY, "0");
    }
    String user = System.getProperty(EXTENSION_PROPERTY);
    String build = System.getProperty(BUILD_PROPERTY);
    if (build != null) {
      chosen = "plain".equals(build) ? "" : "-" + build;
      System.setProperty(EXTENSION_PROPERTY, chosen);
    } else if (user != null) {
      chosen = user;
    } else {
      chosen = bestExtension(cpuFlags(), Backend::onClassPath);
      System.setProperty(EXTENSION_PROPERTY, chosen);
    }
    Nd4j.getBackend(); // loads the native library with the property in force
    return chosen;
  }

  /** The extension for a CPU with the given /proc/cpuinfo flags, every build assumed present. */
  static String bestExtension(Set<String> flags) {
    return bestExtension(flags, extension -> true);
  }

  /**
   * The widest build the CPU runs among those {@code present} says are on the class path; when none
   * is (another backend, or a layout this check does not know), the widest the CPU runs, as JavaCPP
   * would be told without it.
   */
  static String bestExtension(Set<String> flags, java.util.function.Predicate<String> present) {
    java.util.List<String> runnable = new java.util.ArrayList<>();
    if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
      runnable.add("-onednn-avx512");
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      runnable.add("-onednn-avx2");
    }
    runnable.add("-onednn");
    runnable.add("");
    return runnable.stream().filter(present).findFirst().orElse(runnable.get(0));
  }

  /**
   * Whether the nd4j-native build of this extension is on the class path (its JNI library, by
   * resource name).
   */
  static boolean onClassPath(String extension) {
    String resource =
        "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform() + extension + "/libjnind4jcpu.so";
    return Backend.class.getClassLoader().getResource(resource) != null;
  }

  /**
   * JavaCPP's platform name ({@code linux-x86_64}), worked out as JavaCPP does but without loading
   * it: its {@code Pointer} reads the physical-bytes limit once, when first loaded.
   */
  static String platform() {
    String set = System.getProperty("org.bytedeco.javacpp.platform");
    if (set != null) {
      return set;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName =
        os.startsWith("mac")
            ? "macosx"
            : os.startsWith("windows") ? "windows" : os.replaceAll("\\W", "");
    String archName =
        switch (arch) {
          case "amd64", "x86_64", "x86-64" -> "x86_64";
          case "aarch64", "arm64" -> "arm64";
          case "i386", "i486", "i586", "i686", "x86" -> "x86";
          default -> arch;
        };
    return osName + "-" + archName;
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
          .map(
              l ->
                  Stream.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                      .map(s -> s.toLowerCase(Locale.ROOT))
                      .collect(Collectors.toUnmodifiableSet()))
          .orElse(Set.of());
    } catch (IOException e) {
      return Set.of();
    }
  }

  /**
   * A one-line description of the backend in use: build, OpenMP threads (and libgomp's spin count
   * when set), backend class.
   */
  public static String describe() {
    String ext = init();
    String omp = System.getenv("OMP_NUM_THREADS");
    String spin = System.getenv("GOMP_SPINCOUNT");
    return String.format(
        Locale.ROOT,
        "nd4j %s, build %s, OMP_NUM_THREADS=%s%s, %d cores, %d path lanes",
        Nd4j.getBackend().getClass().getSimpleName(),
        ext.isEmpty() ? "plain" : ext.substring(1),
        omp == null ? "unset" : omp,
        spin == null ? "" : ", GOMP_SPINCOUNT=" + spin,
        Runtime.getRuntime().availableProcessors(),
        PathLanes.count());
  }

  /** Whether ND4J's CUDA backend is the one loaded. */
  public static boolean isCuda() {
    init();
    return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cuda");
  }
}
