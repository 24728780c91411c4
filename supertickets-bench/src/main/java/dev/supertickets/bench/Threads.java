package dev.supertickets.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Sets the thread count of both sides of a row, so that a row's threads mean the same for
 * SuperTickets-J and for PyTorch: ND4J's OpenMP threads (BLAS and oneDNN run on them), libnd4j's
 * own thread pool limit, and the Java fork-join pool our kernels split their work in (the side runs
 * inside a pool of that size); and PyTorch's intra-op threads ({@code torch::set_num_threads}).
 * PyTorch's inter-op threads can only be set before the engine starts: {@code
 * -Dai.djl.pytorch.num_interop_threads} (1 in the exec configuration).
 */
final class Threads {
  private Threads() {}

  /** Sets ND4J's threads to {@code n}. */
  static void nd4j(int n) {
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
    Nd4j.getEnvironment().setMaxThreads(n);
    Nd4j.getEnvironment().setMaxMasterThreads(n);
    Nd4j.factory().blas().setMaxThreads(n);
  }

  /** Sets PyTorch's intra-op threads to {@code n} (loads the engine). */
  static void torch(int n) {
    ai.djl.engine.Engine.getEngine(
        TorchStep.ENGINE); // loads libtorch, whose functions the next call needs
    ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
  }

  /** ND4J's OpenMP threads now. */
  static int nd4jThreads() {
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  /** PyTorch's intra-op threads now. */
  static int torchThreads() {
    return ai.djl.pytorch.jni.JniUtils.getNumThreads();
  }

  /**
   * Runs {@code work} on a fork-join pool of {@code n} threads, so that the parallel streams of our
   * kernels use at most {@code n} threads, and returns its result; the calling thread waits.
   */
  static <T> T inPool(int n, Supplier<T> work) {
    ForkJoinPool pool = POOLS.computeIfAbsent(n, Threads::pool);
    try {
      return pool.submit(
              () -> {
                try {
                  return work.get();
                } finally {
                  // the next row has other shapes: give this row's workspaces back now rather than
                  // hold the
                  // largest
                  Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
                }
              })
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while timing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

  // kept for the whole sitting, with threads that never time out: ND4J's workspaces belong to a
  // thread, and a fresh thread per row would leave the old thread's workspaces behind
  private static ForkJoinPool pool(int n) {
    return new ForkJoinPool(
        n,
        ForkJoinPool.defaultForkJoinWorkerThreadFactory,
        null,
        false,
        n,
        n,
        1,
        null,
        365,
        TimeUnit.DAYS);
  }
}
