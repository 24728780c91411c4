package dev.supertickets.mask;

import com.google.common.collect.ImmutableMap;
import dev.supertickets.nn.Param;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.tensor.Workspaces;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Random scores {@code z ~ N(0, 1)} i.i.d. per weight (the reference's {@code randn_like}). Tensor
 * {@code i} of the selection draws from stream {@code ("mask/random", i)} of a {@link
 * RandomStreams} seeded with this scorer's seed, or with the context's seed when none was given:
 * the same seed gives the same scores.
 */
public final class RandomScores implements Scorer {
  private final OptionalLong seed;

  RandomScores(OptionalLong seed) {
    this.seed = seed;
  }

  /** The fixed seed, or empty when the context's seed is used. */
  public OptionalLong seed() {
    return seed;
  }

  @Override
  public ImmutableMap<Param, INDArray> scores(MaskContext context) {
    ImmutableMap.Builder<Param, INDArray> out =
        ImmutableMap.builderWithExpectedSize(context.params().size());
    RandomStreams streams = new RandomStreams(seed.orElse(context.seed()));
    try (MemoryWorkspace ignored = Workspaces.outside()) {
      for (int i = 0; i < context.params().size(); i++) {
        Param p = context.params().get(i);
        SplittableRandom rng = streams.stream("mask/random", i);
        out.put(p, Tensors.gaussian(rng, 1, DataType.DOUBLE, p.value().shape()));
      }
    }
    return out.buildOrThrow();
  }

  @Override
  public String toString() {
    return "random(" + (seed.isPresent() ? "seed=" + seed.getAsLong() : "context seed") + ")";
  }
}
