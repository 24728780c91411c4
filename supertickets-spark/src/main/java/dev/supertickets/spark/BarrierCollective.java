package dev.supertickets.spark;

import dev.supertickets.parallel.Collective;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.BarrierTaskContext;

/**
 * A {@link Collective} over the tasks of a Spark barrier stage: each mean is one {@link
 * BarrierTaskContext#allGather} of every replica's array (little-endian floats, Base64, since the
 * barrier exchanges strings), averaged on every replica in rank order. It counts its rounds and the
 * time spent in them, which is the data-parallel draw's overhead.
 *
 * <p>Spark's barrier waits for the exchange's reply by sleeping a second at a time ({@code
 * BarrierTaskContext.runBarrier}: {@code Thread.sleep(1000)} until the RPC future completes, then
 * checks whether the task was killed), so every round would last at least a second: 1,000 ms a
 * round measured on this machine, against a step of tens of ms. While the task thread sleeps in
 * that loop, a watcher thread interrupts it every 0.2 ms; the loop treats an interrupt as a wake-up
 * (it checks for a kill and looks at the future again), so a round ends as soon as the reply is
 * there. The first round runs without the watcher, since it may open the connection to the driver,
 * which an interrupt could break.
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
    String local64 = Base64.getEncoder().encodeToString(bytes.array());
    String[] all;
    if (rounds == 0) {
      all = context.allGather(local64);
    } else {
      Thread caller = Thread.currentThread();
      AtomicBoolean waiting = new AtomicBoolean(true);
      Thread watcher =
          new Thread(
              () -> {
                while (waiting.get()) {
                  if (caller.getState() == Thread.State.TIMED_WAITING) {
                    caller.interrupt();
                  }
                  LockSupport.parkNanos(200_000);
                }
              },
              "barrier-waker");
      watcher.setDaemon(true);
      watcher.start();
      try {
        all = context.allGather(local64);
      } finally {
        waiting.set(false);
        joinQuietly(watcher);
        Thread.interrupted(); // a wake-up that came after the reply must not reach the draw
      }
    }
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

  private static void joinQuietly(Thread t) {
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true; // the watcher's last wake-up; it stops at once
      }
    }
    if (interrupted) {
      Thread.interrupted();
    }
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
