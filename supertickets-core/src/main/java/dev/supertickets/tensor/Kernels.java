package dev.supertickets.tensor;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which route the engine's hand-written kernels take. {@link Route#JAVA}: the Java kernels that
 * read and write host arrays (fused batch norm, fused optimizer and EMA updates, the depthwise
 * convolution's backward pass, the sparse 1x1 path), the fastest on the CPU backend. {@link
 * Route#PORTABLE}: only ND4J/libnd4j ops, so that a backend whose arrays live on a device (ND4J's
 * CUDA backend) never copies them to the host. The default is {@code JAVA} on ND4J's CPU backend
 * and {@code PORTABLE} on any other; the system property {@code st.kernels=java|portable} or {@link
 * #use} chooses (the tests run both routes on the CPU and compare them). The portable route's batch
 * norm accumulates its statistics in double, as the Java kernels do: in float, a training step of
 * {@code default28} drifted from the exact one by up to 6% (relative L2 of a gradient) against 5e-5
 * for the Java route.
 */
public final class Kernels {
  /** The two routes. */
  public enum Route {
    /** The hand-written Java kernels on host arrays. */
    JAVA,
    /** ND4J/libnd4j ops only. */
    PORTABLE
  }

  private static volatile Route chosen = fromProperty(System.getProperty("st.kernels"));
  // the backend's default, looked up once: the kernels ask on every parameter of every step
  private static volatile Route backendDefault;

  private Kernels() {}

  /** The route in force. */
  public static Route route() {
    Route r = chosen;
    if (r != null) {
      return r;
    }
    Route d = backendDefault;
    if (d == null) {
      d =
          Nd4j.getBackend().getClass().getSimpleName().equals("CpuBackend")
              ? Route.JAVA
              : Route.PORTABLE;
      backendDefault = d;
    }
    return d;
  }

  /** Whether the Java kernels run ({@link Route#JAVA}). */
  public static boolean java() {
    return route() == Route.JAVA;
  }

  /** Chooses {@code route} from the next op on, for every thread. */
  public static void use(Route route) {
    chosen =
        checkNotNull(route, "route must not be null; use useDefault() for the backend's default");
  }

  /** Goes back to the default: the system property's route, or the backend's. */
  public static void useDefault() {
    chosen = fromProperty(System.getProperty("st.kernels"));
  }

  static Route fromProperty(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    checkArgument(
        v.equals("java") || v.equals("portable"),
        "st.kernels must be java or portable, got %s",
        value);
    return v.equals("java") ? Route.JAVA : Route.PORTABLE;
  }
}
