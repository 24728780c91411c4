package dev.supertickets.space;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * HR-NAS's {@code HeadModule} plus classifier. With {@code n} final branches {@code Y_0..Y_{n-1}}
 * and head channels {@code h_0..h_{n-1}}:
 *
 * <pre>
 *   H_0     = incre_0(Y_0)                                   incre_i: block Y_i's channels -> h_i, stride 1
 *   H_{i+1} = incre_{i+1}(Y_{i+1}) + downsamp_i(H_i)          downsamp_i: block h_i -> h_{i+1}, stride 2
 *   logits  = Linear(Dropout(GlobalAvgPool(act(BN(Conv1x1(H_{n-1}, h_{n-1} -> lastChannel))))))
 * </pre>
 *
 * The 1x1 conv has no bias; the linear layer has one and is neither searched nor pruned. With no
 * head channels the incre blocks are left out: {@code H_0 = Y_0}, {@code H_{i+1} = Y_{i+1} +
 * downsamp_i(H_i)} with {@code downsamp_i} mapping the branch channels (the MobileNetV2 head when
 * there is one branch).
 *
 * @param headChannels channels per final branch (empty: no incre blocks)
 * @param lastChannel output channels of the final 1x1 conv (HR-NAS ImageNet: 1600)
 * @param dropout dropout rate before the classifier, in [0, 1)
 * @param numClasses classifier outputs
 */
public record ClassificationHead(
    ImmutableList<Integer> headChannels, int lastChannel, double dropout, int numClasses)
    implements HeadSpec {
  /**
   * Validates the head (the number of head channels is checked against the branches by the space).
   */
  public ClassificationHead {
    checkNotNull(headChannels, "headChannels");
    for (int i = 0; i < headChannels.size(); i++) {
      checkArgument(
          headChannels.get(i) >= 1 && headChannels.get(i) <= SearchSpace.MAX_CHANNELS,
          "head channels of branch %s must be in [1, %s], got %s",
          i,
          SearchSpace.MAX_CHANNELS,
          headChannels.get(i));
    }
    checkArgument(
        lastChannel >= 1 && lastChannel <= SearchSpace.MAX_CHANNELS,
        "head last channel must be in [1, %s], got %s",
        SearchSpace.MAX_CHANNELS,
        lastChannel);
    checkArgument(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got %s", dropout);
    checkArgument(
        numClasses >= 1 && numClasses <= SearchSpace.MAX_CHANNELS,
        "number of classes must be in [1, %s], got %s",
        SearchSpace.MAX_CHANNELS,
        numClasses);
  }

  /** A head from a list of head channels. */
  public static ClassificationHead of(
      List<Integer> headChannels, int lastChannel, double dropout, int numClasses) {
    return new ClassificationHead(
        ImmutableList.copyOf(headChannels), lastChannel, dropout, numClasses);
  }
}
