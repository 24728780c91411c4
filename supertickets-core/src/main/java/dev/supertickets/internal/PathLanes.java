package dev.supertickets.internal;

import dev.supertickets.tensor.Kernels;
import dev.supertickets.tensor.Workspaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Not API. A second lane for the independent paths of a block within one training step (or one
 * evaluation or calibration batch): the thread that opens a step gets a helper thread (its own,
 * kept for later steps) that runs some paths of each block, chosen by their work, while the step's
 * thread runs the rest; the helper then takes the weight gradients the step's thread {@link
 * #offload offloads}. The results are combined by the caller in path order, so a step computes the
 * same floats on one lane or two.
 *
 * <p>ND4J's workspaces belong to a thread: the helper opens its own step workspace when the step
 * opens the lanes and closes it when the step closes them, so what it allocates lives exactly as
 * long as the step's own temporaries (path outputs, the caches their backward passes read).
 *
 * <p>Two lanes when {@value #PROPERTY} is 2 (the default when the machine has at least two cores
 * and ND4J runs one OpenMP thread, as the {@code supertickets} launcher sets it); 1 turns it off.
 * Only on the CPU backend's Java route, and only while the JVM's stepping threads and helpers leave
 * a core free: a step that finds none runs on one lane (the same floats). A block of one path, or a
 * step not opened through {@link #open()}, runs on its own thread. Measured on 2 cores ({@code
 * PathLanesProbe}, reference28, steps in turn): 100.7 ms a step of 64 images on one lane, 85.3 ms
 * on two with every other path on the helper (session 15); see docs/performance.md for the split by
 * work.
 */
public final class PathLanes implements AutoCloseable {
  /** The system property that sets the number of lanes: 1 or 2. */
  public static final String PROPERTY = "st.pathLanes";

  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static volatile int lanes = fromProperty();
  private static final ThreadLocal<PathLanes> OPEN = new ThreadLocal<>();
  private static final AtomicLong HELPED = new AtomicLong();

  /**
   * Threads busy with steps in this JVM: each stepping thread and each helper in use. A step gets a
   * helper only while this stays within the cores, so that two draws side by side (the main job's
   * draw and its baseline, Spark's local tasks) do not put three threads on two cores.
   */
  private static final AtomicInteger BUSY = new AtomicInteger();

  private static final ThreadLocal<ExecutorService> HELPERS = new ThreadLocal<>();

  /** Work this stepping thread handed to its helper and has not yet seen finished. */
  private static final ThreadLocal<List<FutureTask<Void>>> PENDING =
      ThreadLocal.withInitial(ArrayList::new);

  private static final AtomicLong OFFLOADED = new AtomicLong();

  /** True on a helper thread, and on a stepping thread while it runs its share of the paths. */
  private static final ThreadLocal<Boolean> IN_LANES = ThreadLocal.withInitial(() -> false);

  /**
   * Runs {@code body} for every part index of a kernel split into parts: on the common fork-join
   * pool, except while this thread runs paths beside its helper, when both cores are already at
   * work (a third thread measured slower). The parts are the same either way, so are the sums.
   */
  public static void forEachPart(int parts, IntConsumer body) {
    if (parts == 1 || IN_LANES.get()) {
      for (int p = 0; p < parts; p++) {
        body.accept(p);
      }
    } else {
      IntStream.range(0, parts).parallel().forEach(body);
    }
  }

  private final ExecutorService helper;
  private final PathLanes outer;

  private PathLanes(ExecutorService helper, PathLanes outer) {
    this.helper = helper;
    this.outer = outer;
  }

  private static int fromProperty() {
    String v = System.getProperty(PROPERTY);
    if (v != null) {
      int n = Integer.parseInt(v.trim());
      if (n != 1 && n != 2) {
        throw new IllegalArgumentException(
            "-D" + PROPERTY + "=" + v + " is not a lane count; use 1 (off) or 2");
      }
      return n;
    }
    String omp = System.getenv("OMP_NUM_THREADS");
    boolean oneOmpThread = omp != null && omp.trim().equals("1");
    return CORES >= 2 && oneOmpThread ? 2 : 1;
  }

  /**
   * The number of lanes a step gets when a core is free: 1 off the CPU backend's Java route (a
   * device backend keeps its arrays on the device, its ops queued on one stream).
   */
  public static int count() {
    return Kernels.java() ? lanes : 1;
  }

  /** How many paths the second lanes of this JVM have run (for benches and tests). */
  public static long helpedPaths() {
    return HELPED.get();
  }

  /** Sets the number of lanes of steps opened from now on: 1 (off) or 2 (for tests and benches). */
  public static void use(int n) {
    if (n != 1 && n != 2) {
      throw new IllegalArgumentException("lanes must be 1 (off) or 2, got " + n);
    }
    lanes = n;
  }

  /** Back to the number {@value #PROPERTY} or the machine gives. */
  public static void useDefault() {
    lanes = fromProperty();
  }

  /**
   * Opens the lanes for a step of this thread (call inside its step workspace); close them when the
   * step ends. With one lane, a no-op.
   */
  public static PathLanes open() {
    PathLanes outer = OPEN.get();
    boolean wanted = count() >= 2;
    int busy = BUSY.incrementAndGet();
    if (!wanted || outer != null || busy >= CORES || !BUSY.compareAndSet(busy, busy + 1)) {
      PathLanes none = new PathLanes(null, outer);
      OPEN.set(none);
      return none;
    }
    ExecutorService h = HELPERS.get();
    if (h == null) {
      String name = "supertickets-lane-" + Thread.currentThread().getName();
      h =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      HELPERS.set(h);
    }
    PathLanes lanes = new PathLanes(h, outer);
    h.submit(HelperWorkspace::open);
    OPEN.set(lanes);
    return lanes;
  }

  /** Whether this thread's step runs paths in two lanes now. */
  public static boolean active() {
    PathLanes lanes = OPEN.get();
    return lanes != null && lanes.helper != null;
  }

  /**
   * {@code path.apply(i)} for every path {@code i}, in lanes when this thread opened them, split by
   * {@code cost[i]}, an estimate of path {@code i}'s work: the costliest path goes to the helper,
   * each next one to the lane with less work so far, this thread's on a tie (for kernels 3, 5 and 7
   * of equal width, 7 on the helper and 3 and 5 here: the best of the splits measured in {@code
   * PathLanesProbe}). Results in index order.
   */
  public static List<INDArray> map(double[] cost, IntFunction<INDArray> path) {
    int n = cost.length;
    PathLanes lanes = OPEN.get();
    List<INDArray> out = new ArrayList<>(n);
    if (lanes == null || lanes.helper == null || n < 2) {
      for (int i = 0; i < n; i++) {
        out.add(path.apply(i));
      }
      return out;
    }
    boolean[] toHelper = split(cost);
    List<Future<INDArray>> helped = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      helped.add(toHelper[i] ? lanes.helper.submit(() -> path.apply(index)) : null);
    }
    INDArray[] mine = new INDArray[n];
    IN_LANES.set(true);
    try {
      for (int i = 0; i < n; i++) {
        if (!toHelper[i]) {
          mine[i] = path.apply(i);
        }
      }
      settle();
    } catch (RuntimeException | Error e) {
      // the helper's paths read this step's arrays: let them finish before the failure unwinds
      // the step and its workspace; their own outcome no longer matters
      discard();
      for (Future<INDArray> f : helped) {
        if (f != null) {
          awaitQuietly(f);
        }
      }
      throw e;
    } finally {
      IN_LANES.set(false);
    }
    for (int i = 0; i < n; i++) {
      if (toHelper[i]) {
        HELPED.incrementAndGet();
      }
      out.add(toHelper[i] ? join(helped.get(i)) : mine[i]);
    }
    return out;
  }

  /**
   * {@link #map} with each path in a scratch scope of the thread that runs it: only its result
   * outlives the scope, and the work it {@link #offload offloaded} is {@link #settle settled} (or
   * {@link #discard discarded} when the path fails) before the scope closes, since that work reads
   * the scope's arrays.
   */
  public static List<INDArray> mapScoped(double[] cost, IntFunction<INDArray> path) {
    return map(
        cost,
        i -> {
          try (MemoryWorkspace ignored = Workspaces.scratch()) {
            INDArray result;
            try {
              result = Workspaces.keep(path.apply(i));
            } catch (RuntimeException | Error e) {
              discard();
              throw e;
            }
            settle();
            return result;
          }
        });
  }

  /**
   * Work off a path's critical chain (a weight gradient, which no later layer of the backward pass
   * reads): handed to the helper when this thread runs its share of a block's paths, so that a
   * helper done with its own paths takes it, else run here and now. The caller must {@link
   * #settle()} before the arrays it reads go out of scope. Whichever thread runs it, it computes
   * the same floats.
   */
  public static void offload(Runnable work) {
    PathLanes lanes = OPEN.get();
    if (lanes == null || lanes.helper == null || !IN_LANES.get()) {
      work.run();
      return;
    }
    Thread caller = Thread.currentThread();
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              work.run();
              if (Thread.currentThread() != caller) {
                OFFLOADED.incrementAndGet();
              }
            },
            null);
    PENDING.get().add(task);
    lanes.helper.execute(task);
  }

  /**
   * Waits for the work this thread {@link #offload offloaded}, running here what the helper has not
   * started (it was still busy with its own paths).
   */
  public static void settle() {
    List<FutureTask<Void>> pending = PENDING.get();
    if (pending.isEmpty()) {
      return;
    }
    try {
      for (FutureTask<Void> task : pending) {
        task.run(); // a no-op when the helper has run it or runs it now
      }
      for (FutureTask<Void> task : pending) {
        join(task);
      }
    } finally {
      pending.clear();
    }
  }

  /**
   * Drops the work this thread offloaded, for a path whose backward pass failed: what has not
   * started never runs, what runs is waited for (it reads the path's arrays) and its own failure
   * ignored, so that the caller's exception is the one that surfaces.
   */
  public static void discard() {
    List<FutureTask<Void>> pending = PENDING.get();
    try {
      for (FutureTask<Void> task : pending) {
        task.cancel(false);
      }
      for (FutureTask<Void> task : pending) {
        if (!task.isCancelled()) {
          awaitQuietly(task);
        }
      }
    } finally {
      pending.clear();
    }
  }

  /** Waits for {@code f}, whatever its outcome: the caller's own failure is the one to report. */
  private static void awaitQuietly(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      // its outcome no longer matters
    }
  }

  /** How many pieces of {@link #offload offloaded} work the helpers of this JVM ran. */
  public static long offloaded() {
    return OFFLOADED.get();
  }

  /** Which paths the helper runs: greedy by cost, the costliest first and to the helper. */
  static boolean[] split(double[] cost) {
    Integer[] order = new Integer[cost.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(cost[b], cost[a]));
    boolean[] toHelper = new boolean[cost.length];
    double mine = 0;
    double helper = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      if (k == 0 || helper < mine) {
        toHelper[i] = true;
        helper += cost[i];
      } else {
        mine += cost[i];
      }
    }
    return toHelper;
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a path ran in the second lane", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Closes the lanes: the helper's step workspace closes once its work is done. */
  @Override
  public void close() {
    if (helper != null) {
      try {
        helper.submit(HelperWorkspace::close).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } finally {
        BUSY.decrementAndGet();
      }
    }
    BUSY.decrementAndGet();
    if (outer == null) {
      OPEN.remove();
    } else {
      OPEN.set(outer);
    }
  }

  /** The helper thread's step workspace, opened and closed with the lanes. */
  private static final class HelperWorkspace {
    private static final ThreadLocal<MemoryWorkspace> WS = new ThreadLocal<>();

    static void open() {
      IN_LANES.set(true);
      WS.set(Workspaces.step());
    }

    static void close() {
      MemoryWorkspace ws = WS.get();
      if (ws != null) {
        ws.close();
        WS.remove();
      }
    }
  }
}
