package dev.supertickets.draw;

/**
 * A draw's MACs budget (0: none): whether a shrink has brought the supernet within it, and after
 * which epoch (0: before training, when the dense supernet already fits). Once met, the search is
 * over.
 */
final class MacsBudget {
  private final long macs;
  private boolean met;
  private int metEpoch = -1;

  MacsBudget(long macs, long denseMacs) {
    this.macs = macs;
    check(denseMacs, 0);
  }

  boolean isSet() {
    return macs > 0;
  }

  boolean met() {
    return met;
  }

  int metEpoch() {
    return metEpoch;
  }

  /** The state a checkpoint recorded. */
  void restore(boolean wasMet, int atEpoch) {
    this.met = wasMet;
    this.metEpoch = atEpoch;
  }

  /** Records the supernet's MACs after the shrink of {@code epoch}. */
  void check(long currentMacs, int epoch) {
    if (isSet() && !met && currentMacs <= macs) {
      met = true;
      metEpoch = epoch;
    }
  }
}
