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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The user-written policy plugs into the drawer, prunes exactly, and decides differently from
 * magnitude.
 */
@Tag("slow")
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
    MaskContext context =
        MaskContext.builder(net)
            .data(
                Loader.builder(EmbeddedFashionMnist.train().subset(0, 256))
                    .batchSize(128)
                    .seed(1)
                    .build())
            .build();
    ImmutableMap<Param, INDArray> taylor =
        new CustomPolicyExample.TaylorPolicy().masks(context, 0.8);
    ImmutableMap<Param, INDArray> magnitude = MaskPolicies.magnitude().masks(context, 0.8);
    assertThat(Masks.prunedCountOf(taylor))
        .isEqualTo(Ranking.pruneCount(0.8, context.prunableCount()));
    long differing = 0;
    for (Param p : context.params()) {
      differing += taylor.get(p).neq(magnitude.get(p)).castTo(DataType.INT).sumNumber().longValue();
    }
    assertThat(differing).as("weights on which the two policies disagree").isGreaterThan(0);
  }

  /**
   * The policy's own property: at any sparsity it prunes exactly {@code floor(s · prunable)}
   * weights with binary masks, and a higher sparsity prunes a superset of a lower one's weights
   * (the ranking does not depend on s).
   */
  @Property(tries = 12)
  void prunesExactlyAndMonotonically(
      @ForAll @DoubleRange(min = 0.0, max = 0.95) double low,
      @ForAll @DoubleRange(min = 0.0, max = 0.95) double high) {
    Backend.init();
    double a = Math.min(low, high);
    double b = Math.max(low, high);
    Supernet net =
        new dev.supertickets.supernet.HrSupernet(
            dev.supertickets.space.SearchSpaces.tiny28(), new java.util.SplittableRandom(5));
    MaskContext context =
        MaskContext.builder(net)
            .data(
                Loader.builder(EmbeddedFashionMnist.train().subset(0, 128))
                    .batchSize(64)
                    .seed(1)
                    .build())
            .build();
    CustomPolicyExample.TaylorPolicy policy = new CustomPolicyExample.TaylorPolicy();
    ImmutableMap<Param, INDArray> ma = policy.masks(context, a);
    ImmutableMap<Param, INDArray> mb = policy.masks(context, b);
    assertThat(Masks.prunedCountOf(ma)).isEqualTo(Ranking.pruneCount(a, context.prunableCount()));
    assertThat(Masks.prunedCountOf(mb)).isEqualTo(Ranking.pruneCount(b, context.prunableCount()));
    for (Param p : context.params()) {
      INDArray x = ma.get(p);
      long zeros = x.eq(0).castTo(DataType.INT).sumNumber().longValue();
      long ones = x.eq(1).castTo(DataType.INT).sumNumber().longValue();
      assertThat(zeros + ones).as("%s has binary masks", p.name()).isEqualTo(x.length());
      // kept at b implies kept at a
      long violations = mb.get(p).gt(ma.get(p)).castTo(DataType.INT).sumNumber().longValue();
      assertThat(violations).as("%s: weights kept at %s but pruned at %s", p.name(), b, a).isZero();
    }
  }
}
