package dev.supertickets.train;

/** The loss became NaN or infinite; the message names the epoch, the step and the likely causes. */
public final class NonFiniteException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The loss value {@code loss} seen at {@code epoch} and global {@code step} under learning rate {@code lr}. */
  public NonFiniteException(int epoch, long step, double loss, double lr) {
    super(String.format(java.util.Locale.ROOT,
        "loss became %s at epoch %d, step %d (learning rate %.3g); lower the learning rate, or check the data "
            + "for NaN or unnormalised values", loss, epoch, step, lr));
  }
}
