package dev.supertickets.spark;

import dev.supertickets.parallel.Collective;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * A {@link Collective} over the tasks of a Spark barrier stage: each mean is one {@link
 * BarrierTaskContext#allGather} of every replica's array (little-endian floats, Base64, since the
 * barrier exchanges strings), averaged on every replica in rank order. It counts its rounds and the
 * time spent in them, which is the data-parallel draw's overhead.
 */
final class BarrierCollective implements Collective {
  private final BarrierTaskContext context;
  private final int size;
  private long rounds;
  private long nanos;

  BarrierCollective(BarrierTaskContext context) {
    this.context = context;
    this.size = context.getTaskInfos().length;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int rank() {
    return context.partitionId();
  }

  @Override
  public float[] mean(float[] local) {
    long t0 = System.nanoTime();
    ByteBuffer bytes =
        ByteBuffer.allocate(local.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(local);
    String[] all = context.allGather(Base64.getEncoder().encodeToString(bytes.array()));
    List<float[]> parts = new ArrayList<>(all.length);
    for (String message : all) {
      ByteBuffer b =
          ByteBuffer.wrap(Base64.getDecoder().decode(message)).order(ByteOrder.LITTLE_ENDIAN);
      float[] part = new float[b.remaining() / Float.BYTES];
      b.asFloatBuffer().get(part);
      parts.add(part);
    }
    float[] mean = Collective.meanOf(parts);
    rounds++;
    nanos += System.nanoTime() - t0;
    return mean;
  }

  /** Averaging rounds so far. */
  long rounds() {
    return rounds;
  }

  /** Nanoseconds spent in the rounds so far (encoding, the barrier's exchange, decoding, mean). */
  long nanos() {
    return nanos;
  }
}
