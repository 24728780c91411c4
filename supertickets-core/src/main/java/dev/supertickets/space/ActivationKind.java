package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;

/**
 * The one activation function of a supernet: after every stem convolution, inside every path of
 * every block (after the expansion and the depthwise BN), after every fuse sum and after the
 * classification head's last convolution (HR-NAS's {@code active_fn}).
 */
public enum ActivationKind {
  /** {@code max(0, x)}; the SuperTickets configurations use it. */
  RELU,
  /** {@code min(6, max(0, x))}; the MobileNetV2 default. */
  RELU6;

  /** The lower-case name used in JSON: {@code "relu"} or {@code "relu6"}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind with the given {@link #jsonName()}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static ActivationKind fromJsonName(String name) {
    checkNotNull(name, "activation name must not be null; use \"relu\" or \"relu6\"");
    for (ActivationKind kind : values()) {
      if (kind.jsonName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation \"" + name + "\"; use \"relu\" or \"relu6\"");
  }
}
