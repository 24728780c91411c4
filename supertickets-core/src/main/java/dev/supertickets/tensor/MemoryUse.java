package dev.supertickets.tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.AllocationsTracker;
import org.nd4j.linalg.api.memory.enums.AllocationKind;

/**
 * The process's memory as the OS, JavaCPP and ND4J each see it, for run reports and leak hunts.
 * ND4J 1.0.0-M2.1 counts ordinary arrays in none of its trackers, so the resident set (RSS) is the
 * measure for them; the workspaces (where a step's temporaries live) are tracked.
 *
 * @param peakRssBytes the peak resident set so far ({@code VmHWM} of {@code /proc/self/status}); -1
 *     off Linux
 * @param rssBytes the resident set now ({@code VmRSS}); -1 off Linux
 * @param physicalBytes JavaCPP's {@code Pointer.physicalBytes()}: its own reading of the resident
 *     set
 * @param workspaceBytes bytes held by ND4J workspaces on device 0
 * @param offHeapBytes JavaCPP's {@code Pointer.totalBytes()}: off-heap memory it tracks and has not
 *     freed
 * @param heapBytes the Java heap in use
 */
public record MemoryUse(
    long peakRssBytes,
    long rssBytes,
    long physicalBytes,
    long workspaceBytes,
    long offHeapBytes,
    long heapBytes) {
  private static final double MIB = 1024.0 * 1024.0;

  /** The figures now. */
  public static MemoryUse now() {
    List<String> status = procStatus();
    Runtime rt = Runtime.getRuntime();
    return new MemoryUse(
        kib(status, "VmHWM:"),
        kib(status, "VmRSS:"),
        Pointer.physicalBytes(),
        AllocationsTracker.getInstance().bytesOnDevice(AllocationKind.WORKSPACE, 0),
        Pointer.totalBytes(),
        rt.totalMemory() - rt.freeMemory());
  }

  /** {@code bytes} in MiB, or -1 for an unknown (negative) figure. */
  public static double mib(long bytes) {
    return bytes < 0 ? -1 : bytes / MIB;
  }

  private static List<String> procStatus() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux: the RSS figures read -1, the others still tell
    }
  }

  private static long kib(List<String> status, String key) {
    for (String line : status) {
      if (line.startsWith(key)) {
        try {
          return Long.parseLong(line.substring(key.length()).replace("kB", "").strip()) * 1024;
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }
}
