package dev.supertickets.testing;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.nn.Module;
import dev.supertickets.nn.Param;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Assertions on a network ({@link Module}), e.g. one with layers of your own; start with {@link
 * TicketAssertions#assertThat(Module)}.
 */
public final class NetworkAssert extends AbstractAssert<NetworkAssert, Module> {
  private static final long PROBE_SEED = 20220907L;

  /** Assertions on {@code network}. */
  public NetworkAssert(Module network) {
    super(network, NetworkAssert.class);
  }

  /**
   * Pruned weights have no effect on {@code input}: large noise added to the stored values of every
   * pruned weight leaves the eval-mode output unchanged, and after one training-mode forward and
   * backward pass no gradient reaches a pruned weight. The network's values, gradients and BN
   * running statistics are restored afterwards; the state of a dropout's random stream is not. Use
   * at least two samples so that batch norm can train.
   */
  public NetworkAssert hasInactivePrunedWeights(INDArray input) {
    checkNotNull(input, "input must not be null");
    checkArgument(
        input.rank() >= 2 && input.size(0) >= 2,
        "input needs a batch of at least 2 samples (batch norm trains on it), got shape %s",
        java.util.Arrays.toString(input.shape()));
    isNotNull();
    PrunedWeightsProbe.check(actual, input, PROBE_SEED).ifPresent(m -> failWithMessage("%s", m));
    return this;
  }

  /** Assertions on the masks installed on the network's parameters, keyed by parameter name. */
  public MaskAssert masks() {
    isNotNull();
    Map<String, INDArray> masks = new LinkedHashMap<>();
    for (Param p : actual.params()) {
      if (p.isMasked()) {
        checkArgument(
            masks.put(p.name(), p.mask()) == null, "two masked parameters are named %s", p.name());
      }
    }
    MaskAssert out = new MaskAssert(masks);
    return info.hasDescription() ? out.as(info.description()) : out;
  }
}
