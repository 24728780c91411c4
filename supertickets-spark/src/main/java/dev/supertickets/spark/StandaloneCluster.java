package dev.supertickets.spark;

import static com.google.common.base.Preconditions.checkArgument;

import dev.supertickets.internal.PathLanes;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and {@code workers} workers of one core
 * each, every one a JVM of its own started from this JVM's class path (no Spark distribution
 * needed; see {@code ../shared/reference/spark-standalone-notes.md}). The workers launch executor
 * JVMs as on any cluster, and Spark restarts an executor that dies. For trying a sweep on a cluster
 * and for the tests; a production cluster is started by its operators.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** The Java options spark-submit adds on Java 17 (Spark's {@code JavaModuleOptions}). */
  public static final List<String> JAVA_MODULE_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private final String masterUrl;
  private final String classPath;
  private final List<Process> processes;
  private final Path logs;

  private StandaloneCluster(
      String masterUrl, String classPath, List<Process> processes, Path logs) {
    this.masterUrl = masterUrl;
    this.classPath = classPath;
    this.processes = processes;
    this.logs = logs;
  }

  /**
   * Starts a master and {@code workers} one-core workers with {@code workerMemoryMb} each, with
   * their files and logs under {@code workDir}, and waits until every worker has registered.
   *
   * @throws IllegalStateException when a worker has not registered within two minutes (the logs are
   *     named)
   */
  public static StandaloneCluster start(Path workDir, int workers, int workerMemoryMb)
      throws IOException, InterruptedException {
    checkArgument(workers >= 1, "a cluster needs at least one worker, got %s", workers);
    Path home = workDir.resolve("spark-home");
    Path jars = home.resolve("jars");
    Path logs = workDir.resolve("logs");
    Files.createDirectories(jars);
    Files.createDirectories(logs);
    // absolute: executors start in the workers' folders
    String cp =
        java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(e -> Path.of(e).toAbsolutePath().toString())
            .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    int n = 0;
    for (Path p : jarsOf(cp)) {
      {
        // the workers' launcher builds executor class paths from SPARK_HOME/jars
        Path link = jars.resolve(String.format("%03d-%s", n++, p.getFileName()));
        if (!Files.exists(link)) {
          Files.createSymbolicLink(link, p.toAbsolutePath());
        }
      }
    }
    int port = freePort();
    String url = "spark://127.0.0.1:" + port;
    List<Process> started = new ArrayList<>();
    StandaloneCluster cluster = new StandaloneCluster(url, cp, started, logs);
    try {
      started.add(
          launch(
              home,
              cp,
              logs.resolve("master.log"),
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--webui-port",
              Integer.toString(freePort())));
      for (int i = 0; i < workers; i++) {
        Path dir = workDir.resolve("worker-" + i);
        Files.createDirectories(dir);
        started.add(
            launch(
                home,
                cp,
                logs.resolve("worker-" + i + ".log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                workerMemoryMb + "m",
                "--webui-port",
                Integer.toString(freePort()),
                "--work-dir",
                dir.toString(),
                url));
      }
      cluster.awaitWorkers(workers, TimeUnit.MINUTES.toNanos(2));
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /**
   * A driver configuration for this cluster: the driver on 127.0.0.1, executors with this JVM's
   * class path, one thread each (one ND4J thread, the Java kernels in the task's thread, one GC
   * thread: a worker has one core) and {@code executorMemoryMb} of heap, no web UI.
   */
  public SparkConf driverConf(String appName, int executorMemoryMb) {
    return new SparkConf()
        .setAppName(appName)
        .setMaster(masterUrl)
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.executor.extraClassPath", classPath)
        .set("spark.executor.memory", executorMemoryMb + "m")
        .set("spark.executorEnv.OMP_NUM_THREADS", "1")
        // one core an executor: the Java kernels' parallel loops run in the task's thread, a
        // block's
        // paths in one lane, one GC thread
        .set(
            "spark.executor.extraJavaOptions",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=0 -D"
                + PathLanes.PROPERTY
                + "=1 -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1")
        .set("spark.ui.enabled", "false");
  }

  /** Whether process {@code pid} is one the workers started (an executor). */
  public boolean isExecutor(long pid) {
    return processes.stream().skip(1).flatMap(Process::descendants).anyMatch(h -> h.pid() == pid);
  }

  private void awaitWorkers(int workers, long timeoutNanos)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (System.nanoTime() < deadline) {
      String log = Files.readString(logs.resolve("master.log"));
      long registered = log.lines().filter(l -> l.contains("Registering worker")).count();
      if (registered >= workers) {
        return;
      }
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "a cluster process exited with status "
                  + p.exitValue()
                  + "; see the "
                  + "logs in "
                  + logs);
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        workers
            + " workers did not register with the master within the timeout; see "
            + "the logs in "
            + logs);
  }

  private static Process launch(Path home, String cp, Path log, String main, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(JAVA_MODULE_OPTIONS);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** The jars of a class path, a {@code DIR/*} entry (as the launcher script writes) expanded. */
  private static List<Path> jarsOf(String cp) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (entry.endsWith("*")) {
        Path dir = Path.of(entry.substring(0, entry.length() - 1));
        try (var files = Files.list(dir)) {
          files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(out::add);
        }
      } else if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
        out.add(Path.of(entry));
      }
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the workers (and so their executors) and the master. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
