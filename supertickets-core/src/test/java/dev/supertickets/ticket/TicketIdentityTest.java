package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SuperTicket#isIdenticalTo}: the same seed gives the same ticket; any bit apart is not. */
class TicketIdentityTest {
  @Test
  void sameSeedIsIdenticalAndAnyDifferenceIsNot() {
    Backend.init();
    Dataset data = EmbeddedFashionMnist.train().subset(0, 64);
    Normalization norm = Normalization.of(data);
    SuperTicket a = SuperTicket.initial(SearchSpaces.tiny28(), norm, 1);
    assertThat(a.isIdenticalTo(SuperTicket.initial(SearchSpaces.tiny28(), norm, 1))).isTrue();
    assertThat(a.isIdenticalTo(a.withState(a.state(), Map.of("note", "provenance aside"))))
        .isTrue();
    assertThat(a.isIdenticalTo(SuperTicket.initial(SearchSpaces.tiny28(), norm, 2))).isFalse();
    assertThat(a.isIdenticalTo(a.prune(MaskPolicies.magnitude(), 0.5, data, 1))).isFalse();
    assertThat(
            a.isIdenticalTo(
                SuperTicket.initial(SearchSpaces.tiny28(), Normalization.of(data.subset(0, 8)), 1)))
        .isFalse();
  }
}
