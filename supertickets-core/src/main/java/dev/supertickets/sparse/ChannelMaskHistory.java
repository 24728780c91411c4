package dev.supertickets.sparse;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Early-bird's convergence test (You et al. 2020, {@code class EarlyBird}): a FIFO of the last
 * {@value #LENGTH} channel masks; once it is full, the distance of each older mask to the newest is
 * the fraction of channels on which they differ, and the early bird has emerged when all {@value
 * #LENGTH} − 1 distances are at most {@code epsilon}. Mutable, used by one search.
 */
final class ChannelMaskHistory {
  /** Masks kept, the newest included (the reference's {@code epoch_keep}). */
  static final int LENGTH = 5;

  private final Deque<boolean[]> masks = new ArrayDeque<>();

  /** Adds the newest mask (copied), dropping the oldest once {@value #LENGTH} are held. */
  void push(boolean[] mask) {
    checkNotNull(mask, "channel mask must not be null");
    checkArgument(
        masks.isEmpty() || masks.peekLast().length == mask.length,
        "channel mask has %s entries but the earlier ones have %s; masks must cover the same"
            + " channels",
        mask.length,
        masks.isEmpty() ? 0 : masks.peekLast().length);
    masks.addLast(mask.clone());
    if (masks.size() > LENGTH) {
      masks.removeFirst();
    }
  }

  /** The masks held, oldest first (copies). */
  List<boolean[]> masks() {
    return masks.stream().map(boolean[]::clone).toList();
  }

  /** Forgets every mask. */
  void clear() {
    masks.clear();
  }

  /** Whether {@value #LENGTH} masks are held. */
  boolean isFull() {
    return masks.size() == LENGTH;
  }

  /** The distances of the older masks to the newest, oldest first; empty until the FIFO is full. */
  double[] distances() {
    if (!isFull()) {
      return new double[0];
    }
    boolean[] newest = masks.peekLast();
    double[] out = new double[LENGTH - 1];
    Iterator<boolean[]> it = masks.iterator();
    for (int i = 0; i < out.length; i++) {
      out[i] = distance(it.next(), newest);
    }
    return out;
  }

  /** Whether the FIFO is full and every distance to the newest mask is at most {@code epsilon}. */
  boolean converged(double epsilon) {
    if (!isFull()) {
      return false;
    }
    for (double d : distances()) {
      if (d > epsilon) {
        return false;
      }
    }
    return true;
  }

  /** The fraction of entries on which two masks of the same length differ. */
  static double distance(boolean[] a, boolean[] b) {
    checkArgument(
        a.length == b.length && a.length > 0,
        "masks must have the same, positive length, got %s and %s",
        a.length,
        b.length);
    int differ = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        differ++;
      }
    }
    return (double) differ / a.length;
  }
}
