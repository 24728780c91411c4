package dev.supertickets.bench;

import java.util.Arrays;
import java.util.Objects;

/**
 * A minimal step-timing harness: runs at least {@code warmup} untimed steps and, with a warm-up
 * time, untimed steps until that time has passed (HotSpot compiles a step's loops only after
 * thousands of iterations: a training step at batch 1 took 129 ms after 2 warm-up steps and 56 ms
 * after 60), then {@code steps} timed ones, and reports mean, median and minimum milliseconds per
 * step. With a time budget, timing stops early once the timed steps have used the budget and at
 * least {@link #MIN_STEPS} were timed, so that one slow row (a large batch, a wide network) cannot
 * stretch a whole sitting.
 */
public final class StepBenchmark {

  /** Default number of untimed warm-up steps. */
  public static final int DEFAULT_WARMUP = 3;

  /** Default number of timed steps. */
  public static final int DEFAULT_STEPS = 20;

  /** Fewest timed steps a budget may cut a run to. */
  public static final int MIN_STEPS = 3;

  private final int warmup;
  private final int steps;
  private final double budgetSeconds;
  private final double warmupSeconds;

  /**
   * Creates a harness.
   *
   * @param warmup untimed warm-up steps, at least 0
   * @param steps timed steps, at least 1
   */
  public StepBenchmark(int warmup, int steps) {
    this(warmup, steps, Double.POSITIVE_INFINITY);
  }

  /**
   * Creates a harness whose timing stops after {@code budgetSeconds} of timed steps (but never
   * before {@code min(steps, }{@link #MIN_STEPS}{@code )} timed steps).
   *
   * @param warmup untimed warm-up steps, at least 0
   * @param steps most timed steps, at least 1
   * @param budgetSeconds time budget of the timed steps, positive (infinite: none)
   */
  public StepBenchmark(int warmup, int steps, double budgetSeconds) {
    this(warmup, steps, budgetSeconds, 0);
  }

  /**
   * Creates a harness that also warms up for at least {@code warmupSeconds} before timing.
   *
   * @param warmup fewest untimed warm-up steps, at least 0
   * @param steps most timed steps, at least 1
   * @param budgetSeconds time budget of the timed steps, positive (infinite: none)
   * @param warmupSeconds least warm-up time, at least 0 (0: {@code warmup} steps alone)
   */
  public StepBenchmark(int warmup, int steps, double budgetSeconds, double warmupSeconds) {
    if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
      throw new IllegalArgumentException(
          "warmupSeconds must be finite and >= 0, got " + warmupSeconds);
    }
    this.warmupSeconds = warmupSeconds;
    if (!(budgetSeconds > 0)) {
      throw new IllegalArgumentException("budgetSeconds must be > 0, got " + budgetSeconds);
    }
    this.budgetSeconds = budgetSeconds;
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    this.warmup = warmup;
    this.steps = steps;
  }

  /**
   * Creates a harness with {@link #DEFAULT_WARMUP} warm-up and {@link #DEFAULT_STEPS} timed steps.
   */
  public StepBenchmark() {
    this(DEFAULT_WARMUP, DEFAULT_STEPS);
  }

  /**
   * @return the number of warm-up steps
   */
  public int warmup() {
    return warmup;
  }

  /**
   * @return the most timed steps
   */
  public int steps() {
    return steps;
  }

  /**
   * @return the least warm-up time in seconds (0: none beyond the warm-up steps)
   */
  public double warmupSeconds() {
    return warmupSeconds;
  }

  /**
   * @return the time budget of the timed steps in seconds (infinite: none)
   */
  public double budgetSeconds() {
    return budgetSeconds;
  }

  /**
   * Warms up and times {@code step}.
   *
   * @param name a label for the result
   * @param step the step to time
   * @return the timing
   */
  public Result run(String name, TimedStep step) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(step, "step");
    int warmed = warmUp(step::step, warmupSeconds);
    double[] ms = new double[steps];
    double spentMs = 0;
    int done = 0;
    while (done < steps && (done < MIN_STEPS || spentMs < budgetSeconds * 1000)) {
      long t0 = System.nanoTime();
      step.step();
      ms[done] = (System.nanoTime() - t0) / 1e6;
      spentMs += ms[done++];
    }
    return Result.of(name, warmed, step.batchSize(), Arrays.copyOf(ms, done));
  }

  /**
   * Warms up and times two steps in turn (a, b, a, b, ...), so that whatever drifts during the
   * sitting (the heap, the allocator, the clock) weighs on both alike: for ratios of two
   * configurations of one engine, where a few percent decide. The budget covers both sides' timed
   * steps together, twice the budget of {@link #run}.
   *
   * @param nameA label of the first result
   * @param a the first step
   * @param nameB label of the second result
   * @param b the second step
   * @return the timings of a and of b, in that order
   */
  public Result[] runPaired(String nameA, TimedStep a, String nameB, TimedStep b) {
    Objects.requireNonNull(nameA, "nameA");
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(nameB, "nameB");
    Objects.requireNonNull(b, "b");
    int warmed =
        warmUp(
            () -> {
              a.step();
              b.step();
            },
            2 * warmupSeconds);
    double[] msA = new double[steps];
    double[] msB = new double[steps];
    double spentMs = 0;
    int done = 0;
    while (done < steps && (done < MIN_STEPS || spentMs < 2 * budgetSeconds * 1000)) {
      long t0 = System.nanoTime();
      a.step();
      long t1 = System.nanoTime();
      b.step();
      long t2 = System.nanoTime();
      msA[done] = (t1 - t0) / 1e6;
      msB[done] = (t2 - t1) / 1e6;
      spentMs += msA[done] + msB[done];
      done++;
    }
    return new Result[] {
      Result.of(nameA, warmed, a.batchSize(), Arrays.copyOf(msA, done)),
      Result.of(nameB, warmed, b.batchSize(), Arrays.copyOf(msB, done))
    };
  }

  /**
   * Runs {@code step} at least {@link #warmup} times and until {@code seconds} have passed; returns
   * the count.
   */
  private int warmUp(Runnable step, double seconds) {
    long until = System.nanoTime() + (long) (seconds * 1e9);
    int n = 0;
    while (n < warmup || System.nanoTime() < until) {
      step.run();
      n++;
    }
    return n;
  }

  /**
   * The timing of one benchmarked step.
   *
   * @param name the label given to {@link #run}
   * @param warmup the number of untimed warm-up steps
   * @param batchSize examples per step (0 when unknown)
   * @param meanMs mean milliseconds per timed step
   * @param medianMs median milliseconds per timed step
   * @param minMs fastest timed step in milliseconds
   * @param maxMs slowest timed step in milliseconds
   * @param samplesMs every timed step, in order
   */
  public record Result(
      String name,
      int warmup,
      int batchSize,
      double meanMs,
      double medianMs,
      double minMs,
      double maxMs,
      double[] samplesMs) {

    /** Canonical constructor: copies the samples. */
    public Result {
      Objects.requireNonNull(name, "name");
      samplesMs = samplesMs.clone();
    }

    /**
     * Summarises raw per-step timings.
     *
     * @param name label
     * @param warmup warm-up steps that were run
     * @param batchSize examples per step (0 when unknown)
     * @param samplesMs per-step milliseconds, at least one
     * @return the summary
     */
    public static Result of(String name, int warmup, int batchSize, double[] samplesMs) {
      if (samplesMs.length == 0) {
        throw new IllegalArgumentException("no samples");
      }
      double[] sorted = samplesMs.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
      double mean = Arrays.stream(sorted).sum() / n;
      return new Result(name, warmup, batchSize, mean, median, sorted[0], sorted[n - 1], samplesMs);
    }

    /**
     * @return the number of timed steps
     */
    public int steps() {
      return samplesMs.length;
    }

    /**
     * @return the samples (a copy)
     */
    @Override
    public double[] samplesMs() {
      return samplesMs.clone();
    }

    /**
     * @return examples per second at the median step time, or NaN when the batch size is unknown
     */
    public double imagesPerSecond() {
      return batchSize > 0 ? batchSize * 1000.0 / medianMs : Double.NaN;
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%s: mean %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms over %d steps (%d warm-up)%s",
          name,
          meanMs,
          medianMs,
          minMs,
          maxMs,
          samplesMs.length,
          warmup,
          batchSize > 0
              ? String.format(java.util.Locale.ROOT, ", %.0f images/s", imagesPerSecond())
              : "");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r
          && name.equals(r.name)
          && warmup == r.warmup
          && batchSize == r.batchSize
          && Arrays.equals(samplesMs, r.samplesMs);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, warmup, batchSize, Arrays.hashCode(samplesMs));
    }
  }
}
