package dev.supertickets.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.Ranking;
import dev.supertickets.nn.Param;
import dev.supertickets.space.SearchSpace;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.supernet.Architecture;
import dev.supertickets.supernet.InvertedResidualChannels;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Tensors;
import dev.supertickets.ticket.SuperTicket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Early-bird: the FIFO and distance rule on hand-made masks, the channel mask and the slimming
 * penalty on tiny28, and draws on 128 images (2 steps an epoch) that find the early bird (epsilon
 * 1: as soon as the queue is full) or do not (epsilon 0, two search epochs), cut the network and
 * retrain it for one epoch.
 */
class EarlyBirdDrawerTest {
  private static final SearchSpace SPACE = SearchSpaces.tiny28();
  private static final long FULL = Architecture.full(SPACE).totalHidden();
  private static Dataset train;
  private static Dataset test;
  private static SuperTicket found;
  private static SuperTicket notFound;

  private static EarlyBirdDrawer.Builder notFoundDrawer() {
    return EarlyBirdDrawer.builder(SPACE)
        .seed(4)
        .retrainer(SparseFixtures.quick(1))
        .epsilon(0)
        .maxSearchEpochs(2)
        .channelRatio(0.3)
        .unstructuredSparsity(0.4);
  }

  private static final java.util.List<dev.supertickets.draw.DrawListener.RoundEvent> rounds =
      new java.util.ArrayList<>();

  @BeforeAll
  static void draw() {
    train = SparseFixtures.train(128);
    test = SparseFixtures.test();
    found =
        EarlyBirdDrawer.builder(SPACE)
            .seed(4)
            .retrainer(SparseFixtures.quick(1))
            .epsilon(1)
            .l1Penalty(1e-3)
            .listener(
                new dev.supertickets.draw.DrawListener() {
                  @Override
                  public void onEpoch(DrawEvent e) {}

                  @Override
                  public void onRound(RoundEvent e) {
                    rounds.add(e);
                  }
                })
            .build()
            .draw(train, null);
    notFound = notFoundDrawer().build().draw(train, null);
  }

  @Test
  void distanceIsTheFractionOfChannelsThatDiffer() {
    assertThat(ChannelMaskHistory.distance(mask("1100"), mask("1001"))).isEqualTo(0.5);
    assertThat(ChannelMaskHistory.distance(mask("1100"), mask("1100"))).isZero();
    assertThatThrownBy(() -> ChannelMaskHistory.distance(mask("11"), mask("110")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 2 and 3");
  }

  @Test
  void theEarlyBirdEmergesOnceFiveMasksAreWithinEpsilonOfTheNewest() {
    ChannelMaskHistory h = new ChannelMaskHistory();
    for (String m : List.of("0000000000", "1111000000", "1111100000", "1111110000")) {
      h.push(mask(m));
      assertThat(h.isFull()).isFalse();
      assertThat(h.distances()).isEmpty();
      assertThat(h.converged(1)).isFalse();
    }
    h.push(mask("1111110000"));
    assertThat(h.isFull()).isTrue();
    assertThat(h.distances()).containsExactly(0.6, 0.2, 0.1, 0.0);
    assertThat(h.converged(0.5)).isFalse();
    assertThat(h.converged(0.6)).isTrue();
    // the oldest mask leaves the queue: only the last five count
    h.push(mask("1111110000"));
    assertThat(h.distances()).containsExactly(0.2, 0.1, 0.0, 0.0);
    assertThat(h.converged(0.1)).isFalse();
    assertThat(h.converged(0.2)).isTrue();
    h.push(mask("1111110000"));
    assertThat(h.converged(0.1)).isTrue();
    assertThatThrownBy(() -> h.push(mask("111")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel mask has 3 entries but the earlier ones have 10");
  }

  @Test
  void theChannelMaskKeepsTheLargestScalesGlobally() {
    Supernet net = SuperTicket.initial(SPACE, Normalization.identity(1), 1).network();
    SplittableRandom rng = new SplittableRandom(2);
    List<Float> all = new ArrayList<>();
    for (InvertedResidualChannels.Path p : net.paths()) {
      INDArray gamma = p.importanceBn().gamma().value();
      for (int c = 0; c < gamma.length(); c++) {
        float v = (float) (rng.nextDouble(-1, 1));
        gamma.putScalar(c, v);
        all.add(v);
      }
    }
    boolean[] keep = EarlyBirdDrawer.channelMask(net, 0.3);
    assertThat(keep).hasSize((int) FULL);
    float lowestKept = Float.MAX_VALUE;
    float highestCut = -1;
    int kept = 0;
    for (int i = 0; i < keep.length; i++) {
      float a = Math.abs(all.get(i));
      if (keep[i]) {
        kept++;
        lowestKept = Math.min(lowestKept, a);
      } else {
        highestCut = Math.max(highestCut, a);
      }
    }
    assertThat(FULL - kept).isEqualTo(Ranking.pruneCount(0.3, FULL));
    assertThat(lowestKept).isGreaterThan(highestCut);
  }

  @Test
  void theSlimmingPenaltyAddsSignedL1GradientsToTheRankingScales() {
    Supernet net = SuperTicket.initial(SPACE, Normalization.identity(1), 1).network();
    Param gamma = net.paths().get(0).importanceBn().gamma();
    float[] pattern = {0.5f, -2f, 0f, 1f};
    float[] values = new float[(int) gamma.value().length()];
    float[] signs = new float[values.length];
    for (int c = 0; c < values.length; c++) {
      values[c] = pattern[c % 4];
      signs[c] = 0.1f * Math.signum(values[c]);
    }
    gamma.value().assign(Nd4j.createFromArray(values).reshape(gamma.value().shape()));
    net.params().forEach(Param::zeroGrad);
    double value = new SlimmingPenalty(0.1).apply(net, 0);
    assertThat(gamma.grad().data().asFloat()).containsExactly(signs);
    double expected = 0;
    for (InvertedResidualChannels.Path p : net.paths()) {
      expected += 0.1 * p.importanceBn().gamma().value().norm1Number().doubleValue();
    }
    assertThat(value).isCloseTo(expected, within(1e-6));
  }

  @Test
  void foundEarlyBirdIsCutRetrainedAndPredicts() {
    var p = found.provenance();
    assertThat(p.get("method")).isEqualTo("early-bird");
    assertThat(p.get("earlyBird.found")).isEqualTo("true");
    // epsilon 1: the fifth mask, taken at the start of epoch 4, fills the queue
    assertThat(p.get("earlyBird.epoch")).isEqualTo("4");
    assertThat(p.get("earlyBird.distances")).startsWith("[").contains(", ");
    assertThat(p.get("earlyBird.l1Penalty")).isEqualTo("0.001");
    assertThat(p.get("retrained.epochs")).isEqualTo("1");
    assertThat(found.architecture().totalHidden()).isEqualTo(FULL - Ranking.pruneCount(0.5, FULL));
    assertThat(p.get("earlyBird.hiddenChannels"))
        .isEqualTo(FULL + " -> " + found.architecture().totalHidden());
    INDArray logits = found.predict(SparseFixtures.images(test, 8));
    assertThat(logits.shape()).containsExactly(8, 10);
    assertThat(Tensors.allFinite(logits)).isTrue();
    assertThat(found.evaluate(test).accuracy()).isBetween(0.0, 1.0);
    assertThat(found.sparsity()).isZero();
  }

  @Test
  void withoutAnEarlyBirdTheLastSearchEpochIsDrawn() {
    var p = notFound.provenance();
    assertThat(p.get("earlyBird.found")).isEqualTo("false");
    assertThat(p.get("earlyBird.epoch")).isEqualTo("2");
    assertThat(p.get("earlyBird.distances")).isEqualTo("[]");
    assertThat(notFound.architecture().totalHidden())
        .isEqualTo(FULL - Ranking.pruneCount(0.3, FULL));
    assertThat(notFound.sparsity()).isCloseTo(0.4, within(1e-3));
    assertThat(notFound.predict(SparseFixtures.images(test, 2)).shape()).containsExactly(2, 10);
  }

  @Test
  void theSameSeedDrawsTheSameTicketBitForBit() {
    SparseFixtures.assertBitIdentical(notFoundDrawer().build().draw(train, null), notFound);
  }

  @Test
  void badArgumentsAreRefusedWithTheRuleAndTheFix() {
    assertThatThrownBy(() -> EarlyBirdDrawer.builder(SPACE).channelRatio(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channel ratio must be in (0, 1), got 1.0")
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> EarlyBirdDrawer.builder(SPACE).epsilon(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epsilon must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> EarlyBirdDrawer.builder(SPACE).maxSearchEpochs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> EarlyBirdDrawer.builder(SPACE).l1Penalty(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -1.0; Early-bird uses 1e-4");
    assertThatThrownBy(() -> EarlyBirdDrawer.builder(SPACE).unstructuredSparsity(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1.0");
  }

  private static boolean[] mask(String bits) {
    boolean[] m = new boolean[bits.length()];
    for (int i = 0; i < m.length; i++) {
      m[i] = bits.charAt(i) == '1';
    }
    return m;
  }

  @Test
  void listenersHearTheCutTicketThenTheRetrainedOne() {
    assertThat(rounds)
        .extracting(dev.supertickets.draw.DrawListener.RoundEvent::round)
        .containsExactly(0, 1);
    assertThat(rounds.get(0).ticket().network().hiddenChannels())
        .isEqualTo(found.network().hiddenChannels());
    assertThat(rounds.get(1).ticket()).isSameAs(found);
  }
}
