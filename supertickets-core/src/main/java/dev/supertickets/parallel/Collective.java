package dev.supertickets.parallel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one collective operation data-parallel replicas need: the element-wise mean of an array that
 * every replica holds, handed back to all of them. Every replica calls {@link #mean} the same
 * number of times with arrays of the same length; every one gets the same floats back (the mean is
 * summed in rank order), which is what keeps replicas identical.
 */
public interface Collective {
  /** How long an {@link #inMemory} replica waits for the others before it gives up. */
  long WAIT_MINUTES = 10;

  /** The number of replicas. */
  int size();

  /** This replica's index, from 0. */
  int rank();

  /**
   * The element-wise mean over all replicas of their {@code local} arrays; blocks until all call.
   */
  float[] mean(float[] local);

  /**
   * The mean of {@code parts} (one array a replica, in rank order), summed in double in that order,
   * so that every replica that computes it gets the same floats, and one part comes back unchanged.
   */
  static float[] meanOf(List<float[]> parts) {
    checkNotNull(parts, "parts must not be null");
    checkArgument(!parts.isEmpty(), "need at least one replica's array to average");
    int n = parts.get(0).length;
    for (int r = 1; r < parts.size(); r++) {
      checkArgument(
          parts.get(r).length == n,
          "replica %s sent %s values, replica 0 sent %s; every replica must average the same"
              + " arrays (same architecture, same masks)",
          r,
          parts.get(r).length,
          n);
    }
    float[] out = new float[n];
    double size = parts.size();
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (float[] part : parts) {
        sum += part[i];
      }
      out[i] = (float) (sum / size);
    }
    return out;
  }

  /** One replica alone: the mean is its own array. */
  static Collective single() {
    return new Collective() {
      @Override
      public int size() {
        return 1;
      }

      @Override
      public int rank() {
        return 0;
      }

      @Override
      public float[] mean(float[] local) {
        return local.clone();
      }
    };
  }

  /**
   * {@code n} replicas that run as threads of this JVM, one collective each (index = rank); for
   * tests and for a data-parallel draw on one machine without a cluster.
   */
  static List<Collective> inMemory(int n) {
    checkArgument(n >= 1, "need at least one replica, got %s", n);
    float[][] slots = new float[n][];
    float[][] result = new float[1][];
    CyclicBarrier gathered = new CyclicBarrier(n, () -> result[0] = meanOf(List.of(slots)));
    CyclicBarrier read = new CyclicBarrier(n);
    List<Collective> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      int rank = r;
      out.add(
          new Collective() {
            @Override
            public int size() {
              return n;
            }

            @Override
            public int rank() {
              return rank;
            }

            @Override
            public float[] mean(float[] local) {
              slots[rank] = local;
              try {
                gathered.await(WAIT_MINUTES, TimeUnit.MINUTES);
                float[] mean = result[0].clone();
                // nobody overwrites a slot or the result before all have read it
                read.await(WAIT_MINUTES, TimeUnit.MINUTES);
                return mean;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("replica " + rank + " was interrupted", e);
              } catch (TimeoutException e) {
                throw new IllegalStateException(
                    "replica "
                        + rank
                        + " waited "
                        + WAIT_MINUTES
                        + " minutes for the others to average; did one of them fail?",
                    e);
              } catch (BrokenBarrierException e) {
                throw new IllegalStateException(
                    "another replica failed while replica " + rank + " waited to average", e);
              }
            }
          });
    }
    return out;
  }
}
