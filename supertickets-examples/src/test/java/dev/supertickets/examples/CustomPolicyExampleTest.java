package dev.supertickets.examples;

import static dev.supertickets.testing.TicketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.data.Loader;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.mask.Masks;
import dev.supertickets.mask.Ranking;
import dev.supertickets.nn.Param;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The user-written policy plugs into the drawer, prunes exactly, and decides differently from magnitude. */
class CustomPolicyExampleTest {
  @BeforeAll
  static void backend() {
    Backend.init();
  }

  @Test
  void aUserPolicyDrawsAnExactTicketAndIsRecorded() {
    SuperTicket ticket = CustomPolicyExample.draw(512, 2);
    assertThat(ticket).hasSparsity(0.7, 1e-3).hasBinaryMasks().hasInactivePrunedWeights();
    assertThat(ticket.provenance().get("maskPolicy")).isEqualTo("taylor(erk)");

    Supernet net = ticket.network();
    MaskContext context = MaskContext.builder(net)
        .data(Loader.builder(EmbeddedFashionMnist.train().subset(0, 256))
            .batchSize(128).seed(1).build())
        .build();
    ImmutableMap<Param, INDArray> taylor = new CustomPolicyExample.TaylorPolicy().masks(context, 0.8);
    ImmutableMap<Param, INDArray> magnitude = MaskPolicies.magnitude().masks(context, 0.8);
    assertThat(Masks.prunedCountOf(taylor)).isEqualTo(Ranking.pruneCount(0.8, context.prunableCount()));
    long differing = 0;
    for (Param p : context.params()) {
      differing += taylor.get(p).neq(magnitude.get(p)).castTo(DataType.INT)
          .sumNumber().longValue();
    }
    assertThat(differing).as("weights on which the two policies disagree").isGreaterThan(0);
  }
}
