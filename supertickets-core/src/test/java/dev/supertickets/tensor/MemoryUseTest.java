package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The memory figures are read from where they live: the OS's status file, ND4J's workspace tracker,
 * the heap.
 */
class MemoryUseTest {
  @BeforeAll
  static void init() {
    Backend.init();
  }

  @Test
  void figuresAreConsistentAndSeeAWorkspace() {
    try (MemoryWorkspace ignored = Workspaces.step()) {
      Nd4j.create(DataType.FLOAT, 1024, 1024)
          .assign(1); // 4 MiB: the first cycle learns the workspace's size
    }
    try (MemoryWorkspace ignored = Workspaces.step()) {
      Nd4j.create(DataType.FLOAT, 1024, 1024).assign(1);
      MemoryUse m = MemoryUse.now();
      assertThat(m.workspaceBytes()).isGreaterThanOrEqualTo(4L << 20);
      assertThat(m.heapBytes()).isPositive();
      assertThat(m.offHeapBytes()).isNotNegative();
      if (System.getProperty("os.name").startsWith("Linux")) {
        assertThat(m.rssBytes()).isGreaterThan(m.workspaceBytes());
        assertThat(m.peakRssBytes()).isGreaterThanOrEqualTo(m.rssBytes());
      }
    }
    assertThat(MemoryUse.mib(3L << 20)).isEqualTo(3.0);
    assertThat(MemoryUse.mib(-1)).isEqualTo(-1.0);
  }
}
