package dev.supertickets.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Numbers in failure messages are short, but never so short that a failing value reads like its
 * bound.
 */
class NumbersTest {
  @Test
  void valuesAreShortUnlessTheyWouldLookLikeTheBound() {
    assertThat(Numbers.num(0.873015873)).isEqualTo("0.873016");
    assertThat(Numbers.num(0.9)).isEqualTo("0.9");
    assertThat(Numbers.num(1e-5)).isEqualTo("1e-05");
    assertThat(Numbers.num(0)).isEqualTo("0");
    assertThat(Numbers.num(0.49999995, 0.5)).isEqualTo("0.49999995");
    assertThat(Numbers.num(0.25, 0.5)).isEqualTo("0.25");
    assertThat(Numbers.count(9_876)).isEqualTo("9,876");
  }
}
