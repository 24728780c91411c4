package dev.supertickets.space;

/**
 * One parallel path of a {@link SearchableBlock}: expansion, depthwise {@code kernelSize x
 * kernelSize} conv, projection (see {@link BlockSpec}).
 *
 * @param index position of the path in its block (the order of {@link BlockSpec#kernelSizes()})
 * @param kernelSize depthwise kernel size
 * @param hiddenChannels searchable hidden channels {@code C_p}
 * @param macsPerChannel {@code f_p}, the MACs of the path divided by {@code C_p}: {@code
 *     H_in*W_in*inp + H_out*W_out*k^2 + H_out*W_out*oup}
 */
public record PathSpec(int index, int kernelSize, int hiddenChannels, long macsPerChannel) {
  /** The MACs of the whole path: {@code hiddenChannels * macsPerChannel}. */
  public long macs() {
    return Math.multiplyExact(hiddenChannels, macsPerChannel);
  }
}
