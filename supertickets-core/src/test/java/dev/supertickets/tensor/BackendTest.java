package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The backend's choices: the CPU build from the CPU's flags, and JavaCPP's per-allocation RSS check turned off. */
class BackendTest {
  @Test
  void picksTheWidestOneDnnBuildTheCpuSupports() {
    assertThat(Backend.bestExtension(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma")))
        .isEqualTo("-onednn-avx512");
    assertThat(Backend.bestExtension(Set.of("avx512f", "avx2", "fma"))).isEqualTo("-onednn-avx2");
    assertThat(Backend.bestExtension(Set.of("sse4_2"))).isEqualTo("-onednn");
  }

  @Test
  void turnsOffThePhysicalBytesLimitUnlessTheUserSetIt() {
    Backend.init();
    assertThat(System.getProperty(Backend.PHYSICAL_BYTES_PROPERTY)).isEqualTo("0");
    assertThat(Pointer.maxPhysicalBytes()).isZero();
    assertThat(Pointer.maxBytes()).as("the GC trigger stays").isPositive();
  }
}
