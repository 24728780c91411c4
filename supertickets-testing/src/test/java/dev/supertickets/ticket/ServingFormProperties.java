package dev.supertickets.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskPolicies;
import dev.supertickets.nn.Mode;
import dev.supertickets.nn.Modules;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import dev.supertickets.testing.TicketArbitraries;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SuperTicket#serving()}: merging each block's paths into one (1x1 convolutions side by
 * side, kernels centred in the largest) computes the compacted ticket's function, at every small
 * batch, with trained-looking batch-norm statistics and pruned weights; larger batches run the
 * paths as they are; a training pass drops the merged form.
 */
class ServingFormProperties {
  @BeforeContainer
  static void backend() {
    Backend.init();
  }

  @Property(tries = 8)
  void servingPredictsAsTheCompactedTicket(
      @ForAll @IntRange(min = 1, max = 12) int batch, @ForAll long seed) {
    SearchSpace space = SearchSpaces.tiny28();
    SuperTicket ticket =
        TicketArbitraries.withTrainedStatistics(
                SuperTicket.initial(space, Normalization.identity(1), seed), seed)
            .prune(MaskPolicies.magnitude(), 0.6, null, seed);
    Supernet compact = ticket.compact();
    Supernet serving = ticket.serving();
    var blocks = Modules.ofType(serving, InvertedResidualChannels.class);
    assertThat(blocks).anyMatch(InvertedResidualChannels::isMerged);
    INDArray x = Tensors.gaussian(new SplittableRandom(seed), 1, DataType.FLOAT, batch, 28, 28, 1);
    try (MemoryWorkspace ignored = Workspaces.step()) {
      INDArray expected = compact.forward(x, Mode.EVAL);
      INDArray actual = serving.forward(x, Mode.EVAL);
      double scale = Math.max(1, expected.amaxNumber().doubleValue());
      assertThat(actual.sub(expected).amaxNumber().doubleValue() / scale).isLessThan(1e-4);
      if (batch > InvertedResidualChannels.MERGED_MAX_BATCH) {
        assertThat(actual).as("large batches run the paths as they are").isEqualTo(expected);
      }
      assertThat(ticket.predict(x).sub(expected).amaxNumber().doubleValue() / scale)
          .isLessThan(1e-4);
      serving.forward(x, Mode.TRAIN);
      serving.clearCache();
    }
    assertThat(blocks).noneMatch(InvertedResidualChannels::isMerged);
  }
}
