package dev.supertickets.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The runners' shared --data option: one definition, one check, one loader. */
class FashionMnistChoiceTest {
  @Test
  void everyRunnerReadsTheSameOption() throws Exception {
    assertThat(FamilyComparison.Options.parse("--data", "embedded").data.name())
        .isEqualTo("embedded");
    assertThat(FamilyComparison.Options.parse().data.full()).isTrue();
    assertThat(TransferComparison.Options.parse("--data", "embedded").data()).isEqualTo("embedded");
    FashionMnistChoice embedded = FashionMnistChoice.of("embedded");
    assertThat(embedded.train().size()).isEqualTo(5000);
    assertThat(embedded.test().size()).isEqualTo(1000);
  }

  @Test
  void anyOtherValueIsRefusedNamingTheTwo() {
    assertThatThrownBy(() -> FashionMnistChoice.of("mnist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--data must be full or embedded, got mnist");
    assertThatThrownBy(() -> FamilyComparison.Options.parse("--data", "mnist"))
        .hasMessageContaining("--data must be full or embedded, got mnist");
  }
}
