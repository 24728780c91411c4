package dev.supertickets.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The backend's choices: the CPU build from the CPU's flags, and JavaCPP's per-allocation RSS check
 * turned off.
 */
class BackendTest {
  @Test
  void picksTheWidestOneDnnBuildTheCpuSupports() {
    assertThat(
            Backend.bestExtension(
                Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma")))
        .isEqualTo("-onednn-avx512");
    assertThat(Backend.bestExtension(Set.of("avx512f", "avx2", "fma"))).isEqualTo("-onednn-avx2");
    assertThat(Backend.bestExtension(Set.of("sse4_2"))).isEqualTo("-onednn");
  }

  @Test
  void picksAmongTheBuildsOnTheClassPath() {
    Set<String> avx512 = Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma");
    // an application that brought only the AVX2 build, on an AVX-512 machine
    assertThat(Backend.bestExtension(avx512, "-onednn-avx2"::equals)).isEqualTo("-onednn-avx2");
    // only the build without oneDNN
    assertThat(Backend.bestExtension(avx512, ""::equals)).isEqualTo("");
    // an AVX-512 build present but not runnable here is never chosen
    assertThat(Backend.bestExtension(Set.of("sse4_2"), e -> !e.equals("-onednn"))).isEqualTo("");
    // nothing known present (another backend): the widest the CPU runs
    assertThat(Backend.bestExtension(avx512, e -> false)).isEqualTo("-onednn-avx512");
    // this build's test class path holds the oneDNN builds (JavaCPP loaded only after init, as in
    // use)
    Backend.init();
    assertThat(Backend.platform()).isEqualTo(org.bytedeco.javacpp.Loader.getPlatform());
    assertThat(Backend.onClassPath("-onednn")).isTrue();
    assertThat(Backend.onClassPath("-no-such-build")).isFalse();
  }

  @Test
  void turnsOffThePhysicalBytesLimitUnlessTheUserSetIt() {
    Backend.init();
    assertThat(System.getProperty(Backend.PHYSICAL_BYTES_PROPERTY)).isEqualTo("0");
    assertThat(Pointer.maxPhysicalBytes()).isZero();
    assertThat(Pointer.maxBytes()).as("the GC trigger stays").isPositive();
  }
}
